"""Template helpers for territories: a link to a territory's page wherever it is named, and
the commune picker.

``{% load territories %}`` then ``{% territory_link commune %}``, ``{{ commune|territory_link }}``
(usable in ``{% blocktranslate with place=commune|territory_link %}``), or with another text:
``{% territory_link commune text %}``. Neither costs a query: the page address is built from
the territory's row.
"""

from django import template
from django.utils.html import format_html

from ..forms import CommunePickerForm

register = template.Library()


def _link(territory, text=None):
    if territory is None or not getattr(territory, "code", ""):
        return text or ""
    return format_html(
        '<a href="{}">{}</a>',
        territory.get_absolute_url(),
        territory.name if text is None else text,
    )


@register.simple_tag(name="territory_link")
def territory_link_tag(territory, text=None):
    """``<a href="/communes/60057-beauvais/">Beauvais</a>``; nothing for no territory."""
    return _link(territory, text)


@register.filter(name="territory_link")
def territory_link_filter(territory, text=None):
    return _link(territory, text)


@register.inclusion_tag("territories/_commune_picker.html")
def commune_picker(form=None):
    """The "find a commune" form, which leads to the commune's page; works without JavaScript.
    Without ``form``: a light one, with no list of suggestions (no query)."""
    return {"picker": form or CommunePickerForm(auto_id="picker_%s", suggestions=False)}

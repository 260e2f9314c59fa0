"""Template helpers for reportable content.

- ``{% report_link item %}``: the "Report" link (not shown to the item's author); visitors
  follow it to the login page.
- ``{% moderation_notice item %}``: on the page of a hidden item, which only staff and the
  author still see, a banner saying it is hidden.
- ``{% if item|hidden_for:user %}{% include "moderation/_hidden_notice.html" %}{% else %}…``:
  the notice in place of a hidden item inside a list or a thread (uses the
  ``moderation_hidden`` annotation of ``selectors.annotate_hidden`` when present).
- ``item|report_url``: the address of the report form.
"""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from parvis.core.reversing import reverse_link

from .. import registry, selectors

register = template.Library()


@register.filter
def report_url(obj):
    entry = registry.get_for_model(obj) if obj is not None else None
    if entry is None or obj.pk is None:
        return ""
    # Remembered per process (``core.reversing``): lists and threads show one per item.
    return reverse_link("moderation:report", (), {"key": entry.key, "pk": obj.pk})


@register.simple_tag(takes_context=True)
def report_link(context, obj):
    """``<p class="report-link"><a href="…">Report<span class="visually-hidden"> this …`` and
    a line break; only the line break for the item's author or what cannot be reported.
    Written here rather than by a template: lists and threads show one per item."""
    user = context.get("user")
    entry = registry.get_for_model(obj) if obj is not None else None
    show = entry is not None and not (
        user is not None and user.is_authenticated and selectors.is_author(obj, user)
    )
    url = report_url(obj) if show else ""
    if not url:
        return "\n"
    hidden = _("this %(kind)s to the moderators") % {"kind": conditional_escape(entry.label)}
    return format_html(
        '<p class="report-link"><a href="{}" rel="nofollow">{}<span class="visually-hidden"> {}'
        "</span></a></p>\n",
        url,
        _("Report"),
        mark_safe(hidden),  # noqa: S308 - the translation, and the label escaped
    )


@register.inclusion_tag("moderation/_hidden_banner.html")
def moderation_notice(obj):
    return {"hidden": obj is not None and selectors.is_hidden(obj)}


@register.filter
def hidden_for(obj, user):
    """Whether ``obj`` must be replaced by the moderation notice for ``user``."""
    if obj is None:
        return False
    hidden = getattr(obj, "moderation_hidden", None)
    if hidden is None:
        hidden = selectors.is_hidden(obj)
    if not hidden:
        return False
    if user is not None and user.is_authenticated and user.is_staff:
        return False
    return not selectors.is_author(obj, user)


@register.filter
def markdown(text):
    """Members' Markdown, rendered and sanitised (for the item templates of the queue)."""
    from parvis.core.richtext import render_markdown

    return render_markdown(text)

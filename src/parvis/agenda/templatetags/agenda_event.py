"""Template helpers of the event page."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The characters that could end a <script> element or open a comment inside it, as
# django.utils.html.json_script escapes them.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data, nonce=None):
    """A ``<script type="application/ld+json">`` element holding ``data`` (a dict).

    The JSON is escaped like Django's ``json_script`` filter: no ``</script>`` written by a
    member can close the element.
    """
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    safe_json = mark_safe(text)  # noqa: S308 - <, > and & are escaped just above
    if nonce is not None and str(nonce):
        return format_html(
            '<script type="application/ld+json" nonce="{}">{}</script>', nonce, safe_json
        )
    return format_html('<script type="application/ld+json">{}</script>', safe_json)

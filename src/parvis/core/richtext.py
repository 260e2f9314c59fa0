"""Markdown written by members, rendered then sanitised with nh3.

Nothing executable survives: no script, style or iframe element, no event-handler attribute,
no javascript: or data: link. Links get rel="nofollow noopener ugc".
"""

import threading
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th",
    "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


_EXTENSIONS = ["extra", "sane_lists", "nl2br"]
_local = threading.local()


def _converter():
    """This thread's Markdown converter: building one (its extensions) costs more than
    converting a description, so it is built once and ``reset()`` between texts."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown.Markdown(
            extensions=_EXTENSIONS, output_format="html"
        )
    return converter


def render_markdown(text):
    """Safe HTML for ``text`` (Markdown). Headings start at h2: the page owns its h1.

    The result depends on the text only: the last texts rendered are remembered (a page such
    as the event's renders its description for the page, its summary and its JSON-LD)."""
    return _render_markdown(str(text or ""))


@lru_cache(maxsize=128)
def _render_markdown(text):
    html = _converter().reset().convert(text)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return mark_safe(  # noqa: S308 - sanitised by nh3 just below
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            link_rel="nofollow noopener ugc",
            strip_comments=True,
        )
    )

"""Posts as plain text, for cards, page descriptions and Open Graph tags."""

from django.utils.html import strip_tags
from django.utils.text import Truncator

from parvis.core.richtext import render_markdown


def plain_summary(post, words=30):
    """The post's text as plain words (Markdown rendered, sanitised, tags stripped)."""
    text = " ".join(strip_tags(render_markdown(post.body)).split())
    return Truncator(text).words(words) if text else ""

"""Rendering the sections of a section registry (see ``parvis.core.sections``)."""

from django import template
from django.utils import timezone, translation

from .. import pagecache
from ..context_processors import page_cache_placeholders

register = template.Library()


@register.simple_tag(takes_context=True)
def render_section(context, rendered, subject):
    """The body of ``rendered`` (a ``RenderedSection``): its template, with the keys of its
    context, ``section`` and ``subject`` added to the page's context."""
    section_template = context.template.engine.get_template(rendered.section.template)
    with context.push(section=rendered.section, subject=subject, **rendered.context):
        return section_template.render(context)


@register.simple_tag(takes_context=True)
def render_home_block(context, block):
    """A home page block (``parvis.core.home.HomeBlock``): its template, with the keys of its
    ``context(user)`` added to the page's context; nothing when that returns ``None``. The
    context is read here, when the block is rendered (a cached fragment costs no query). A
    visitor's block is a fragment shared by all visitors. A member's block with a ``fragment``
    is the member's own cached fragment. Either way its CSRF and form tokens are this
    request's (``pagecache.fragment`` with the request)."""
    user = context["user"]
    request = context.get("request")
    if request is None or (user.is_authenticated and block.fragment is None):
        return _render_block(context, block)
    if user.is_authenticated:
        language = getattr(request, "LANGUAGE_CODE", "")
        parts = ("home-block", block.key, user.pk, language, *block.fragment(user))
        member_tags = block.member_tags(user) if block.member_tags is not None else ()
        tags = (*block.tags, *member_tags)
    else:  # the same for every visitor
        language, zone = translation.get_language(), timezone.get_current_timezone_name()
        parts, tags = ("home-block:visitor:v1", block.key, language, zone), block.tags
    return pagecache.fragment(
        parts,
        # The page's context holds this request's tokens: the placeholders replace them.
        lambda: _render_block(context, block, page_cache_placeholders(request)),
        tags=tags,
        request=request,
    )


def _render_block(context, block, extra=None):
    values = block.context(context["user"]) if block.context is not None else {}
    if values is None:
        return ""
    block_template = context.template.engine.get_template(block.template)
    with context.push(block=block, **(extra or {}), **values):
        return block_template.render(context)

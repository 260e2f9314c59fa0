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
    if request is not None and not user.is_authenticated and pagecache.fragments_enabled():
        # The same for every visitor: a fragment kept while what it shows is unchanged.
        parts = ("home-block:visitor:v1", block.key, translation.get_language())
        return pagecache.fragment(
            (*parts, timezone.get_current_timezone_name()),
            lambda: _render_block(context, block, page_cache_placeholders(request)),
            tags=block.tags,
            request=request,
        )
    if block.fragment is None or request is None or not user.is_authenticated:
        return _render_block(context, block)
    member_tags = block.member_tags(user) if block.member_tags is not None else ()
    return pagecache.fragment(
        ("home-block", block.key, user.pk, getattr(request, "LANGUAGE_CODE", ""))
        + tuple(block.fragment(user)),
        # The page's context holds this request's tokens: the placeholders replace them.
        lambda: _render_block(context, block, page_cache_placeholders(request)),
        tags=(*block.tags, *member_tags),
        request=request,
    )


def _render_block(context, block, extra=None):
    values = block.context(context["user"]) if block.context is not None else {}
    if values is None:
        return ""
    block_template = context.template.engine.get_template(block.template)
    with context.push(block=block, **(extra or {}), **values):
        return block_template.render(context)

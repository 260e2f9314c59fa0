"""Rendering the sections of a section registry (see ``parvis.core.sections``)."""

from django import template

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
    context is read here, when the block is rendered (a cached fragment costs no query)."""
    values = block.context(context["user"]) if block.context is not None else {}
    if values is None:
        return ""
    block_template = context.template.engine.get_template(block.template)
    with context.push(block=block, **values):
        return block_template.render(context)

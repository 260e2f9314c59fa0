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

"""``{% url %}`` with its addresses remembered per process (``core.reversing.reverse_link``).

A built-in library (``TEMPLATES["OPTIONS"]["builtins"]``, after Django's own): it replaces
Django's ``{% url %}`` in every template with the same tag — same syntax, same output, same
``NoReverseMatch`` — whose ``reverse()`` is remembered. A page repeats the same links (the
menu twice, the footer, an item's links in a list) and every page the menu's: each is now
computed once per process.
"""

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from ..reversing import reverse_link

register = template.Library()


class RememberedURLNode(URLNode):
    """Django's ``URLNode``, through ``reverse_link``."""

    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {key: value.resolve(context) for key, value in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse_link(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's ``{% url %}`` (see its documentation), remembered."""
    node = django_url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)

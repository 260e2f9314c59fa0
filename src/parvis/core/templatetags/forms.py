"""``{% form_token %}``: the one-time token of a create form (``parvis.core.idempotency``).

A built-in tag (``TEMPLATES["OPTIONS"]["builtins"]``), like ``{% csrf_token %}``, so that a
create form needs no ``{% load %}``:

```django
<form method="post" action="...">{% csrf_token %}{% form_token %}
```
"""

from django import template
from django.utils.html import format_html

from ..idempotency import FIELD, token_for_render

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    """A *text* input, hidden: browsers restore the values of text inputs (not of
    ``type=hidden`` ones) when the back button loads a page again, so the form sent again
    after "back" carries the token it was first sent with, even when the page was fetched
    anew (no back-forward cache) and shows the text typed before."""
    token = token_for_render(context.get("request"))
    return format_html(
        '<input type="text" name="{}" value="{}" class="form-token" hidden>', FIELD, token
    )

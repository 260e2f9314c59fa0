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
    """A hidden text input (``static/parvis/forms.js`` sets it back to the token a form was
    sent with when the back button loads the page anew; browsers keeping form state may
    restore it too, which they never do for ``type=hidden``)."""
    token = token_for_render(context.get("request"))
    return format_html(
        '<input type="text" name="{}" value="{}" class="form-token" hidden>', FIELD, token
    )

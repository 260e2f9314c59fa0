"""``{% share_controls title=... path=... %}``: the one share block of every public item."""

from django import template

from ..share import share_links

register = template.Library()


@register.inclusion_tag("core/_share.html", takes_context=True)
def share_controls(context, title, path):
    return {
        "share": share_links(title=str(title), path=path),
        "csp_nonce": context.get("csp_nonce"),
    }

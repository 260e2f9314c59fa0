"""``{% comments_section item %}`` (an item's discussion, paginated) and
``{% load_reactions items %}`` / ``{% include "comments/_reactions.html" %}`` (the reaction
bar). Both name the page-cache tags the page shows: a comment retires its item's page, a
reaction the page that shows its counts, nothing else."""

from django import template

from parvis.core import pagecache

from ..selectors import attach_reactions, comments_page
from ..targets import key_of, type_for

register = template.Library()

#: The query parameter of the discussion's pages (declared by the items' ``public_page``).
PAGE_PARAMETER = "commentaires"


def page_tags(item):
    target_type = type_for(item)
    page = target_type.page(item)
    return (
        pagecache.scoped("comments.comment", "target", key_of(item)),
        pagecache.scoped("comments.reaction", "page", page),
    )


@register.inclusion_tag("comments/_section.html", takes_context=True)
def comments_section(context, item):
    request = context["request"]
    user = context["user"]
    target_type = type_for(item)
    target = key_of(item)
    pagecache.depends_on(*page_tags(item))
    page = comments_page(target, page=request.GET.get(PAGE_PARAMETER) or 1)
    shown = list(page.object_list)
    replies = [reply for comment in shown for reply in comment.replies_shown]
    attach_reactions([item, *shown, *replies], user)
    open_ = bool(target_type.open_for_comments and target_type.open_for_comments(item))
    refusal = None
    if open_ and user.is_authenticated and target_type.comment_refusal is not None:
        refusal = target_type.comment_refusal(item, user)
    return {
        "request": request,
        "user": user,
        "item": item,
        "target": target,
        "page": page,
        "comments": shown,
        "open": open_,
        "refusal": refusal,
        # Besides the moderators: those who answer for the item's discussion (an agent of the
        # consultation's institution) remove comments with a reason.
        "can_remove": user.is_authenticated
        and (
            user.is_staff
            or bool(target_type.removes_comments and target_type.removes_comments(item, user))
        ),
        "page_parameter": PAGE_PARAMETER,
        "csp_nonce": context.get("csp_nonce"),
    }


@register.simple_tag(takes_context=True)
def load_reactions(context, items):
    """Attach the reaction counts to ``items`` (one grouped query) for ``_reactions.html``."""
    items = list(items)
    if items:
        pagecache.depends_on(
            *{pagecache.scoped("comments.reaction", "page", type_for(i).page(i)) for i in items}
        )
    attach_reactions(items, context["user"])
    return ""

"""The groups' part of the member's feed (``parvis.core.feed``): the messages of the groups
they belong to, and of the members, groups and discussions they follow, in the groups they
may read; one query with a LIMIT (the member's follows are read once per request by
``news.selectors.following_of``)."""

from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from parvis.core.feed import FeedItem, older_than
from parvis.moderation.selectors import exclude_hidden
from parvis.news.selectors import following_of

from .models import GroupStatus
from .selectors import active_memberships, messages_visible_to

EXCERPT_WORDS = 40


def group_messages(user, before, limit):
    following = following_of(user, remember=True)
    condition = Q(thread__group__in=active_memberships(user).values("group_id"))
    if following.user_ids:
        condition |= Q(author_id__in=sorted(following.user_ids))
    if following.group_ids:
        condition |= Q(thread__group_id__in=sorted(following.group_ids))
    if following.thread_ids:
        condition |= Q(thread_id__in=sorted(following.thread_ids))
    messages = (
        exclude_hidden(messages_visible_to(user).filter(condition))
        .filter(deleted_at__isnull=True, **older_than(before, "created_at"))
        .exclude(thread__group__status=GroupStatus.DELETED)
        .select_related("author", "thread", "thread__group")
        .order_by("-created_at", "-pk")[:limit]
    )
    return [_item(message) for message in messages]


def _item(message):
    thread, group = message.thread, message.thread.group
    body = message.body
    if message.position == 1:
        # A discussion titled with its first line (the composer's): not twice.
        first_line, _newline, rest = body.strip().partition("\n")
        if first_line.strip() == thread.title:
            body = rest
    if message.position == 1:
        context = _("started a discussion in the group %(group)s") % {"group": group.name}
    else:
        context = _("replied in the group %(group)s") % {"group": group.name}
    return FeedItem(
        key=f"groups.message:{message.pk}",
        when=message.created_at,
        actor=message.author,
        actor_url=message.author.get_absolute_url() if message.author else "",
        context=context,
        title=thread.title,
        url=message.get_absolute_url(),
        excerpt=Truncator(body).words(EXCERPT_WORDS),
        reactable=True,
    )

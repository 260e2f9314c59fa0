"""What comments and reactions tell, decided when a worker tells it (see
``parvis.notifications.activities``).

- ``comments.comment_posted``: the members a comment mentions, the author of the comment it
  answers, then the item's author, the followers of its publisher and the members who
  commented on it before — each once, never the comment's author.
- ``comments.reacted``: reactions to one member's contribution are gathered for an hour
  (one batch key per item) and told as one line, "3 people reacted to your contribution",
  in the daily digest by default.
"""

import datetime as dt

from django.db.models import Q
from django.utils.text import Truncator

from parvis.accounts.models import User
from parvis.moderation.selectors import is_hidden
from parvis.notifications.activities import Notice, activity_kind, recipients_of

from .models import Comment, Reaction
from .targets import resolve

COMMENT_KIND = "comments.comment_posted"
REACTION_KIND = "comments.reacted"
#: Reactions to one contribution are summed up over this window before they are told.
REACTION_WINDOW = dt.timedelta(hours=1)


def _followers_of(publisher):
    from parvis.news.models import Follow
    from parvis.organisations.models import Organisation

    if publisher is None:
        return Follow.objects.none().values("user_id")
    if isinstance(publisher, Organisation):
        return Follow.objects.filter(organisation=publisher).values("user_id")
    return Follow.objects.filter(followed_user=publisher).values("user_id")


@activity_kind(COMMENT_KIND)
def comment_posted(activity):
    comment = (
        Comment.objects.filter(pk=activity.target_id, deleted_at__isnull=True)
        .select_related("author", "parent")
        .first()
    )
    if comment is None or is_hidden(comment):
        return None
    target_type, item = resolve(comment.target)
    if item is None:
        return None
    url = f"{item.get_absolute_url()}#{comment.anchor}"
    context = {
        "title": str(target_type.title(item)),
        "excerpt": Truncator(comment.body).words(40),
    }
    actor = comment.author
    told = {comment.author_id}

    def can_see(user):
        return user.is_active and target_type.is_visible_to(item, user)

    notices = []
    mentioned = [
        user
        for user in User.objects.filter(pk__in=activity.data.get("mentioned_ids", []))
        if user.pk not in told and can_see(user)
    ]
    # Every notice is written by batches (the outbox does not mix both ways in one activity).
    if mentioned:
        notices.append(
            Notice(
                "comments.mentioned",
                User.objects.filter(pk__in=[user.pk for user in mentioned]),
                context,
                url=url,
                target=comment,
                actor=actor,
                batched=True,
            )
        )
        told |= {user.pk for user in mentioned}
    parent_author = comment.parent.author if comment.parent_id else None
    if parent_author is not None and parent_author.pk not in told and can_see(parent_author):
        notices.append(
            Notice(
                "comments.replied",
                User.objects.filter(pk=parent_author.pk),
                context,
                url=url,
                target=comment,
                actor=actor,
                batched=True,
            )
        )
        told.add(parent_author.pk)
    author = target_type.author(item)
    others = (
        User.objects.filter(
            Q(pk=author.pk if author else None)
            | Q(pk__in=Comment.objects.filter(target=comment.target).values("author_id"))
            | Q(pk__in=_followers_of(target_type.publisher(item)))
        )
        .filter(is_active=True)
        .exclude(pk__in=[pk for pk in told if pk])
        .order_by("pk")
    )
    notices.append(
        Notice(
            "comments.commented",
            others,
            context,
            url=url,
            target=comment,
            actor=actor,
            batched=True,
        )
    )
    return notices


@activity_kind(REACTION_KIND)
def reacted(activity):
    """The reactions still standing from the members of the batch, as one line."""
    batch = getattr(activity, "batch", [activity])
    key = activity.data.get("target", "")
    actors = {item.actor_id for item in batch if item.actor_id}
    count = Reaction.objects.filter(target=key, user_id__in=actors).count()
    target_type, item = resolve(key)
    if not count or item is None:
        return None
    return Notice(
        "comments.reactions",
        recipients_of(activity),
        {"count": count, "title": str(target_type.title(item))},
        url=item.get_absolute_url(),
        target=item,
    )

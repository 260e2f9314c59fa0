"""Every read of comments and reactions, shaped for the pages: a constant number of queries
whatever the number of comments or reactions."""

from django.db.models import Count, Prefetch

from parvis.core.pagination import Paginator
from parvis.core.prepared import prepared
from parvis.moderation.selectors import annotate_hidden

from .models import COMMENTS_PER_PAGE, EMOJI, Comment, Reaction, ReactionKind
from .targets import key_of, type_for


def comments_page(target: str, *, page=1):
    """The ``page``-th page of the item's top-level comments (oldest first), each with its
    replies (``replies_shown``), authors and moderation state loaded: three queries (the count,
    the comments, their replies), two for a first page that holds them all (no count)."""
    return Paginator(_top_level_comments(target=target), COMMENTS_PER_PAGE).get_page(page)


@prepared("target")
def _top_level_comments(target):
    # The replies of these comments (their target is the same).
    replies = annotate_hidden(Comment.objects.all()).select_related("author")
    return (
        annotate_hidden(Comment.objects.filter(target=target, parent__isnull=True))
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "replies", queryset=replies.order_by("created_at", "pk"), to_attr="replies_shown"
            )
        )
        .order_by("created_at", "pk")
    )


def comment_count(target: str) -> int:
    return Comment.objects.filter(target=target, deleted_at__isnull=True).count()


def comment_by_pk(pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return annotate_hidden(Comment.objects.filter(pk=pk)).select_related("author").first()


def comments_by(user):
    return Comment.objects.filter(author=user, deleted_at__isnull=True).order_by("-created_at")


# --- reactions ---------------------------------------------------------------------------------


def _summary(counts, mine):
    return [
        {
            "kind": kind,
            "label": label,
            "emoji": EMOJI[kind],
            "count": counts.get(kind, 0),
            "mine": mine == kind,
        }
        for kind, label in ReactionKind.choices
    ]


def attach_reactions(items, user):
    """Give each of ``items`` (any registered type) ``reaction_key``, ``reactions`` (the
    fixed set, each with its count and whether ``user`` chose it) and ``reaction_total``: one
    grouped query, and one for the member's own reactions."""
    items = [item for item in items if item is not None]
    keys = {key_of(item): item for item in items}
    counts = {key: {} for key in keys}
    if keys:
        for row in _reaction_counts(targets=list(keys)):
            counts[row["target"]][row["kind"]] = row["n"]
    mine = {}
    if keys and user.is_authenticated:
        mine = dict(
            Reaction.objects.filter(target__in=list(keys), user=user).values_list("target", "kind")
        )
    for key, item in keys.items():
        item.reaction_key = key
        item.reactions = _summary(counts[key], mine.get(key))
        item.reaction_total = sum(counts[key].values())
        target_type = type_for(item)
        author = target_type.author(item) if target_type else None
        item.can_react = (
            user.is_authenticated and user.is_active and (author is None or author.pk != user.pk)
        )
    return items


@prepared("targets")
def _reaction_counts(targets):
    return (
        Reaction.objects.filter(target__in=targets)
        .values("target", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )


def reactions_of(target: str):
    """Who reacted to the item, newest first, with their names (the "who reacted" page)."""
    return (
        Reaction.objects.filter(target=target)
        .select_related("user")
        .order_by("kind", "-created_at")
    )

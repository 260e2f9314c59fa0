"""Information posts in the search box (``parvis.core.search``), registered by ``content.py``.

The live posts everyone may read (``public_posts``: published, not expired, not hidden by
moderation), matched on ``post_vector``: the document (title A, body B) stored in the
generated column ``news_post.search_document`` and indexed (``migrations/0008``).
"""

from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from parvis.core import search as core_search

from .models import Post
from .selectors import public_posts


def post_vector():
    """The stored document of a post (indexed as ``news_post_fts``), PostgreSQL only."""
    return core_search.stored_document(Post)


def posts_matching(user, query):
    return (
        core_search.text_search(
            public_posts(),
            query,
            vector=post_vector(),
            fallback_fields=("title", "body"),
            newest=("-publish_at", "-pk"),
        )
        .select_related("organisation", "author")
        .only(
            "pk",
            "slug",
            "title",
            "publish_at",
            "expires_at",  # a result's end: a search showing it is not kept past it
            "organisation__name",
            "author__email",
            "author__first_name",
            "author__last_name",
        )
        .order_by("-score", "-publish_at", "-pk")
    )


def post_result(post):
    by = post.organisation.name if post.organisation_id else post.author.get_full_name()
    when = formats.date_format(timezone.localtime(post.publish_at), "DATE_FORMAT")
    return core_search.Result(
        title=post.title, url=post.get_absolute_url(), detail=f"{by} · {when}"
    )


core_search.providers.register(
    core_search.SearchProvider(
        key="actualites",
        label=_("Information"),
        order=core_search.ORDER["news"],
        query=posts_matching,
        result=post_result,
        audience=core_search.everyone,
    )
)

"""The news' part of the member's feed (``parvis.core.feed``): the live posts of their
commune and of the territories, organisations and officials they follow (the "near me" feed,
``selectors.feed_posts``), one query with a LIMIT."""

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from parvis.core.feed import FeedItem

from .selectors import feed_posts, following_of

EXCERPT_WORDS = 40


def posts(user, before, limit):
    following = following_of(user, remember=True)
    found = feed_posts(user, following=following, before=before, with_audience=False)[:limit]
    return [_item(post) for post in found]


def _item(post):
    publisher = post.organisation if post.organisation_id else post.author
    return FeedItem(
        key=f"news.post:{post.pk}",
        when=post.publish_at,
        actor=publisher,
        actor_url=publisher.get_absolute_url() if publisher else "",
        context=_("published an information"),
        title=post.title,
        url=post.get_absolute_url(),
        excerpt=Truncator(post.body).words(EXCERPT_WORDS),
        reactable=True,
    )

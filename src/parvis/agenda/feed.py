"""The agenda's part of the member's feed (``parvis.core.feed``): the events the
organisations they follow published, newest first; one query with a LIMIT, none when they
follow no organisation."""

from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from parvis.core.feed import FeedItem, older_than
from parvis.moderation.selectors import exclude_hidden
from parvis.news.selectors import following_of

from .models import Event, EventStatus

EXCERPT_WORDS = 30


def events_of_followed_organisations(user, before, limit):
    following = following_of(user, remember=True)
    if not following.organisation_ids:
        return []
    events = (
        exclude_hidden(
            Event.objects.filter(
                status=EventStatus.PUBLISHED,
                organisation_id__in=sorted(following.organisation_ids),
                published_at__isnull=False,
                **older_than(before, "published_at"),
            )
        )
        .select_related("organisation")
        .order_by("-published_at", "-pk")[:limit]
    )
    return [_item(event) for event in events]


def _item(event):
    start = formats.date_format(
        timezone.localtime(event.start), "DATE_FORMAT" if event.all_day else "DATETIME_FORMAT"
    )
    return FeedItem(
        key=f"agenda.event:{event.pk}",
        when=event.published_at,
        actor=event.organisation,
        actor_url=event.organisation.get_absolute_url(),
        context=_("published an event"),
        title=event.title,
        url=event.get_absolute_url(),
        excerpt=_("On %(date)s, %(venue)s.") % {"date": start, "venue": event.venue_name}
        + (" " + Truncator(event.description).words(EXCERPT_WORDS) if event.description else ""),
        reactable=True,
    )

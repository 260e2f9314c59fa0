"""The agenda's events in the search box (``parvis.core.search``), registered by ``content.py``.

Published and cancelled events, never those hidden by moderation; matched on the indexed
document of ``search.event_vector`` (title A, description B), best first, then the latest.
"""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from parvis.core import search as core_search
from parvis.moderation.selectors import exclude_hidden

from .models import PUBLIC_STATUSES, Event, EventStatus
from .search import event_vector


def events_matching(user, query):
    events = exclude_hidden(Event.objects.filter(status__in=PUBLIC_STATUSES))
    return (
        core_search.text_search(
            events,
            query,
            vector=event_vector(),
            fallback_fields=("title", "description"),
            newest=("-start", "-pk"),
        )
        .select_related("commune")
        .only("pk", "slug", "title", "start", "all_day", "status", "commune__name")
        .order_by("-score", "-start", "-pk")
    )


def event_result(event):
    when = formats.date_format(timezone.localtime(event.start), "DATE_FORMAT")
    detail = f"{when} · {event.commune.name}" if event.commune_id else when
    if event.status == EventStatus.CANCELLED:
        detail = f"{detail} · {_('cancelled')}"
    return core_search.Result(title=event.title, url=event.get_absolute_url(), detail=detail)


core_search.providers.register(
    core_search.SearchProvider(
        key="evenements",
        label=_("Events"),
        order=core_search.ORDER["events"],
        query=events_matching,
        result=event_result,
        see_all_url=lambda query: f"{reverse('agenda:index')}?{query.urlencoded}",
        audience=core_search.everyone,
    )
)

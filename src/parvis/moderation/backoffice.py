"""The moderators' dashboard (the admin's home): the queues, what is assigned to me, the
recent decisions.

A queue is registered by the app that owns its items, from its ``content.py``, like the
moderation registry (this module imports no domain app)::

    backoffice.register(
        Queue(
            key="events",
            label=_("Events to review"),
            queryset=lambda: Event.objects.filter(status=EventStatus.SUBMITTED),
            since="created_at",  # the age of the oldest item
            admin_model="agenda.eventawaitingreview",  # its list and change pages
            permission="agenda.change_event",  # who sees the queue
            order=30,
            decisions=("agenda.event_publish", "agenda.event_reject"),  # audit codes
        )
    )

Each queue costs one query (its count and its oldest item together), whatever its size: the
dashboard's query count is pinned in tests.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Min
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

RECENT_DECISIONS = 10
ASSIGNED_LIMIT = 10


@dataclass(frozen=True)
class Queue:
    key: str
    label: Any
    queryset: Callable[[], Any]
    since: str
    admin_model: str  # "<app_label>.<model_name>" of the admin pages listing the queue
    permission: str
    order: int = 50
    decisions: tuple[str, ...] = ()
    description: Any = ""
    query_string: str = ""  # appended to the list's address (a filter)
    assigned: Callable[[Any], Any] | None = None  # user -> queryset of items assigned to them
    extra: dict = field(default_factory=dict)

    def changelist_url(self):
        app_label, model_name = self.admin_model.split(".")
        try:
            url = reverse(f"admin:{app_label}_{model_name}_changelist")
        except NoReverseMatch:
            return ""
        return url + (f"?{self.query_string}" if self.query_string else "")

    def change_url(self, pk):
        app_label, model_name = self.admin_model.split(".")
        return reverse(f"admin:{app_label}_{model_name}_change", args=[pk])

    def next_item(self, *, exclude_pk=None):
        """The oldest item waiting in the queue (other than ``exclude_pk``), or ``None``."""
        queryset = self.queryset().order_by(self.since, "pk")
        if exclude_pk is not None:
            queryset = queryset.exclude(pk=exclude_pk)
        return queryset.first()


_queues: dict[str, Queue] = {}


def register(queue: Queue) -> None:
    _queues[queue.key] = queue


def unregister(key: str) -> None:
    _queues.pop(key, None)


def get(key: str) -> Queue | None:
    return _queues.get(key)


def queues() -> list[Queue]:
    return sorted(_queues.values(), key=lambda queue: (queue.order, queue.key))


def queues_for(user) -> list[Queue]:
    return [queue for queue in queues() if user.has_perm(queue.permission)]


def queue_figures(user, now=None) -> list[dict]:
    """Each queue the user may see: its count, its oldest item's date and its address."""
    now = now or timezone.now()
    figures = []
    for queue in queues_for(user):
        row = queue.queryset().aggregate(count=Count("pk"), oldest=Min(queue.since))
        figures.append(
            {
                "queue": queue,
                "count": row["count"],
                "oldest": row["oldest"],
                "age": (now - row["oldest"]) if row["oldest"] else None,
                "url": queue.changelist_url(),
            }
        )
    return figures


def assigned_to(user) -> list[dict]:
    """Items assigned to ``user`` in the queues that know assignments (one query each)."""
    items = []
    for queue in queues_for(user):
        if queue.assigned is None:
            continue
        for obj in queue.assigned(user)[:ASSIGNED_LIMIT]:
            items.append({"queue": queue, "object": obj, "url": queue.change_url(obj.pk)})
    return items


def decision_codes(user) -> set[str]:
    return {code for queue in queues_for(user) for code in queue.decisions}


# --- links under the queues (reports and statistics), registered like the queues ----------

_links: list[tuple[int, Any, str, str]] = []


def link_register(*, label, url_name: str, permission: str, order: int = 50) -> None:
    """A link on the dashboard (``url_name``: an admin URL name) for those with
    ``permission``."""
    _links[:] = [link for link in _links if link[2] != url_name]
    _links.append((order, label, url_name, permission))
    _links.sort(key=lambda link: link[0])


def links_for(user) -> list[dict]:
    out = []
    for _order, label, url_name, permission in _links:
        if user.has_perm(permission):
            try:
                out.append({"label": label, "url": reverse(url_name)})
            except NoReverseMatch:
                continue
    return out

"""Demo notifications: a few for the demo members whose logins ``load_demo`` prints, written
through the real ``notify()`` (in-app only: demo data sends no e-mail), about the content of
``data/notifications.yaml``. Idempotent: a member who already has a notification of a type
gets no second one."""

from django.urls import reverse
from django.utils import formats, timezone, translation

from parvis.accounts.models import Mandate, ProfileKind, User, VerificationStatus
from parvis.agenda.models import Event, EventStatus
from parvis.notifications.models import Notification
from parvis.notifications.services import notification_mark_read, notify
from parvis.organisations.models import Organisation, OrganisationRole

from .datafiles import read

NOTIFICATIONS = read("notifications")


def _event_context(event):
    with translation.override("fr"):
        start = formats.date_format(timezone.localtime(event.start), "DATETIME_FORMAT")
    return {
        "title": event.title,
        "start": start,
        "venue": f"{event.venue_name}, {event.address}, {event.commune.name}",
    }


def _once(member, type_key, write):
    if member is None or Notification.objects.filter(recipient=member, type_key=type_key).exists():
        return 0
    return len(write(member))


def load_notifications(*, plan, users) -> dict[str, int]:
    """Notifications for the first demo resident (events they are going to), the first
    association manager (their organisation's verification) and a verified official (their
    mandate's verification); one of them is already read."""
    resident_email = next((p.email for p in plan.people if p.kind == ProfileKind.RESIDENT), None)
    manager_email = next(
        (m.email for m in plan.memberships if m.role == OrganisationRole.MANAGER), None
    )
    demo_users = User.objects.in_bulk([users[e] for e in (resident_email, manager_email) if e])
    resident = demo_users.get(users.get(resident_email))
    manager = demo_users.get(users.get(manager_email))
    created = 0

    going = list(
        Event.objects.filter(occurrences__rsvps__user=resident)
        .select_related("commune")
        .distinct()
        .order_by("start")
        if resident is not None
        else []
    )
    changed = next((e for e in going if e.status == EventStatus.PUBLISHED), None)
    if changed is not None:
        created += _once(
            resident,
            "agenda.event_changed",
            lambda member: notify(
                recipients=[member],
                type_key="agenda.event_changed",
                target=changed,
                context={
                    **_event_context(changed),
                    "date_changed": False,
                    "place_changed": True,
                    "old_venue": NOTIFICATIONS["event_changed_old_venue"],
                },
                email=False,
            ),
        )
    cancelled = next((e for e in going if e.status == EventStatus.CANCELLED), None)
    if cancelled is not None:
        created += _once(
            resident,
            "agenda.event_cancelled",
            lambda member: notify(
                recipients=[member],
                type_key="agenda.event_cancelled",
                target=cancelled,
                context={**_event_context(cancelled), "reason": cancelled.cancellation_reason},
                email=False,
            ),
        )

    organisation = (
        Organisation.objects.filter(
            memberships__user=manager, status=VerificationStatus.VERIFIED
        ).first()
        if manager
        else None
    )
    if organisation is not None:
        created += _once(
            manager,
            "organisations.verification",
            lambda member: notify(
                recipients=[member],
                type_key="organisations.verification",
                target=organisation,
                context={"organisation": organisation.name, "verified": True},
                email=False,
            ),
        )
        seen = Notification.objects.filter(
            recipient=manager, type_key="organisations.verification", read_at__isnull=True
        ).first()
        if seen is not None:
            notification_mark_read(notification=seen, member=manager)

    mandate = (
        Mandate.objects.filter(user_id__in=users.values(), status=VerificationStatus.VERIFIED)
        .select_related("user", "territory")
        .order_by("pk")
        .first()
    )
    if mandate is not None:
        created += _once(
            mandate.user,
            "accounts.mandate_verification",
            lambda member: notify(
                recipients=[member],
                type_key="accounts.mandate_verification",
                url=reverse("accounts:mandates"),
                context={"mandate": str(mandate), "verified": True},
                email=False,
            ),
        )
    return {"notifications": created}

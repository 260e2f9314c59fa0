"""What the consultations tell: the members who may answer one learn that it is open, once.

``services`` (and the admin) record a ``consultations.opened`` activity when a consultation is
published or its opening date changes, due at its opening; a notifications worker tells it
then (``notifications.activities``). The activities of one consultation share a batch key:
told together, once. The handler decides when it runs: nothing for a consultation no longer
published, closed, announced already, or opened (and published) more than
``ANNOUNCE_WINDOW`` ago; later if its opening moved or the moderators hide it for now. The
fan-out writes the notifications by batches of 1,000 members (``notify_in_batches``,
idempotent): a whole-département consultation reaches every member without one huge
transaction nor one task per member.
"""

import datetime as dt

from django.conf import settings
from django.utils import formats, timezone, translation

from parvis.moderation.selectors import annotate_hidden
from parvis.notifications.activities import Notice, Postpone, activity_kind, activity_record
from parvis.territories.selectors import audience_text

from .models import Consultation, ConsultationStatus
from .selectors import eligible_members

KIND = "consultations.opened"
#: A consultation that opened (and was published) longer ago than this is never announced.
ANNOUNCE_WINDOW = dt.timedelta(days=2)
#: An open consultation hidden by the moderators is looked at again this often, within the
#: window (restored, it is announced).
HIDDEN_RECHECK = dt.timedelta(minutes=15)


def consultation_announce(*, consultation: Consultation) -> None:
    """In the service's transaction: tell the members who may answer ``consultation`` when
    it opens, if it is published and was never announced."""
    if consultation.status == ConsultationStatus.PUBLISHED and consultation.announced_at is None:
        activity_record(
            kind=KIND,
            actor=consultation.created_by,
            target=consultation,
            due_at=consultation.opens_at,
            batch_key=f"{KIND}:{consultation.pk}",
        )


def _mark_announced(activity) -> None:
    Consultation.objects.filter(pk=activity.target_id, announced_at__isnull=True).update(
        announced_at=timezone.now()
    )


@activity_kind(KIND, done=_mark_announced)
def consultation_opened(activity):
    """The members who may answer an open consultation (``selectors.eligible_members``)."""
    consultation = (
        annotate_hidden(Consultation.objects.filter(pk=activity.target_id))
        .select_related("organisation", "created_by")
        .first()
    )
    now = timezone.now()
    if (
        consultation is None
        or consultation.announced_at is not None
        or consultation.status != ConsultationStatus.PUBLISHED
        or consultation.closes_at <= now
    ):
        return None
    if consultation.opens_at > now:
        return Postpone(until=consultation.opens_at)
    stale = max(consultation.opens_at, consultation.published_at or now) + ANNOUNCE_WINDOW
    if stale < now:
        return None
    if consultation.moderation_hidden:
        return Postpone(until=now + HIDDEN_RECHECK) if now + HIDDEN_RECHECK < stale else None
    with translation.override(settings.LANGUAGE_CODE):
        closes = formats.date_format(timezone.localtime(consultation.closes_at), "DATE_FORMAT")
    return Notice(
        type_key="consultations.opened",
        recipients=eligible_members(consultation),
        target=consultation,
        actor=consultation.created_by,
        context={
            "title": consultation.title,
            "institution": consultation.organisation.name,
            "audience": audience_text(consultation),
            "closes": closes,
        },
        batched=True,
    )

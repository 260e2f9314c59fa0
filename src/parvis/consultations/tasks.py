"""Celery tasks of the consultations: telling the members who may answer that one opens.

A consultation is announced once, when it is open: ``consultation_announce`` is queued after
the commit of its publication when it is open already, and the periodic
``consultations_announce_due`` (beat) queues those whose opening date has come (and those
whose task never reached the broker). The fan-out writes the notifications by batches of
1,000 members (``notify_in_batches``, idempotent): a whole-département consultation reaches
every member without one huge transaction nor one task per member.
"""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import formats, timezone, translation

from parvis.moderation.selectors import annotate_hidden
from parvis.notifications.selectors import CACHE_ERRORS
from parvis.notifications.services import notify_in_batches
from parvis.notifications.tasks import publish
from parvis.territories.models import Territory, TerritoryKind

from .models import Consultation, ConsultationStatus, Phase
from .selectors import consultations_to_announce, eligible_members

logger = logging.getLogger(__name__)

#: Consultations queued by one run of the periodic task.
DUE_LIMIT = 100
#: A consultation still not announced this long after the periodic task queued it is queued
#: again.
REQUEUE_AFTER = dt.timedelta(minutes=30)


def queue_announce(consultation_id: int) -> None:
    publish(consultation_announce, args=(consultation_id,))


def _audience_text(consultation) -> str:
    names = list(consultation.audience.order_by("kind", "name").values_list("name", flat=True)[:6])
    if not names:
        names = list(
            Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT).values_list("name", flat=True)
        )
    return ", ".join(names[:5]) + (", …" if len(names) > 5 else "")


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3500)
def consultation_announce(consultation_id: int) -> int:
    """Tell the members who may answer an open consultation (``selectors.eligible_members``)
    that it is open, once; returns the number of notifications written."""
    consultation = (
        annotate_hidden(
            Consultation.objects.filter(
                pk=consultation_id,
                announced_at__isnull=True,
                status=ConsultationStatus.PUBLISHED,
            )
        )
        .select_related("organisation")
        .first()
    )
    if consultation is None or consultation.phase() != Phase.OPEN or consultation.moderation_hidden:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        closes = formats.date_format(timezone.localtime(consultation.closes_at), "DATE_FORMAT")
    written = notify_in_batches(
        recipients=eligible_members(consultation),
        type_key="consultations.opened",
        target=consultation,
        actor=consultation.created_by,
        context={
            "title": consultation.title,
            "institution": consultation.organisation.name,
            "audience": _audience_text(consultation),
            "closes": closes,
        },
    )
    Consultation.objects.filter(pk=consultation.pk, announced_at__isnull=True).update(
        announced_at=timezone.now()
    )
    logger.info("Consultation %s announced to %s members.", consultation.pk, written)
    return written


def _first_queue(consultation_id) -> bool:
    try:
        return cache.add(
            f"consultations:announce:{consultation_id}",
            1,
            timeout=int(REQUEUE_AFTER.total_seconds()),
        )
    except CACHE_ERRORS:
        return True


@shared_task(acks_late=True, time_limit=300)
def consultations_announce_due(limit: int = DUE_LIMIT) -> int:
    """Periodic (beat): queue the announcement of the consultations open and not announced
    yet — their opening date has come, or their task never reached the broker."""
    now = timezone.now()
    grace = dt.timedelta(seconds=settings.PARVIS_OUTBOX_DRAIN_SECONDS)
    due = list(
        consultations_to_announce(now)
        .filter(opens_at__lte=now - grace, published_at__lte=now - grace)
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for pk in due:
        if _first_queue(pk):
            consultation_announce.apply_async(args=(pk,))
            queued += 1
    return queued

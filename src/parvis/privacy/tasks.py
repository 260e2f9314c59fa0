"""Celery tasks of the personal data: building archives, expiring them, inactive accounts.

Tasks take ids, are idempotent (an export is built only while pending; a member is warned
once, erased once) and the periodic ones work in batches, queueing themselves again while
work remains, so that a large backlog never floods the queue.
"""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import selectors, services
from .models import DataExport, ExportStatus

logger = logging.getLogger(__name__)

#: Members warned, or erased, by one run of the inactivity sweep.
INACTIVE_BATCH_SIZE = 200
#: A pending export not built after this long is queued again (its message was lost, or the
#: broker was down when it was asked for).
REQUEUE_AFTER = dt.timedelta(minutes=15)
MAX_BUILD_ATTEMPTS = 5


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=MAX_BUILD_ATTEMPTS,
)
def export_build_task(self, export_id):
    try:
        services.export_build(export_id=export_id)
    except OSError:
        if self.request.retries >= self.max_retries:
            services.export_fail(export_id=export_id)
        raise
    except Exception:
        logger.exception("The archive %s could not be built", export_id)
        services.export_fail(export_id=export_id)


@shared_task
def exports_maintain():
    """Hourly: delete expired archives, queue again the pending ones whose build was lost,
    give up on those that kept failing."""
    from parvis.notifications.tasks import publish

    expired = services.exports_expire()
    stale = DataExport.objects.filter(
        status=ExportStatus.PENDING, requested_at__lte=timezone.now() - REQUEUE_AFTER
    )
    stale.filter(attempts__gte=MAX_BUILD_ATTEMPTS).update(status=ExportStatus.FAILED)
    for export_id in stale.values_list("pk", flat=True)[:500]:
        publish(export_build_task, args=(export_id,))
    return expired


@shared_task
def inactive_accounts_sweep(now=None):
    """Daily: forget the notices of members who came back, warn members inactive for
    ``PARVIS_INACTIVE_WARNING_DAYS`` (once), erase those inactive for
    ``PARVIS_INACTIVE_ERASURE_DAYS`` whose notice period is over. One batch of each per run;
    queues itself again while a batch was full."""
    now = dt.datetime.fromisoformat(now) if isinstance(now, str) else (now or timezone.now())
    back = selectors.members_back(limit=INACTIVE_BATCH_SIZE)
    services.inactivity_reset(member_ids=back)
    warned = 0
    to_warn = selectors.members_to_warn(
        now=now, warning_days=settings.PARVIS_INACTIVE_WARNING_DAYS, limit=INACTIVE_BATCH_SIZE
    )
    for member in to_warn:
        if services.inactivity_warn(member=member, now=now):
            warned += 1
    to_erase = selectors.members_to_erase(
        now=now, erasure_days=settings.PARVIS_INACTIVE_ERASURE_DAYS, limit=INACTIVE_BATCH_SIZE
    )
    erased = 0
    for member in to_erase:
        try:
            services.account_erase(
                member=member,
                actor=None,
                reason=(
                    f"No login for {settings.PARVIS_INACTIVE_ERASURE_DAYS} days "
                    "(inactive accounts rule); the member was warned."
                ),
                email_template="privacy/emails/inactive_erased",
            )
        except Exception:  # one account must not stop the others; it is tried again tomorrow
            logger.exception("Inactive account %s could not be erased", member.pk)
            continue
        erased += 1
    if (len(back) + warned + erased) and INACTIVE_BATCH_SIZE in (
        len(back),
        len(to_warn),
        len(to_erase),
    ):
        inactive_accounts_sweep.apply_async(countdown=60)
    logger.info("Inactive accounts: %d back, %d warned, %d erased", len(back), warned, erased)
    return {"back": len(back), "warned": warned, "erased": erased}

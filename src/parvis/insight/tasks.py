from celery import shared_task

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def stats_compute():
    """The daily snapshot of the statistics page (idempotent for a day)."""
    services.stats_compute()

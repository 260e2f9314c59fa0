"""The volunteers' periodic task: tomorrow's reminders (``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, time_limit=600)
def reminders_send():
    return services.reminders_send()

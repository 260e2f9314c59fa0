"""Signals of the groups app.

``activity_recorded`` is sent once the transaction that recorded an ``Activity`` commits
(never for a change that rolled back), with ``activity_id``: the notifications capability
connects a receiver that queues its Celery task with that primary key. Receivers must be
quick and must not send anything themselves; the ``Activity`` rows stay the source of truth
(``selectors.unprocessed_activities``), so nothing is lost if the broker is down.
"""

from django.db import transaction
from django.dispatch import Signal

activity_recorded = Signal()


def announce_activity(activity):
    pk = activity.pk
    transaction.on_commit(
        lambda: activity_recorded.send_robust(sender=type(activity), activity_id=pk)
    )


def release_memberships(sender, instance, **kwargs):
    """Before a member's account is deleted: leave every group, ownership handed over."""
    from .services import memberships_release

    if instance.pk is not None:
        memberships_release(user=instance)

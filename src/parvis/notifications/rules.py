"""Permissions of the notification centre: a member reads only their own notifications."""

import rules


@rules.predicate
def is_recipient(user, notification):
    return (
        notification is not None and user.is_authenticated and notification.recipient_id == user.pk
    )


rules.add_perm("notifications.read_notification", is_recipient)

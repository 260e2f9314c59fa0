"""What the platform knows about notifications, declared once (see ``parvis.core.content``):
what a data export and an erasure do with a member's notifications, preferences, e-mails and
the activities they did. (The notification and activity kinds are declared by the apps that
send them.)"""

from parvis.privacy import registry as privacy
from parvis.privacy.helpers import OTHERS_DATA, needles, scrub
from parvis.privacy.registry import CUSTOM, DELETE, LAST

from .models import Activity, EmailOutbox, Notification

# --- personal data (parvis.privacy.registry) ------------------------------------------------


def _notification_text(row):
    from .emails import notification_text

    return notification_text(row)


def _scrub_notifications(context):
    """Other members' notifications about something the member did: the actor goes, and
    their name is replaced in what the notifications stored."""
    names = needles(context.member)
    notifications = Notification.objects.filter(actor=context.member)
    for notification in notifications.only("pk", "params").iterator(chunk_size=500):
        params = scrub(notification.params, names, context.former_member)
        if params != notification.params:
            Notification.objects.filter(pk=notification.pk).update(params=params)
    context.count("notifications.Notification.actor", notifications.update(actor=None))


privacy.export(
    "notifications.Notification.recipient",
    section="notifications",
    fields=(
        "type_key",
        ("text", _notification_text),
        "url",
        "created_at",
        "read_at",
    ),
    queryset=lambda member: (
        Notification.objects.filter(recipient=member)
        .select_related("actor")
        .order_by("created_at", "pk")
    ),
)
privacy.erase("notifications.Notification.recipient", action=DELETE)
privacy.not_exported("notifications.Notification.actor", reason=OTHERS_DATA)
privacy.erase(
    "notifications.Notification.actor",
    action=CUSTOM,
    handler=_scrub_notifications,
    order=LAST - 5,
)


def _scrub_activities(context):
    """Activities the member did, waiting to be told or told lately: the actor goes, and
    their name is replaced in what the activities stored."""
    names = needles(context.member)
    activities = Activity.objects.filter(actor=context.member)
    for activity in activities.only("pk", "data").iterator(chunk_size=500):
        data = scrub(activity.data, names, context.former_member)
        if data != activity.data:
            Activity.objects.filter(pk=activity.pk).update(data=data)
    context.count("notifications.Activity.actor", activities.update(actor=None))


privacy.not_exported(
    "notifications.Activity.actor",
    reason="The activity outbox: what it told the member is exported as their notifications; "
    "what the member did is exported with their contributions.",
)
privacy.erase(
    "notifications.Activity.actor", action=CUSTOM, handler=_scrub_activities, order=LAST - 5
)

privacy.export(
    "notifications.NotificationPreference.member",
    section="notification_preferences",
    fields=("type_key", "delivery"),
)
privacy.erase("notifications.NotificationPreference.member", action=DELETE)

privacy.export(
    "notifications.EmailOutbox.recipient",
    section="emails",
    fields=("kind", "state", "created_at", "sent_at"),
    queryset=lambda member: EmailOutbox.objects.filter(recipient=member).order_by(
        "created_at", "pk"
    ),
)
privacy.erase("notifications.EmailOutbox.recipient", action=DELETE)

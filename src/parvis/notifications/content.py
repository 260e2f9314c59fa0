"""What the platform knows about notifications, declared once (see ``parvis.core.content``):
what a data export and an erasure do with a member's notifications, preferences and e-mails.
(The notification kinds are declared by the apps that send them.)"""

from parvis.privacy import registry as privacy
from parvis.privacy.helpers import OTHERS_DATA, needles, scrub
from parvis.privacy.registry import CUSTOM, DELETE, LAST

from .models import EmailOutbox, Notification

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

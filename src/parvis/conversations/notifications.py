"""The private messages' notification type (see docs/notifications.md): a new message in one
of my conversations, at once by default; the member may choose the daily digest or no e-mail.
The e-mail says who wrote, never what: the message is read on the site."""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register

register(
    NotificationType(
        key="conversations.new_message",
        label=_("A new private message"),
        text=_("%(sender)s sent you a private message."),
        email_template="conversations/emails/new_message",
        default_delivery=Delivery.IMMEDIATE,
        help_text=_("The e-mail names who wrote to you; the message itself is read on the site."),
    )
)

"""The notification types: each content app declares its own, in a few lines.

A content app adds a ``notifications.py`` module, imported by its ``content.py`` (found at
start-up by ``parvis.core.content.autodiscover``), that registers its types::

    from django.utils.translation import gettext_lazy as _

    from parvis.notifications.registry import Delivery, NotificationType, register

    register(
        NotificationType(
            key="agenda.event_cancelled",
            label=_("An event I am going to is cancelled"),
            text=_("“%(title)s” is cancelled."),
            email_template="agenda/emails/cancelled",
            default_delivery=Delivery.IMMEDIATE,
        )
    )

then records what happened from its services with
``parvis.notifications.activities.activity_record(kind=..., ...)``, which a worker tells after
the commit. See docs/notifications.md.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a member is told by e-mail; the notification always appears in the centre."""

    IMMEDIATE = "immediate", _("By e-mail at once")
    DAILY = "daily", _("In a daily digest e-mail")
    NEVER = "never", _("No e-mail (notification centre only)")


@dataclass(frozen=True)
class NotificationType:
    """One kind of notification.

    - ``key``: ``"<app>.<what>"``, stored on every notification and preference: never rename.
    - ``label``: what the preferences page and the unsubscribe page call it (lazy gettext).
    - ``text``: the line shown in the notification centre and the daily digest, in the
      reader's language: a lazy gettext string with ``%(name)s`` placeholders taken from the
      notification's context (plus ``actor``: the actor's name), or a function of that
      context returning the text (when it depends on the context).
    - ``email_template``: the prefix of the e-mail's templates, ``<prefix>_subject.txt`` and
      ``<prefix>_body.txt`` (plain text), and optionally ``<prefix>_body.html`` (else the text
      is wrapped in ``notifications/emails/base.html``); or a function of the context
      returning the prefix. They are rendered with the context, ``url`` (the item's full
      address), ``actor``, ``recipient_name`` and ``site_name``.
    - ``default_delivery``: for members who never chose.
    - ``email_required``: the member may choose at once or daily, not "never" (legal notices
      such as a moderation decision's statement of reasons); no unsubscribe link is offered.
    """

    key: str
    label: str
    text: str | Callable[[dict], str]
    email_template: str | Callable[[dict], str]
    default_delivery: str = Delivery.IMMEDIATE
    help_text: str = ""
    email_required: bool = False

    def __post_init__(self):
        if "." not in self.key or len(self.key) > 100:
            raise ImproperlyConfigured(
                f"Notification type key {self.key!r}: use '<app>.<what>', 100 characters at most."
            )
        if self.default_delivery not in Delivery.values:
            raise ImproperlyConfigured(
                f"Notification type {self.key!r}: default_delivery must be one of "
                f"{Delivery.values}."
            )
        if self.email_required and self.default_delivery == Delivery.NEVER:
            raise ImproperlyConfigured(
                f"Notification type {self.key!r}: an e-mail that is required cannot default "
                "to never."
            )

    @property
    def choices(self):
        """The deliveries a member may choose for this type."""
        return [
            (value, label)
            for value, label in Delivery.choices
            if not (self.email_required and value == Delivery.NEVER)
        ]

    def render_text(self, context: dict) -> str:
        """The centre's line for a notification of this type (in the active language)."""
        if callable(self.text):
            return str(self.text(context))
        return str(self.text) % context

    def email_template_for(self, context: dict) -> str:
        if callable(self.email_template):
            return self.email_template(context)
        return self.email_template


_types: dict[str, NotificationType] = {}


def register(notification_type: NotificationType) -> NotificationType:
    """Declare a notification type (once, at start-up). Registering the same key twice
    with a different definition is a programming error."""
    existing = _types.get(notification_type.key)
    if existing is not None and existing != notification_type:
        raise ImproperlyConfigured(
            f"Notification type {notification_type.key!r} is already registered differently."
        )
    _types[notification_type.key] = notification_type
    return notification_type


def unregister(key: str) -> None:
    """Remove a type (for tests)."""
    _types.pop(key, None)


def get(key: str) -> NotificationType:
    """The type registered under ``key``; ``LookupError`` for an unknown key."""
    try:
        return _types[key]
    except KeyError:
        raise LookupError(f"No notification type {key!r} is registered.") from None


def get_or_none(key: str) -> NotificationType | None:
    return _types.get(key)


def all_types() -> list[NotificationType]:
    """Every registered type, in registration order (the preferences page's order)."""
    return list(_types.values())

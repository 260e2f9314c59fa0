"""The questions' notification types (see docs/notifications.md).

- ``questions.published`` / ``questions.refused``: the author learns the moderators' decision
  (a refusal with its statement of reasons, always e-mailed);
- ``questions.asked``: the addressee (the official, the institution's agents) learns that a
  question to them was published;
- ``questions.answered``: the author, the supporters and the followers learn the answer (or
  that it was amended).
"""

from django.utils.translation import gettext_lazy as _

from parvis.notifications.registry import Delivery, NotificationType, register

register(
    NotificationType(
        key="questions.published",
        label=_("A moderator publishes a question I asked"),
        text=_("Your question “%(title)s” is published."),
        email_template="questions/emails/published",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="questions.refused",
        label=_("A moderator cannot publish a question I asked"),
        text=_("Your question “%(title)s” was not published: %(reason)s"),
        email_template="questions/emails/refused",
        default_delivery=Delivery.IMMEDIATE,
        email_required=True,
        help_text=_("With the statement of reasons: this e-mail is always sent."),
    )
)
register(
    NotificationType(
        key="questions.asked",
        label=_("A resident asks me (or my institution) a public question"),
        text=_("A resident of %(commune)s asks you: “%(title)s”."),
        email_template="questions/emails/asked",
        default_delivery=Delivery.IMMEDIATE,
    )
)
register(
    NotificationType(
        key="questions.answered",
        label=_("A question I asked, support or follow is answered"),
        text=_("%(addressee)s answered “%(title)s”."),
        email_template="questions/emails/answered",
        default_delivery=Delivery.IMMEDIATE,
    )
)

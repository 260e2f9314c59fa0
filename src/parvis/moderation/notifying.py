"""How moderation tells members: the one function every service of this app calls.

``tell(recipient=..., kind=..., context=..., url=...)`` delivers one of the moderation messages:

- ``"moderation.statement"``: the statement of reasons of a decision, to the member concerned;
- ``"moderation.hidden_pending_review"``: an item hidden by the reports' threshold, to its
  author;
- ``"moderation.report_outcome"``: the outcome of a report, to the member who sent it;
- ``"moderation.appeal_decided"``: the outcome of an appeal, to the appellant;
- ``"moderation.sanction_lifted"``: a suspension or ban lifted by a moderator, to the member.

It goes through the notifications centre when ``parvis.notifications`` is installed (an in-app
notification plus an e-mail; the types are declared in ``notifications.py``, and the
statement of reasons and the appeal's outcome are always e-mailed), else straight to an e-mail
after commit. ``context`` holds plain values only; ``url`` is the page the message links to.
"""

from django.apps import apps

from parvis.core.emails import absolute_url, queue_email

KINDS = (
    "moderation.statement",
    "moderation.hidden_pending_review",
    "moderation.report_outcome",
    "moderation.appeal_decided",
    "moderation.sanction_lifted",
)


def _email_template(kind):
    return "moderation/emails/" + kind.split(".", 1)[1]


def tell(*, recipient, kind: str, context: dict, url: str) -> None:
    """Deliver the moderation message ``kind`` to ``recipient`` after the transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"Unknown moderation message {kind!r}")
    if recipient is None or not recipient.email:
        return
    if apps.is_installed("parvis.notifications"):
        from parvis.notifications.services import notify

        notify(recipients=[recipient], type_key=kind, context=context, url=url)
        return
    queue_email(
        to=recipient.email,
        template=_email_template(kind),
        context={
            **context,
            "recipient_name": recipient.get_full_name(),
            "url": absolute_url(url) if url.startswith("/") else url,
        },
    )

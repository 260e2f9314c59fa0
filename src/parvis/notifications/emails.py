"""The notifications' e-mails: texts, HTML and plain-text messages, one-click unsubscribe.

Every e-mail is rendered by the worker that sends it, in the recipient's language, as plain
text and HTML, with the RFC 8058 one-click unsubscribe headers (``List-Unsubscribe`` with a
signed https address, ``List-Unsubscribe-Post``) unless its type's e-mail is required.
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from parvis.core.emails import absolute_url

from . import registry
from .models import OutboxKind

logger = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "parvis.notifications.unsubscribe"
#: The unsubscribe scope of the daily digest (a type key otherwise).
DIGEST_SCOPE = "digest"
#: A digest lists at most this many notifications; the rest are in the centre.
DIGEST_MAX_ITEMS = 50


def recipient_language(member) -> str:
    """The language of ``member``'s e-mails. Members have no language preference yet: the
    site's language (``LANGUAGE_CODE``), unless a ``language`` attribute says otherwise."""
    language = getattr(member, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


# --- unsubscribe tokens -----------------------------------------------------------------------


def unsubscribe_token(*, member_id: int, scope: str) -> str:
    """A signed token naming the member and what to stop (a type key or ``DIGEST_SCOPE``);
    it does not expire, so that the links of old e-mails keep working."""
    return signing.dumps([member_id, scope], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str):
    """``(member id, scope)`` from a token, or ``None`` when it is forged, damaged or names
    an unknown type."""
    try:
        member_id, scope = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(member_id, int) or not isinstance(scope, str):
        return None
    if scope != DIGEST_SCOPE and registry.get_or_none(scope) is None:
        return None
    return member_id, scope


def unsubscribe_url(*, member_id: int, scope: str) -> str:
    token = unsubscribe_token(member_id=member_id, scope=scope)
    return absolute_url(reverse("notifications:unsubscribe", kwargs={"token": token}))


# --- texts ------------------------------------------------------------------------------------


def notification_context(notification) -> dict:
    """What a notification's text and e-mail templates receive (besides the e-mail's own
    keys): its stored context and the actor's current name."""
    actor = notification.actor
    return {
        **(notification.params or {}),
        "actor": actor.get_full_name() if actor is not None else _("someone"),
    }


def notification_text(notification) -> str:
    """The notification's line for the centre and the digest, in the active language. An
    unknown type (its app was removed) or a broken context gives a neutral line, never an
    error page."""
    ntype = registry.get_or_none(notification.type_key)
    if ntype is None:
        return _("Notification")
    try:
        return ntype.render_text(notification_context(notification))
    except (KeyError, ValueError, TypeError):
        logger.warning("Cannot render the text of notification %s", notification.pk)
        return str(ntype.label)


# --- messages ---------------------------------------------------------------------------------


def _render_optional(template_name, context):
    try:
        template = get_template(template_name)
    except TemplateDoesNotExist:
        return None
    return template.render(context)


def _common_context(member, scope):
    preferences_url = absolute_url(reverse("notifications:preferences"))
    return {
        "site_name": settings.PARVIS_SITE_NAME,
        "recipient_name": member.get_full_name(),
        "preferences_url": preferences_url,
        "centre_url": absolute_url(reverse("notifications:list")),
        "unsubscribe_url": (
            unsubscribe_url(member_id=member.pk, scope=scope) if scope is not None else ""
        ),
    }


def _notification_parts(row):
    notification = row.notification
    ntype = registry.get(notification.type_key)
    scope = None if ntype.email_required else ntype.key
    context = {
        "url": absolute_url(notification.url) if notification.url else "",
        **notification_context(notification),
        **_common_context(row.recipient, scope),
        "type_label": str(ntype.label),
    }
    prefix = ntype.email_template_for(context)
    subject = render_to_string(f"{prefix}_subject.txt", context)
    text = render_to_string(f"{prefix}_body.txt", context)
    html = _render_optional(f"{prefix}_body.html", context)
    return scope, context, subject, text, html


def _digest_parts(row, prefetched=None):
    if prefetched is not None:  # (the first items, how many) read for several digests at once
        items, total = prefetched
    else:
        items = list(
            row.digest_items.select_related("actor").order_by("created_at", "pk")[
                : DIGEST_MAX_ITEMS + 1
            ]
        )
        total = row.digest_items.count() if len(items) > DIGEST_MAX_ITEMS else len(items)
    items = items[:DIGEST_MAX_ITEMS]
    context = {
        **_common_context(row.recipient, DIGEST_SCOPE),
        "items": [
            {
                "text": notification_text(item),
                "url": absolute_url(item.url) if item.url else "",
                "created_at": item.created_at,
            }
            for item in items
        ],
        "count": total,
        "more": total - len(items),
        "type_label": _("daily digest"),
    }
    subject = render_to_string("notifications/emails/digest_subject.txt", context)
    text = render_to_string("notifications/emails/digest_body.txt", context)
    html = render_to_string("notifications/emails/digest_body.html", context)
    return DIGEST_SCOPE, context, subject, text, html


def build_direct_message(row) -> EmailMessage:
    """A direct e-mail (``parvis.core.emails.queue_email``): its template's plain text, in
    the language it was queued in, to the address it was queued for."""
    context = {**(row.context or {}), "site_name": settings.PARVIS_SITE_NAME}
    language = row.language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"{row.template}_subject.txt", context).strip()
        body = render_to_string(f"{row.template}_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[row.to_address],
        headers={"Auto-Submitted": "auto-generated"},
    )


def build_message(row, *, digest_items=None) -> EmailMultiAlternatives:
    """The e-mail of an outbox row (a notification or a digest), in the recipient's
    language, with its plain-text and HTML parts and its unsubscribe headers.
    ``digest_items``: a digest's ``(first items, count)`` when already read
    (``selectors.digest_items``)."""
    if row.kind == OutboxKind.DIRECT:
        return build_direct_message(row)
    member = row.recipient
    with translation.override(recipient_language(member)):
        if row.kind == OutboxKind.DIGEST:
            scope, context, subject, text, html = _digest_parts(row, digest_items)
        else:
            scope, context, subject, text, html = _notification_parts(row)
        if html is None:
            html = render_to_string(
                "notifications/emails/base.html", {**context, "body_text": text.strip()}
            )
        text = (
            text.rstrip()
            + "\n\n"
            + render_to_string("notifications/emails/footer.txt", context).strip()
            + "\n"
        )
    headers = {"Auto-Submitted": "auto-generated"}
    if scope is not None:
        headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[member.email],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message

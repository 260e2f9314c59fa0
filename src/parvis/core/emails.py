"""E-mails to an address, rendered and sent by a Celery worker after the transaction commits.

``queue_email(to=..., template="privacy/emails/erased", context={...})`` renders
``<template>_subject.txt`` and ``<template>_body.txt`` in ``language``. Context values must be
JSON-serialisable (primitive values, not model instances).

Use it only for an address that is not (or no longer) a member's: what a member is told goes
through ``parvis.notifications.services.notify()`` (the notification centre, their delivery
preferences, unsubscribe). Both share the notifications' outbox: the e-mail is written to
``EmailOutbox`` in the caller's transaction and queued after the commit; when the broker is
unreachable then, the request still answers and the periodic drain sends it once the broker
is back — never twice (docs/notifications.md).
"""

from django.conf import settings


def absolute_url(path):
    """The full address of ``path`` on the public site, for e-mails (``PARVIS_SITE_URL``)."""
    return settings.PARVIS_SITE_URL.rstrip("/") + path


def queue_email(*, to, template, context, language="fr"):
    from parvis.notifications.services import direct_email_write

    direct_email_write(to=to, template=template, context=context, language=language)

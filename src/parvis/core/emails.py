"""E-mails are rendered and sent by a Celery task, queued after the transaction commits.

``queue_email(to=..., template="accounts/emails/mandate_verified", context={...})`` renders
``<template>_subject.txt`` and ``<template>_body.txt`` in the recipient's language.
Context values must be JSON-serialisable (primitive values, not model instances).
"""

from django.conf import settings
from django.db import transaction


def absolute_url(path):
    """The full address of ``path`` on the public site, for e-mails (``PARVIS_SITE_URL``)."""
    return settings.PARVIS_SITE_URL.rstrip("/") + path


def queue_email(*, to, template, context, language="fr"):
    from .tasks import send_templated_email

    transaction.on_commit(
        lambda: send_templated_email.delay(
            to=to, template=template, context=context, language=language
        )
    )

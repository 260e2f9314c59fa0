"""Logging handlers."""

import sys

from django.utils.log import AdminEmailHandler as DjangoAdminEmailHandler


class AdminEmailHandler(DjangoAdminEmailHandler):
    """Django's error e-mails to ``ADMINS``, never failing what they report: with a mail
    server down, Django 6.1's handler (``MAILERS`` configured) lets the SMTP error escape into
    the request being logged, which then gets no answer at all. The report still goes to the
    console log; the failure to e-mail it is said there too."""

    def send_mail(self, subject, message, *args, **kwargs):
        try:
            super().send_mail(subject, message, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any mail failure
            sys.stderr.write(f"Could not e-mail this error to ADMINS: {error!r}\n")

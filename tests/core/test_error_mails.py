"""Error reports e-mailed to ADMINS never fail the request they report."""

import logging

import pytest
from django.utils.log import AdminEmailHandler as DjangoAdminEmailHandler

from parvis.core.logging import AdminEmailHandler


@pytest.fixture
def mail_server_down(settings):
    settings.ADMINS = ["ops@parvis.example"]
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},  # nothing listens
        }
    }


def record():
    return logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error: /", None, None
    )


def test_djangos_handler_lets_the_smtp_error_escape(mail_server_down):
    with pytest.raises(OSError):
        DjangoAdminEmailHandler().emit(record())


def test_ours_reports_the_failure_on_the_console_instead(mail_server_down, capsys):
    AdminEmailHandler().emit(record())
    assert "Could not e-mail this error to ADMINS" in capsys.readouterr().err

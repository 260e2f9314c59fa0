"""Demo notifications: written by load_demo through notify(), once."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from parvis.notifications.models import EmailOutbox, Notification


@pytest.fixture
def loaded(db):
    call_command("import_territory", "60", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())


def test_demo_members_have_notifications_and_no_e_mail_is_sent(loaded):
    types = set(Notification.objects.values_list("type_key", flat=True))
    assert {"agenda.event_changed", "organisations.verification"} <= types
    assert "accounts.mandate_verification" in types
    assert Notification.objects.filter(read_at__isnull=True).exists()
    assert Notification.objects.filter(read_at__isnull=False).exists()
    assert not EmailOutbox.objects.exists()
    assert mail.outbox == []


def test_loading_the_demo_again_adds_no_notification(loaded):
    before = Notification.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Notification.objects.count() == before

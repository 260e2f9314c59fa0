"""``queue_email`` (an e-mail to an address, not to a member) goes through the outbox: sent
once after the commit, nothing for a rollback, kept when the broker is down and sent by the
drain, and no address left behind once sent."""

import datetime as dt
import time

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from parvis.core.emails import queue_email
from parvis.notifications import tasks
from parvis.notifications.models import EmailOutbox, OutboxKind, OutboxState

from .workers import broker, free_port

pytestmark = pytest.mark.django_db


def queue(to="camille@example.org", name="Camille"):
    queue_email(to=to, template="core/emails/test", context={"name": name}, language="fr")


def test_a_direct_e_mail_is_sent_once_after_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue()
        row = EmailOutbox.objects.get()
        assert (row.kind, row.recipient, row.to_address) == (
            OutboxKind.DIRECT,
            None,
            "camille@example.org",
        )
        assert mail.outbox == [], "nothing leaves before the commit"
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]
    assert "Camille" in mail.outbox[0].body
    row.refresh_from_db()
    assert row.state == OutboxState.SENT
    assert (row.to_address, row.context) == ("", {}), "no personal data kept once sent"
    assert tasks.outbox_send.apply(args=(row.pk,)).get() == "already"
    assert len(mail.outbox) == 1


def test_nothing_is_written_or_sent_for_a_change_that_rolled_back(
    django_capture_on_commit_callbacks,
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the change fails")
    assert not EmailOutbox.objects.exists()
    assert mail.outbox == []


def test_broker_down_the_direct_e_mail_waits_for_the_drain(django_capture_on_commit_callbacks):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with broker(dead), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        queue()
        elapsed = time.monotonic() - started
    assert elapsed < 3
    row = EmailOutbox.objects.get()
    assert (row.state, row.queued_at, row.to_address) == (
        OutboxState.PENDING,
        None,
        "camille@example.org",
    )
    assert mail.outbox == []

    EmailOutbox.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert tasks.outbox_drain() == 1
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]
    assert tasks.outbox_drain() == 0
    assert len(mail.outbox) == 1


def test_a_context_that_is_not_plain_json_is_refused(resident):
    with pytest.raises(ValueError):
        queue_email(to="a@example.org", template="core/emails/test", context={"who": resident})
    assert not EmailOutbox.objects.exists()


def test_direct_e_mails_finished_long_ago_are_purged_and_nothing_else(
    django_capture_on_commit_callbacks, resident, settings
):
    settings.PARVIS_OUTBOX_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        queue(to="old@example.org")
    old_sent = EmailOutbox.objects.get()
    old_failed = EmailOutbox.objects.create(
        idempotency_key="email:failed",
        kind=OutboxKind.DIRECT,
        to_address="x@example.org",
        state=OutboxState.FAILED,
    )
    old_pending = EmailOutbox.objects.create(
        idempotency_key="email:pending", kind=OutboxKind.DIRECT, to_address="y@example.org"
    )
    old_digest = EmailOutbox.objects.create(
        idempotency_key="digest:x",
        kind=OutboxKind.DIGEST,
        recipient=resident,
        state=OutboxState.SENT,
    )
    long_ago = timezone.now() - dt.timedelta(days=31)
    EmailOutbox.objects.update(created_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        queue(to="recent@example.org")
    recent = EmailOutbox.objects.latest("pk")

    assert tasks.outbox_purge.apply().get() == 2
    kept = set(EmailOutbox.objects.values_list("pk", flat=True))
    assert kept == {old_pending.pk, old_digest.pk, recent.pk}
    assert old_sent.pk not in kept and old_failed.pk not in kept

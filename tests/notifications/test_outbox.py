"""The e-mail outbox: written with the notification, sent once, kept when the broker is
down and queued again by the drain. (Real workers and a real Redis: test_workers.py.)"""

import datetime as dt
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from parvis.agenda.models import Event, EventStatus, Rsvp
from parvis.notifications import services, tasks
from parvis.notifications.models import EmailOutbox, Notification, OutboxState
from parvis.notifications.services import notify

from .workers import broker, free_port

pytestmark = pytest.mark.usefixtures("sample_types")


def sample(recipient):
    return notify(recipients=[recipient], type_key="tests.sample", url="/", context={"title": "T"})


def test_a_duplicated_send_task_sends_once(resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sample(resident)
    row = EmailOutbox.objects.get()
    assert row.state == OutboxState.SENT
    assert row.idempotency_key == f"notification:{Notification.objects.get().pk}"
    assert tasks.outbox_send.apply(args=(row.pk,)).get() == "already"
    assert tasks.outbox_send.apply(args=(row.pk,)).get() == "already"
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_broker_down_the_request_answers_fast_and_the_e_mail_waits(
    login, association_manager, resident, make_event, django_capture_on_commit_callbacks
):
    """A member cancels an event while Redis is down: the page answers at once, the event
    is cancelled and the participants' e-mail waits in the outbox."""
    event = make_event()
    Rsvp.objects.create(occurrence=event.occurrences.get(), user=resident)
    client = login(association_manager)
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with broker(dead), django_capture_on_commit_callbacks(execute=True):
        started = time.monotonic()
        response = client.post(
            reverse("agenda:cancel", kwargs={"pk": event.pk, "slug": event.slug}),
            {"reason": "Orage annoncé."},
        )
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 3, f"the request took {elapsed:.2f} s with the broker down"
    assert Event.objects.get(pk=event.pk).status == EventStatus.CANCELLED
    row = EmailOutbox.objects.get()
    assert (row.state, row.queued_at) == (OutboxState.PENDING, None)
    assert mail.outbox == []
    assert Notification.objects.get(recipient=resident).type_key == "agenda.event_cancelled"

    # Back up: the periodic drain queues what waited (eager here) and it is sent once.
    EmailOutbox.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert tasks.outbox_drain() == 1
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert "Orage annoncé." in mail.outbox[0].body
    assert tasks.outbox_drain() == 0
    assert len(mail.outbox) == 1


def test_the_drain_leaves_fresh_and_recently_queued_rows_alone(
    settings, resident, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.mailbox.FailingBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        sample(resident)
    row = EmailOutbox.objects.get()
    assert row.state == OutboxState.PENDING and row.queued_at is not None
    assert tasks.outbox_drain() == 0, "queued a moment ago: the broker has it"
    EmailOutbox.objects.update(queued_at=timezone.now() - tasks.REQUEUE_AFTER * 2)
    assert tasks.outbox_drain() == 1, "queued long ago and still pending: the message was lost"


def test_an_smtp_failure_is_recorded_and_retried_until_it_gives_up(
    settings, resident, django_capture_on_commit_callbacks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.notifications.mailbox.FailingBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        sample(resident)
    row = EmailOutbox.objects.get()
    assert row.state == OutboxState.PENDING
    assert row.attempts == 1
    assert "SMTP server unreachable" in row.last_error
    for _ in range(services.MAX_ATTEMPTS - 1):
        services.outbox_deliver(outbox_id=row.pk)
    row.refresh_from_db()
    assert row.state == OutboxState.FAILED
    assert services.outbox_deliver(outbox_id=row.pk).outcome == "already"

    # The mail server is fixed; the administrator tries the failed e-mails again.
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert services.outbox_retry_failed(outbox_ids=[row.pk]) == 1
    assert tasks.outbox_send.apply(args=(row.pk,)).get() == "sent"
    assert len(mail.outbox) == 1


def test_an_e_mail_to_a_member_who_left_is_not_sent(resident):
    sample(resident)  # not committed yet: the e-mail waits
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    row = EmailOutbox.objects.get()
    assert services.outbox_deliver(outbox_id=row.pk).outcome == "cancelled"
    row.refresh_from_db()
    assert row.state == OutboxState.CANCELLED
    assert mail.outbox == []


def test_many_recipients_fan_out_in_a_task(oise, django_capture_on_commit_callbacks):
    from ..factories import UserFactory

    members = UserFactory.create_batch(tasks.DIRECT_QUEUE_LIMIT + 5, commune=oise["beauvais"])
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=members, type_key="tests.sample", url="/", context={"title": "T"})
    assert len(mail.outbox) == len(members)
    assert not EmailOutbox.objects.exclude(state=OutboxState.SENT).exists()


def test_the_outbox_is_visible_read_only_in_the_admin(settings, admin_client, resident):
    settings.PARVIS_STAFF_MFA_REQUIRED = False
    sample(resident)
    response = admin_client.get(reverse("admin:notifications_emailoutbox_changelist"))
    assert response.status_code == 200
    assert "notification:" in response.content.decode()
    assert admin_client.get(reverse("admin:notifications_emailoutbox_add")).status_code == 403

"""The organiser of an event learns the moderators' decisions through the notifications:
in the centre and by e-mail (the refusal's e-mail, which gives the reason, cannot be turned
off), and the e-mail survives a broker outage."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from parvis.agenda.models import EventStatus
from parvis.agenda.services import event_publish, event_reject
from parvis.notifications import tasks
from parvis.notifications.models import EmailOutbox, Notification, OutboxState
from parvis.notifications.registry import Delivery
from parvis.notifications.services import preferences_set

from ..notifications.workers import broker, free_port


def submitted(make_event, resident):
    return make_event(created_by=resident, status=EventStatus.SUBMITTED, published_at=None)


def test_the_organiser_is_told_when_a_moderator_publishes_the_event(
    make_event, resident, moderator, django_capture_on_commit_callbacks
):
    event = submitted(make_event, resident)
    with django_capture_on_commit_callbacks(execute=True):
        event_publish(event=event, moderator=moderator)
    notification = Notification.objects.get(recipient=resident)
    assert notification.type_key == "agenda.event_published"
    assert notification.actor is None, "moderators stay anonymous"
    assert notification.target == event
    (message,) = mail.outbox
    assert message.to == [resident.email]
    assert "Concert de l'harmonie" in message.subject
    assert "List-Unsubscribe" in message.extra_headers


def test_a_refusal_gives_the_reason_and_its_e_mail_cannot_be_turned_off(
    make_event, resident, moderator, django_capture_on_commit_callbacks
):
    preferences_set(member=resident, choices={"agenda.event_published": Delivery.NEVER})
    event = submitted(make_event, resident)
    with django_capture_on_commit_callbacks(execute=True):
        event_reject(event=event, moderator=moderator, reason="Adresse introuvable.")
    notification = Notification.objects.get(recipient=resident)
    assert notification.type_key == "agenda.event_rejected"
    assert notification.url == f"/agenda/{event.pk}-{event.slug}/modifier/"
    (message,) = mail.outbox
    assert "Adresse introuvable." in message.body
    assert f"/agenda/{event.pk}-{event.slug}/modifier/" in message.body
    assert "List-Unsubscribe" not in message.extra_headers


def test_broker_down_the_organisers_e_mail_waits_and_is_sent_once(
    make_event, resident, moderator, django_capture_on_commit_callbacks
):
    event = submitted(make_event, resident)
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with broker(dead), django_capture_on_commit_callbacks(execute=True):
        event_reject(event=event, moderator=moderator, reason="Adresse introuvable.")
    event.refresh_from_db()
    assert event.status == EventStatus.REJECTED
    row = EmailOutbox.objects.get()
    assert (row.recipient, row.state, row.queued_at) == (resident, OutboxState.PENDING, None)
    assert mail.outbox == []
    EmailOutbox.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert tasks.outbox_drain() == 1
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert tasks.outbox_drain() == 0

"""The daily digest (tasks run eagerly here; with a real worker: test_workers.py)."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from parvis.notifications import tasks
from parvis.notifications.emails import DIGEST_MAX_ITEMS
from parvis.notifications.models import EmailOutbox, Notification, OutboxKind, OutboxState
from parvis.notifications.registry import Delivery
from parvis.notifications.services import digest_prepare, notify, preferences_set

from ..factories import UserFactory

pytestmark = pytest.mark.usefixtures("sample_types")


def daily(member, count=1, title="Marché"):
    for index in range(count):
        notify(
            recipients=[member],
            type_key="tests.sample_daily",
            url="/agenda/",
            context={"title": f"{title} {index}"},
        )


def test_one_digest_per_member_with_their_items_in_text_and_html(resident, other_resident):
    daily(resident, 2)
    daily(other_resident, 1, title="Kermesse")
    tasks.digest_daily.apply(kwargs={"batch_size": 500})
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {resident.email, other_resident.email}
    message = by_recipient[resident.email]
    assert message.subject == "Your day on Parvis Oise: 2 notifications"
    assert "Hello Camille Martin," in message.body
    assert "- Something new about “Marché 0”." in message.body
    assert "/notifications/" in message.body
    html = message.alternatives[0][0]
    assert "Something new about “Marché 1”." in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Kermesse" not in message.body
    assert by_recipient[other_resident.email].subject.endswith(": 1 notification")


def test_a_long_digest_lists_the_first_items_and_points_to_the_centre(resident):
    daily(resident, DIGEST_MAX_ITEMS + 3)
    tasks.digest_daily.apply()
    (message,) = mail.outbox
    assert f": {DIGEST_MAX_ITEMS + 3} notifications" in message.subject
    assert message.body.count("- Something new") == DIGEST_MAX_ITEMS
    assert "And 3 more notifications in your notification centre" in message.body


def test_the_same_day_twice_sends_nothing_more_and_the_next_day_only_what_is_new(resident):
    daily(resident, 2)
    tasks.digest_daily.apply()
    now = timezone.now()
    batch = {"day": timezone.localdate(now).isoformat(), "cutoff": now.isoformat(), "after": 0}
    tasks.digest_batch.apply(kwargs=batch)  # a duplicated or retried batch
    assert len(mail.outbox) == 1
    daily(resident, 1, title="Nouveau")
    tasks.digest_batch.apply(kwargs={**batch, "cutoff": timezone.now().isoformat()})
    assert len(mail.outbox) == 1, "the day's digest is already sent"
    tomorrow = {
        "day": (timezone.localdate(now) + dt.timedelta(days=1)).isoformat(),
        "cutoff": timezone.now().isoformat(),
        "after": 0,
    }
    tasks.digest_batch.apply(kwargs=tomorrow)
    assert len(mail.outbox) == 2
    assert "Nouveau 0" in mail.outbox[1].body
    assert "Marché" not in mail.outbox[1].body
    assert EmailOutbox.objects.filter(kind=OutboxKind.DIGEST, state=OutboxState.SENT).count() == 2


def test_batches_chain_until_every_member_is_done(oise):
    members = UserFactory.create_batch(5, commune=oise["beauvais"])
    for member in members:
        daily(member)
    tasks.digest_daily.apply(kwargs={"batch_size": 2})
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)


def test_items_of_a_type_switched_to_never_leave_the_digest(resident):
    daily(resident, 2)
    preferences_set(member=resident, choices={"tests.sample_daily": Delivery.NEVER})
    assert (
        digest_prepare(member_id=resident.pk, day=timezone.localdate(), cutoff=timezone.now())
        is None
    )
    assert mail.outbox == []
    assert set(Notification.objects.values_list("email_delivery", flat=True)) == {Delivery.NEVER}
    assert Notification.objects.count() == 2, "still in the centre"


def test_immediate_and_never_items_are_not_in_the_digest(resident):
    notify(recipients=[resident], type_key="tests.sample", url="/", context={"title": "x"})
    tasks.digest_daily.apply()
    assert not EmailOutbox.objects.filter(kind=OutboxKind.DIGEST).exists()

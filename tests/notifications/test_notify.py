"""notify(): notifications and outbox rows in the caller's transaction, e-mails after commit."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction

from parvis.notifications.models import EmailOutbox, Notification, OutboxState
from parvis.notifications.registry import Delivery
from parvis.notifications.services import notify, preferences_set

from ..factories import UserFactory

pytestmark = pytest.mark.usefixtures("sample_types")


def sample(recipients, actor=None, **extra):
    return notify(
        recipients=recipients,
        type_key="tests.sample",
        actor=actor,
        url="/agenda/",
        context={"title": "Brocante"},
        **extra,
    )


def test_notify_writes_one_notification_per_recipient_and_sends_after_commit(
    resident, other_resident, official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notifications = sample([resident, other_resident, resident], actor=official)
        assert mail.outbox == [], "nothing leaves before the transaction commits"
    assert sorted(n.recipient_id for n in notifications) == sorted([resident.pk, other_resident.pk])
    notification = Notification.objects.get(recipient=resident)
    assert notification.actor == official
    assert notification.params == {"title": "Brocante"}
    assert notification.read_at is None
    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, other_resident.email])
    assert EmailOutbox.objects.filter(state=OutboxState.SENT).count() == 2


def test_the_actor_is_not_notified_of_their_own_action(resident, official):
    assert [n.recipient for n in sample([resident, official], actor=official)] == [resident]


def test_inactive_members_are_not_notified(resident):
    gone = UserFactory(is_active=False)
    assert [n.recipient for n in sample([resident, gone])] == [resident]


def test_nothing_is_written_or_sent_when_the_transaction_rolls_back(
    resident, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        sample([resident])
        raise RuntimeError("the change fails")
    assert not Notification.objects.exists()
    assert not EmailOutbox.objects.exists()
    assert mail.outbox == []


def test_preferences_choose_immediate_daily_or_no_e_mail(
    resident, other_resident, official, django_capture_on_commit_callbacks
):
    preferences_set(member=other_resident, choices={"tests.sample": Delivery.DAILY})
    preferences_set(member=official, choices={"tests.sample": Delivery.NEVER})
    with django_capture_on_commit_callbacks(execute=True):
        sample([resident, other_resident, official])
    deliveries = dict(Notification.objects.values_list("recipient_id", "email_delivery"))
    assert deliveries == {
        resident.pk: Delivery.IMMEDIATE,
        other_resident.pk: Delivery.DAILY,
        official.pk: Delivery.NEVER,
    }
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert Notification.objects.count() == 3, "every notification is in the centre"


def test_default_delivery_of_a_daily_type_waits_for_the_digest(
    resident, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[resident], type_key="tests.sample_daily", context={"title": "T"})
    assert Notification.objects.get().email_delivery == Delivery.DAILY
    assert not EmailOutbox.objects.exists()
    assert mail.outbox == []


def test_email_false_writes_the_notification_only(resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sample([resident], email=False)
    assert Notification.objects.get().email_delivery == Delivery.NEVER
    assert mail.outbox == []


def test_the_target_gives_the_link(resident, association, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notify(
            recipients=[resident],
            type_key="tests.sample",
            target=association,
            context={"title": association.name},
        )
    notification.refresh_from_db()
    assert notification.target == association
    assert notification.url == association.get_absolute_url()
    assert f"{settings.PARVIS_SITE_URL}{association.get_absolute_url()}" in mail.outbox[0].body


def test_the_context_must_be_plain_json(resident):
    with pytest.raises(ValueError, match="plain JSON"):
        notify(recipients=[resident], type_key="tests.sample", context={"who": resident})
    assert not Notification.objects.exists()


def test_an_unknown_type_is_a_programming_error(resident):
    with pytest.raises(LookupError):
        notify(recipients=[resident], type_key="tests.unknown", context={})


def test_no_recipient_writes_nothing(official):
    assert sample([official], actor=official) == []
    assert not Notification.objects.exists()

"""The activity outbox: recorded in the service's transaction, told after the commit by a
worker, once; kept when the broker is down (the drain takes it); scheduled; batched. (Real
workers and a real Redis: test_workers.py.)"""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from parvis.accounts.models import User
from parvis.notifications import activities, tasks
from parvis.notifications.activities import Notice, Postpone, activity_kind, activity_record
from parvis.notifications.models import Activity, EmailOutbox, Notification, OutboxState

from .workers import broker, free_port

pytestmark = pytest.mark.usefixtures("sample_types")

#: What the sample kinds below decide, set by each test.
DECISION = {}


@pytest.fixture
def sample_kinds():
    """``tests.resolved``: told to the members of ``data["commune_id"]``, resolved when it is
    sent; ``tests.batched``: a batch of activities told as one notification with their
    count; ``tests.failing``: raises; ``tests.later``: postponed while ``DECISION["until"]``."""

    @activity_kind("tests.resolved")
    def resolved(activity):
        members = User.objects.filter(commune_id=activity.data["commune_id"])
        return Notice(
            type_key="tests.sample",
            recipients=members,
            context={"title": activity.data["title"]},
            url="/",
            actor=activity.actor,
            batched=DECISION.get("batched", False),
            target=activity.target if DECISION.get("batched") else None,
        )

    @activity_kind("tests.batched")
    def batched(activity):
        return Notice(
            type_key="tests.sample",
            recipients=activities.recipients_of(activity),
            context={"title": f"{len(activity.batch)} reactions"},
            url="/",
        )

    @activity_kind("tests.failing")
    def failing(activity):
        raise RuntimeError("the handler failed")

    @activity_kind("tests.later")
    def later(activity):
        if DECISION.get("until"):
            return Postpone(until=DECISION["until"])
        return Notice(type_key="tests.sample", recipients=[], url="/")

    yield
    for key in ("tests.resolved", "tests.batched", "tests.failing", "tests.later"):
        activities._kinds.pop(key, None)
    DECISION.clear()


def told(**filters):
    return sorted(Notification.objects.filter(**filters).values_list("recipient_id", flat=True))


def record_sample(recipients, **fields):
    return activity_record(
        kind="tests.sample",
        recipients=recipients,
        url="/agenda/",
        data={"title": "Brocante"},
        **fields,
    )


def test_an_activity_is_told_after_the_commit_once(
    resident, other_resident, official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        activity = record_sample([resident, other_resident, official], actor=official)
        assert not Notification.objects.exists(), "nothing is told before the commit"
    assert told() == sorted([resident.pk, other_resident.pk]), "not the actor"
    notification = Notification.objects.get(recipient=resident)
    assert (notification.type_key, notification.actor, notification.url) == (
        "tests.sample",
        official,
        "/agenda/",
    )
    assert notification.params == {"title": "Brocante"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([resident.email, other_resident.email])
    activity.refresh_from_db()
    assert activity.processed_at is not None
    assert activity.recipient_ids == [], "the notifications are the record"
    # A duplicated or redelivered task tells nobody twice.
    assert tasks.activity_fan_out.apply(args=(activity.pk,)).get() == 0
    assert len(told()) == 2


def test_nothing_is_recorded_or_told_when_the_transaction_rolls_back(
    resident, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        record_sample([resident])
        raise RuntimeError("the change fails")
    assert not Activity.objects.exists()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_no_recipient_records_nothing(resident):
    assert record_sample([]) is None
    assert not Activity.objects.exists()


def test_unknown_kinds_and_values_that_are_not_json_are_refused(resident):
    with pytest.raises(LookupError):
        activity_record(kind="tests.nothing_like_this", recipients=[resident])
    with pytest.raises(ValueError):
        activity_record(kind="tests.sample", recipients=[resident], data={"when": timezone.now()})


@pytest.mark.usefixtures("sample_kinds")
def test_an_audience_resolved_when_sent_sees_the_members_of_that_moment(
    beauvais, resident, official
):
    activity = activity_record(
        kind="tests.resolved", actor=official, data={"commune_id": beauvais.pk, "title": "T"}
    )
    resident.commune = None  # moved away before the worker ran
    resident.save(update_fields=["commune"])
    tasks.activity_fan_out(activity.pk)
    assert resident.pk not in told()


@pytest.mark.usefixtures("sample_kinds")
def test_broker_down_an_audience_resolved_later_waits_for_the_drain(
    beauvais, resident, django_capture_on_commit_callbacks
):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with broker(dead), django_capture_on_commit_callbacks(execute=True):
        activity = activity_record(
            kind="tests.resolved", data={"commune_id": beauvais.pk, "title": "T"}
        )
    activity.refresh_from_db()
    assert (activity.processed_at, activity.queued_at) == (None, None)
    assert told() == []
    assert tasks.activities_drain() == 0, "too fresh: its own task may be on its way"
    Activity.objects.update(due_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.activities_drain() == 1
    assert told() == [resident.pk]
    assert [m.to for m in mail.outbox] == [[resident.email]]
    assert tasks.activities_drain() == 0
    assert len(told()) == 1


def test_broker_down_members_named_are_told_at_once_and_their_e_mail_waits(
    resident, django_capture_on_commit_callbacks
):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    with broker(dead), django_capture_on_commit_callbacks(execute=True):
        activity = record_sample([resident])
    activity.refresh_from_db()
    assert activity.processed_at is not None, "told by the process that recorded it"
    assert told() == [resident.pk]
    row = EmailOutbox.objects.get()
    assert (row.state, row.queued_at) == (OutboxState.PENDING, None)
    assert mail.outbox == []
    EmailOutbox.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert tasks.outbox_drain() == 1
    assert [m.to for m in mail.outbox] == [[resident.email]]


def test_a_queued_activity_whose_message_was_lost_is_queued_again(resident):
    activity = record_sample([resident])  # not committed: its task never left
    Activity.objects.update(
        due_at=timezone.now() - dt.timedelta(hours=1),
        queued_at=timezone.now() - dt.timedelta(minutes=1),
    )
    assert tasks.activities_drain() == 0, "queued a moment ago: the broker has it"
    Activity.objects.update(queued_at=timezone.now() - tasks.REQUEUE_AFTER * 2)
    assert tasks.activities_drain() == 1
    activity.refresh_from_db()
    assert activity.processed_at is not None
    assert told() == [resident.pk]


@pytest.mark.usefixtures("sample_kinds")
def test_activities_with_the_same_batch_key_are_told_once_together(
    resident, other_resident, official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for member in (other_resident, official, other_resident):
            activity_record(
                kind="tests.batched",
                actor=member,
                recipients=[resident],
                batch_key="reactions:message:1",
                due_at=timezone.now() + dt.timedelta(minutes=10),  # a batching window
            )
    assert told() == [], "not before the window closes"
    Activity.objects.update(due_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.activities_drain()
    (notification,) = Notification.objects.all()
    assert notification.params == {"title": "3 reactions"}
    assert not Activity.objects.filter(processed_at__isnull=True).exists()


@pytest.mark.usefixtures("sample_kinds")
def test_a_postponed_activity_waits_for_its_new_date(resident):
    later = timezone.now() + dt.timedelta(hours=2)
    DECISION["until"] = later
    activity = activity_record(kind="tests.later")
    assert tasks.activity_fan_out(activity.pk) == 0
    activity.refresh_from_db()
    assert (activity.due_at, activity.processed_at) == (later, None)
    assert tasks.activities_drain() == 0, "not due"
    DECISION.clear()
    Activity.objects.update(due_at=timezone.now() - dt.timedelta(minutes=5))
    assert tasks.activities_drain() == 1
    activity.refresh_from_db()
    assert activity.processed_at is not None


@pytest.mark.usefixtures("sample_kinds")
def test_a_failing_fan_out_is_recorded_and_given_up_after_some_attempts(resident):
    activity = activity_record(kind="tests.failing")
    with pytest.raises(RuntimeError):
        tasks.activity_fan_out.apply(args=(activity.pk,)).get()
    activity.refresh_from_db()
    assert (activity.attempts, activity.processed_at) == (1, None)
    assert "the handler failed" in activity.last_error
    Activity.objects.update(
        due_at=timezone.now() - dt.timedelta(hours=1), attempts=activities.MAX_ATTEMPTS
    )
    assert tasks.activities_drain() == 0, "given up: left for a person to look at"


@pytest.mark.usefixtures("sample_kinds")
def test_a_large_audience_is_told_by_batches_and_a_retry_tells_nobody_twice(
    oise, official, monkeypatch
):
    from parvis.notifications import services

    from ..factories import UserFactory

    members = UserFactory.create_batch(5, commune=oise["beauvais"])
    monkeypatch.setattr(services, "NOTIFY_BATCH_SIZE", 2)
    DECISION["batched"] = True
    activity = activity_record(
        kind="tests.resolved",
        target=official,
        data={"commune_id": oise["beauvais"].pk, "title": "T"},
    )
    assert tasks.activity_fan_out(activity.pk) == 5
    Activity.objects.update(processed_at=None)  # as if the worker died before the end
    assert tasks.activity_fan_out(activity.pk) == 0
    assert told() == sorted(member.pk for member in members)


def test_activities_told_long_ago_are_purged(settings, resident):
    old = record_sample([resident])
    waiting = record_sample([resident])
    tasks.activity_fan_out(old.pk)
    Activity.objects.filter(pk=old.pk).update(processed_at=timezone.now() - dt.timedelta(days=31))
    settings.PARVIS_OUTBOX_RETENTION_DAYS = 30
    assert tasks.activities_purge.apply().get() == 1
    assert list(Activity.objects.values_list("pk", flat=True)) == [waiting.pk]


@pytest.mark.usefixtures("sample_kinds")
def test_the_activities_are_listed_read_only_in_the_admin_and_failed_ones_tried_again(
    settings, admin_client, resident
):
    from django.urls import reverse

    settings.PARVIS_STAFF_MFA_REQUIRED = False
    activity = activity_record(kind="tests.failing")
    Activity.objects.update(attempts=activities.MAX_ATTEMPTS, last_error="RuntimeError: boom")
    changelist = reverse("admin:notifications_activity_changelist")
    page = admin_client.get(changelist)
    assert page.status_code == 200
    assert "tests.failing" in page.content.decode()
    assert admin_client.get(reverse("admin:notifications_activity_add")).status_code == 403
    admin_client.post(
        changelist, {"action": "retry_failed", "_selected_action": [activity.pk]}, follow=True
    )
    activity.refresh_from_db()
    assert (activity.attempts, activity.queued_at) == (0, None)

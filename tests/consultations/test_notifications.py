"""A consultation that opens is announced to the members who may answer it — the identified
residents of its audience — once, with the members' preferences."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from parvis.consultations.models import Consultation, ConsultationStatus
from parvis.consultations.services import consultation_publish
from parvis.notifications import tasks
from parvis.notifications.activities import activity_record
from parvis.notifications.models import Activity, Notification
from parvis.notifications.registry import Delivery
from parvis.notifications.services import preferences_set

from ..factories import UserFactory

OPENED = "consultations.opened"


def told():
    return set(
        Notification.objects.filter(type_key=OPENED).values_list("recipient__email", flat=True)
    )


@pytest.fixture
def people(resident, other_resident, oise):
    """Camille in Beauvais, Hugo in Compiègne, and two members who may not answer: an
    unverified e-mail in Compiègne and a member without a commune."""
    UserFactory(email="pas.verifie@example.org", commune=oise["compiegne"], verified_email=False)
    UserFactory(email="sans.commune@example.org", commune=None)
    return {"beauvais": resident.email, "compiegne": other_resident.email}


def draft(make_consultation, **fields):
    return make_consultation(status=ConsultationStatus.DRAFT, published_at=None, **fields)


def announce(consultation):
    """Tell ``consultation``'s opening now, as its publication would have recorded it (the
    fixtures write the rows directly); returns the notifications written."""
    activity = activity_record(kind=OPENED, target=consultation)
    return tasks.activity_fan_out(activity.pk)


def test_publishing_an_open_consultation_tells_the_members_who_may_answer(
    people, agent, make_consultation, compiegne, django_capture_on_commit_callbacks
):
    consultation = draft(make_consultation, audience=[compiegne])
    with django_capture_on_commit_callbacks(execute=True):
        consultation_publish(consultation=consultation, actor=agent)
    assert told() == {people["compiegne"]}
    notification = Notification.objects.get(type_key=OPENED)
    assert notification.target == consultation
    assert notification.url == consultation.get_absolute_url()
    assert notification.params["institution"] == "Conseil départemental de l'Oise"
    assert notification.params["audience"] == "Compiègne"
    assert notification.email_delivery == Delivery.DAILY
    assert mail.outbox == []
    consultation.refresh_from_db()
    assert consultation.announced_at is not None


def test_a_whole_departement_consultation_tells_every_identified_member_but_its_author(
    people, agent, make_consultation, django_capture_on_commit_callbacks
):
    consultation = draft(make_consultation)
    with django_capture_on_commit_callbacks(execute=True):
        consultation_publish(consultation=consultation, actor=agent)
    assert told() == set(people.values())
    camille = Notification.objects.get(type_key=OPENED, recipient__email=people["beauvais"])
    assert camille.params["audience"] == "Oise"


def test_a_consultation_opening_later_is_announced_when_it_opens(
    people, agent, make_consultation, compiegne, django_capture_on_commit_callbacks
):
    now = timezone.now()
    consultation = draft(
        make_consultation,
        audience=[compiegne],
        opens_at=now + dt.timedelta(days=2),
        closes_at=now + dt.timedelta(days=20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        consultation_publish(consultation=consultation, actor=agent)
    assert told() == set()
    assert tasks.activities_drain() == 0

    # Time passes: the opening date has come (for the consultation and its announcement).
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_at=now - dt.timedelta(minutes=5), published_at=now - dt.timedelta(days=1)
    )
    Activity.objects.filter(kind=OPENED).update(due_at=now - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.activities_drain() == 1
    assert told() == {people["compiegne"]}
    assert tasks.activities_drain() == 0


def test_announcing_twice_tells_nobody_twice(people, make_consultation, compiegne):
    consultation = make_consultation(audience=[compiegne])
    assert announce(consultation) == 1
    assert announce(consultation) == 0
    Consultation.objects.filter(pk=consultation.pk).update(announced_at=None)
    assert announce(consultation) == 0, "a retried fan-out skips them"
    assert Notification.objects.filter(type_key=OPENED).count() == 1


def test_closed_drafts_and_old_consultations_are_not_announced(people, make_consultation):
    now = timezone.now()
    closed = make_consultation(
        opens_at=now - dt.timedelta(days=10), closes_at=now - dt.timedelta(days=1)
    )
    unpublished = draft(make_consultation)
    old = make_consultation(
        opens_at=now - dt.timedelta(days=10), published_at=now - dt.timedelta(days=10)
    )
    for consultation in (closed, unpublished, old):
        assert announce(consultation) == 0
    assert told() == set()


def test_a_member_who_wants_it_at_once_gets_an_e_mail(
    people, other_resident, make_consultation, compiegne, django_capture_on_commit_callbacks
):
    preferences_set(member=other_resident, choices={OPENED: Delivery.IMMEDIATE})
    consultation = make_consultation(audience=[compiegne])
    with django_capture_on_commit_callbacks(execute=True):
        announce(consultation)
    assert [m.to for m in mail.outbox] == [[other_resident.email]]
    assert mail.outbox[0].subject == "Your opinion is asked: Plan vélo départemental"
    assert consultation.get_absolute_url() in mail.outbox[0].body


def test_deploying_the_activity_outbox_keeps_every_pending_announcement_and_no_other(
    people, make_consultation, compiegne
):
    """The data migration that replaced the periodic scan: a consultation published, not
    closed and not announced (opening later, or opened lately) gets its activity; an
    announced, closed, old or draft one gets none."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "parvis.consultations.migrations.0004_announcements_to_the_activity_outbox"
    )
    now = timezone.now()
    pending = make_consultation(audience=[compiegne])
    later = make_consultation(
        opens_at=now + dt.timedelta(days=3), closes_at=now + dt.timedelta(days=20)
    )
    make_consultation(announced_at=now - dt.timedelta(hours=1))
    make_consultation(opens_at=now - dt.timedelta(days=10), closes_at=now - dt.timedelta(days=1))
    make_consultation(
        opens_at=now - dt.timedelta(days=10), published_at=now - dt.timedelta(days=10)
    )
    draft(make_consultation)
    migration.record_pending_announcements(apps, None)
    migration.record_pending_announcements(apps, None)  # run twice: still one each
    activities = dict(Activity.objects.values_list("target_id", "due_at"))
    assert sorted(activities) == sorted([pending.pk, later.pk])
    assert activities[later.pk] == later.opens_at
    assert tasks.activity_fan_out(Activity.objects.get(target_id=pending.pk).pk) == 1
    assert told() == {people["compiegne"]}

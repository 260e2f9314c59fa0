"""The agenda in the moderators' admin: categories, events and the moderation queue."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from parvis.agenda.models import Category, Event, EventStatus

QUEUE = "/admin/agenda/eventawaitingreview/"
EVENTS = "/admin/agenda/event/"
CATEGORIES = "/admin/agenda/category/"


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.PARVIS_STAFF_MFA_REQUIRED = False


@pytest.fixture
def submitted(make_event, resident):
    return make_event(title="Vide-grenier des Champs", created_by=resident, status="submitted")


def test_moderators_group_has_the_agenda_permissions(db):
    codenames = set(
        Group.objects.get(name="Modérateurs")
        .permissions.filter(content_type__app_label="agenda")
        .values_list("codename", flat=True)
    )
    assert {"view_event", "change_event", "view_category"} <= codenames
    assert {"view_eventawaitingreview", "change_eventawaitingreview"} <= codenames


def test_moderator_sees_the_queue_with_only_submitted_events(
    login, moderator, submitted, make_event
):
    make_event(title="Déjà publié")
    response = login(moderator).get(QUEUE)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vide-grenier des Champs" in content
    assert "Déjà publié" not in content


def test_member_cannot_open_the_admin_queue(login, resident, submitted):
    response = login(resident).get(QUEUE)
    assert response.status_code == 302  # to the admin's login page


def test_moderator_approves_from_the_queue_and_the_organiser_is_told(
    login, moderator, resident, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(moderator).post(
            QUEUE, {"action": "approve_events", "_selected_action": [submitted.pk]}
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == EventStatus.PUBLISHED
    assert submitted.reviewed_by == moderator
    assert [m.to for m in mail.outbox] == [[resident.email]]


def test_reject_first_asks_for_a_reason(login, moderator, submitted):
    response = login(moderator).post(
        QUEUE, {"action": "reject_events", "_selected_action": [submitted.pk]}
    )
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert Event.objects.get(pk=submitted.pk).status == EventStatus.SUBMITTED


def test_moderator_rejects_with_a_reason_e_mailed_to_the_organiser(
    login, moderator, resident, submitted, django_capture_on_commit_callbacks
):
    reason = "Les vide-greniers demandent une autorisation de la mairie."
    with django_capture_on_commit_callbacks(execute=True):
        response = login(moderator).post(
            QUEUE,
            {
                "action": "reject_events",
                "_selected_action": [submitted.pk],
                "apply": "1",
                "reason": reason,
            },
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == EventStatus.REJECTED
    assert submitted.rejection_reason == reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    assert reason in mail.outbox[0].body


def test_reject_with_an_empty_reason_changes_nothing(login, moderator, submitted):
    response = login(moderator).post(
        QUEUE,
        {
            "action": "reject_events",
            "_selected_action": [submitted.pk],
            "apply": "1",
            "reason": " ",
        },
    )
    assert "Give the reason" in response.content.decode()
    assert Event.objects.get(pk=submitted.pk).status == EventStatus.SUBMITTED
    assert mail.outbox == []


def test_event_list_filters_by_status_and_arrondissement(
    login, moderator, oise, make_event, submitted
):
    make_event(title="À Compiègne", commune=oise["compiegne"])
    client = login(moderator)
    content = client.get(EVENTS, {"status__exact": "submitted"}).content.decode()
    assert "Vide-grenier des Champs" in content
    assert "À Compiègne" not in content
    arrondissement_of_compiegne = oise["arrondissements"][1]
    content = client.get(EVENTS, {"arrondissement": arrondissement_of_compiegne.pk}).content
    assert "À Compiègne" in content.decode()
    assert "Vide-grenier des Champs" not in content.decode()


def test_event_list_search_and_query_count(
    login, moderator, make_event, django_assert_max_num_queries
):
    for number in range(20):
        make_event(title=f"Atelier {number}")
    client = login(moderator)
    with django_assert_max_num_queries(20):
        response = client.get(EVENTS, {"q": "Atelier 1"})
    assert response.status_code == 200
    assert "Atelier 12" in response.content.decode()


def test_moderator_adding_a_recurrence_in_the_admin_resyncs_occurrences_and_tells_participants(
    login, moderator, resident, make_event, django_capture_on_commit_callbacks
):
    from parvis.agenda.models import Rsvp

    event = make_event()
    Rsvp.objects.create(occurrence=event.occurrences.get(), user=resident)
    client = login(moderator)
    assert client.get(f"{EVENTS}{event.pk}/change/").status_code == 200
    local = timezone.localtime(event.start)
    local_end = timezone.localtime(event.end)
    data = {
        "title": event.title,
        "slug": event.slug,
        "category": event.category_id,
        "description": event.description,
        "start_0": local.date().isoformat(),
        "start_1": local.strftime("%H:%M:%S"),
        "end_0": local_end.date().isoformat(),
        "end_1": local_end.strftime("%H:%M:%S"),
        "rrule": "FREQ=DAILY;COUNT=3",
        "exdates": "[]",
        "venue_name": event.venue_name,
        "address": event.address,
        "commune": event.commune_id,
        "audience": "",
        "organisation": "",
        "is_free": "on",
        "price": "",
        "capacity": "",
        "accessibility": "[]",
        "accessibility_details": "",
        "external_url": "",
        "occurrences-TOTAL_FORMS": "1",
        "occurrences-INITIAL_FORMS": "1",
        "occurrences-MIN_NUM_FORMS": "0",
        "occurrences-MAX_NUM_FORMS": "0",
        "occurrences-0-id": event.occurrences.get().pk,
        "occurrences-0-event": event.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{EVENTS}{event.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert event.occurrences.count() == 3
    assert [m.to for m in mail.outbox] == [[resident.email]]
    data["rrule"] = "FREQ=NEVER"
    response = client.post(f"{EVENTS}{event.pk}/change/", data)
    assert response.status_code == 200
    assert Event.objects.get(pk=event.pk).rrule == "FREQ=DAILY;COUNT=3"


def test_categories_are_listed_by_position(login, moderator):
    Category.objects.update(position=50)
    Category.objects.create(name="Aaa en tête", slug="aaa", position=1)
    response = login(moderator).get(CATEGORIES)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Aaa en tête" in content


def test_moderator_may_not_add_events_in_the_admin(login, moderator):
    assert login(moderator).get(f"{EVENTS}add/").status_code == 403


def test_cancel_action_tells_participants(
    login, moderator, resident, make_event, django_capture_on_commit_callbacks
):
    from parvis.agenda.models import Rsvp

    event = make_event(start=dt.datetime(2030, 5, 1, 18, tzinfo=dt.UTC))
    Rsvp.objects.create(occurrence=event.occurrences.get(), user=resident)
    with django_capture_on_commit_callbacks(execute=True):
        login(moderator).post(
            EVENTS,
            {
                "action": "cancel_events",
                "_selected_action": [event.pk],
                "apply": "1",
                "reason": "Arrêté préfectoral.",
            },
        )
    assert Event.objects.get(pk=event.pk).status == EventStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [[resident.email]]

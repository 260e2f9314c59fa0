"""Calls for volunteers: opening a call, signing up within the places, withdrawing, the
reminder the day before (once), the organisers' message and CSV export, skills, pages, API."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from parvis.accounts.services import api_token_create
from parvis.notifications.models import Notification
from parvis.volunteers import services
from parvis.volunteers.models import Call, Signup, Slot
from tests.factories import UserFactory

from .conftest import tomorrow_at


def slots(**first):
    return [
        {"label": "Accueil", "places": 3, "starts_at": tomorrow_at(9), "ends_at": None, **first}
    ]


def test_an_organisation_manager_opens_a_call(association_manager, association, beauvais, skills):
    call = services.call_open(
        by=association_manager,
        organisation=association,
        title="Aide au vide-grenier",
        description="Installer les stands et accueillir les exposants dès 6 heures.",
        commune=beauvais,
        skills=skills[:1],
        slots=slots(),
    )
    assert call.slots.get().places == 3
    assert list(call.skills.all()) == skills[:1]


def test_only_organisers_may_open_a_call_for_a_runner(resident, association, beauvais):
    with pytest.raises(ValidationError) as error:
        services.call_open(
            by=resident,
            organisation=association,
            title="Aide au vide-grenier",
            description="Installer les stands et accueillir les exposants dès 6 heures.",
            commune=beauvais,
            slots=slots(),
        )
    assert "runner" in error.value.message_dict
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    "slot, message",
    [
        ({"label": ""}, "give the role"),
        ({"places": 0}, "between 1 and"),
        ({"starts_at": tomorrow_at(9) - dt.timedelta(days=3)}, "in the past"),
        ({"ends_at": tomorrow_at(8)}, "end after"),
    ],
)
def test_bad_slots_are_refused_and_nothing_is_stored(
    association_manager, association, beauvais, slot, message
):
    with pytest.raises(ValidationError) as error:
        services.call_open(
            by=association_manager,
            organisation=association,
            title="Aide au vide-grenier",
            description="Installer les stands et accueillir les exposants dès 6 heures.",
            commune=beauvais,
            slots=slots(**slot),
        )
    assert message in " ".join(error.value.message_dict["slots"])
    assert not Call.objects.exists()


def test_signing_up_never_goes_beyond_the_places(call, resident, other_resident, oise):
    buvette = call.slots.get(label="Buvette")
    services.signup_create(slot=buvette, member=resident)
    with pytest.raises(ValidationError, match="full"):
        services.signup_create(slot=buvette, member=other_resident)
    morning = call.slots.get(label="Accueil, matin")
    services.signup_create(slot=morning, member=resident)
    with pytest.raises(ValidationError, match="already"):
        services.signup_create(slot=morning, member=resident)
    buvette.refresh_from_db()
    assert buvette.taken == 1
    assert services.signup_cancel(slot=buvette, member=resident)
    buvette.refresh_from_db()
    assert buvette.taken == 0
    services.signup_create(slot=buvette, member=other_resident)


def test_the_organisers_are_told_of_a_signup(
    call, resident, association_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.signup_create(slot=call.slots.first(), member=resident)
    assert Notification.objects.filter(
        type_key="volunteers.signup", recipient=association_manager
    ).exists()


def test_the_reminder_is_sent_the_day_before_once(
    call, resident, other_resident, django_capture_on_commit_callbacks
):
    morning = call.slots.get(label="Accueil, matin")
    services.signup_create(slot=morning, member=resident)
    services.signup_create(slot=call.slots.get(label="Buvette"), member=other_resident)  # undated
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send() == 0  # nobody twice
    reminders = [m for m in mail.outbox if "Accueil, matin" in m.subject]
    assert [m.to for m in reminders] == [[resident.email]]
    assert "withdraw" in reminders[0].body


def test_the_organisers_write_to_the_volunteers_and_export_them(
    call, resident, association_manager, login, django_capture_on_commit_callbacks
):
    services.signup_create(slot=call.slots.first(), member=resident)
    with pytest.raises(PermissionDenied):
        services.volunteers_message(call=call, by=resident, body="Coucou")
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.volunteers_message(
                call=call, by=association_manager, body="Rendez-vous à 8 h 45 devant la salle."
            )
            == 1
        )
    assert any("8 h 45" in m.body for m in mail.outbox if resident.email in m.to)
    client = login(association_manager)
    export = client.get(reverse("volunteers:export", args=[call.pk, call.slug]))
    assert export.status_code == 200
    assert resident.email in export.content.decode()
    assert (
        login(resident).get(reverse("volunteers:export", args=[call.pk, call.slug])).status_code
        == 403
    )


def test_the_export_neutralises_formulas(call, association_manager, login, oise):
    member = UserFactory(first_name="=HYPERLINK(1)", last_name="-2+3", commune=oise["beauvais"])
    services.signup_create(slot=call.slots.first(), member=member)
    text = (
        login(association_manager)
        .get(reverse("volunteers:export", args=[call.pk, call.slug]))
        .content.decode()
    )
    assert "'=HYPERLINK(1) -2+3" in text


def test_pages_list_detail_and_sign_up(visitor, call, login, resident):
    listing = visitor.get(reverse("volunteers:index")).content.decode()
    assert "Bénévoles pour la fête des associations" in listing
    page = visitor.get(call.get_absolute_url()).content.decode()
    assert "Log in to sign up" in page
    client = login(resident)
    slot = call.slots.get(label="Buvette")
    response = client.post(
        reverse("volunteers:signup", args=[call.pk, call.slug]), {"slot": slot.pk}
    )
    assert response.status_code == 302
    assert Signup.objects.filter(slot=slot, member=resident).exists()
    page = client.get(call.get_absolute_url()).content.decode()
    assert "You are signed up" in page
    bad = client.post(reverse("volunteers:signup", args=[call.pk, call.slug]), {"slot": "x<"})
    assert bad.status_code == 302


def test_the_form_opens_a_call(login, association_manager, association):
    client = login(association_manager)
    assert client.get(reverse("volunteers:create")).status_code == 200
    day = (tomorrow_at(9) + dt.timedelta(days=2)).date().isoformat()
    response = client.post(
        reverse("volunteers:create"),
        {
            "runner": f"organisation:{association.pk}",
            "title": "Collecte de jouets",
            "description": "Trier les jouets donnés et les ranger dans les cartons par âge.",
            "commune": "60057",
            "slot_0_label": "Tri, après-midi",
            "slot_0_date": day,
            "slot_0_start": "14:00",
            "slot_0_end": "17:00",
            "slot_0_places": "4",
        },
    )
    call = Call.objects.get()
    assert response.status_code == 302 and response["Location"] == call.get_absolute_url()
    slot = Slot.objects.get()
    assert slot.places == 4 and slot.ends_at > slot.starts_at


def test_a_member_without_anything_to_run_is_told_why(login, resident):
    response = login(resident).get(reverse("volunteers:create"))
    assert response.status_code == 403
    assert "verified organisations" in response.content.decode()


def test_skills_on_the_profile_and_matching_calls(login, resident, call, skills):
    call.skills.set(skills[:1])
    client = login(resident)
    client.post(reverse("volunteers:skills"), {"skills": [skills[0].pk]})
    assert "Your skills match this call." in client.get(call.get_absolute_url()).content.decode()


def test_the_commune_page_and_the_api(visitor, call, beauvais, resident):
    assert "Calls for volunteers" in visitor.get(beauvais.get_absolute_url()).content.decode()
    rows = APIClient().get("/api/benevolat/").json()["results"]
    assert rows[0]["title"] == call.title and len(rows[0]["slots"]) == 2
    _, key = api_token_create(user=resident, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    slot = call.slots.get(label="Buvette")
    response = api.post(f"/api/benevolat/{call.pk}/inscription/", {"slot": slot.pk}, format="json")
    assert response.status_code == 200
    response = api.post(f"/api/benevolat/{call.pk}/inscription/", {"slot": slot.pk}, format="json")
    assert response.status_code == 400  # already signed up: the service's refusal


def test_the_commune_page_counts_the_places_over_the_slots(
    visitor, call, association, association_manager, beauvais
):
    call.slots.filter(label="Buvette").update(taken=1)
    Call.objects.create(
        title="Appel sans créneau",
        description="Les créneaux seront ajoutés plus tard.",
        commune=beauvais,
        organisation=association,
        created_by=association_manager,
    )
    page = visitor.get(beauvais.get_absolute_url()).content.decode()
    assert "1 of 3 places taken" in page  # 2 + 1 places, 1 taken
    assert "Appel sans créneau" in page
    assert page.count("places taken") + page.count("place taken") == 1


@pytest.mark.parametrize("count", [2, 20])
def test_the_list_costs_a_constant_number_of_queries(
    client,
    resident,
    association,
    association_manager,
    beauvais,
    count,
    django_assert_max_num_queries,
):
    for index in range(count):
        call = Call.objects.create(
            title=f"Appel {index}",
            description="Aider à l'accueil des visiteurs.",
            commune=beauvais,
            organisation=association,
            created_by=association_manager,
        )
        Slot.objects.create(call=call, label="Accueil", places=2)
    client.force_login(resident)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("volunteers:index")).status_code == 200

"""API of the agenda: /api/evenements/ (read for all, writes for members, same rules as the web)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.pagination import PageNumberPagination

from parvis.agenda.models import Category, Event, EventStatus, Rsvp
from tests.agenda.conftest import create_event

PARIS = ZoneInfo("Europe/Paris")


def in_days(days, hour=18):
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


@pytest.fixture
def make_event(association_manager, beauvais):
    def _make(**fields):
        fields.setdefault("created_by", association_manager)
        fields.setdefault("commune", beauvais)
        return create_event(**fields)

    return _make


def payload(**overrides):
    start = in_days(14, 19)
    data = {
        "title": "Répétition publique de la chorale",
        "description": "Venez **écouter**.",
        "category": "culture",
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=2)).isoformat(),
        "venue_name": "Église Saint-Étienne",
        "address": "Rue de l'Étamine",
        "commune": "60057",
        "is_free": True,
        "accessibility": ["wheelchair"],
    }
    data.update(overrides)
    return data


def titles(response):
    return [event["title"] for event in response.json()["results"]]


# --- reading ------------------------------------------------------------------------------------


def test_visitor_lists_public_events_with_their_dates(api, make_event):
    make_event(title="Marché", rrule="FREQ=WEEKLY;COUNT=3")
    make_event(title="Annulé", status=EventStatus.CANCELLED, cancellation_reason="Pluie.")
    make_event(title="Brouillon", status=EventStatus.DRAFT)
    make_event(title="En attente", status=EventStatus.SUBMITTED)

    response = api.get("/api/evenements/")

    assert response.status_code == 200
    assert sorted(titles(response)) == ["Annulé", "Marché"]
    market = next(e for e in response.json()["results"] if e["title"] == "Marché")
    assert len(market["dates"]) == 3
    assert market["commune"] == {"code": "60057", "name": "Beauvais"}
    assert market["category"] == {"slug": "culture", "name": "Culture"}
    assert market["web_url"].endswith(f"/agenda/{market['id']}-marche/")
    assert market["ics_url"].endswith(f"/agenda/{market['id']}-marche.ics")


def test_organiser_also_lists_their_own_drafts(api_as, make_event, association_manager):
    make_event(title="Publié")
    make_event(title="Mon brouillon", status=EventStatus.DRAFT)

    response = api_as(association_manager).get("/api/evenements/")

    assert sorted(titles(response)) == ["Mon brouillon", "Publié"]


def test_detail_of_a_draft_is_not_found_for_others(api, api_as, make_event, other_resident):
    draft = make_event(title="Brouillon", status=EventStatus.DRAFT)
    public = make_event(title="Publié")

    assert api.get(f"/api/evenements/{draft.pk}/").status_code == 404
    assert api_as(other_resident).get(f"/api/evenements/{draft.pk}/").status_code == 404
    response = api.get(f"/api/evenements/{public.pk}/")
    assert response.status_code == 200
    assert response.json()["title"] == "Publié"


def test_list_uses_the_agenda_filters(api, make_event, compiegne):
    make_event(title="Concert")
    make_event(title="Match", commune=compiegne, category=Category.objects.get(slug="sport"))
    make_event(title="Plus tard", start=in_days(60))

    assert titles(api.get("/api/evenements/?category=sport")) == ["Match"]
    assert sorted(titles(api.get("/api/evenements/?commune=60057"))) == ["Concert", "Plus tard"]
    to = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    assert sorted(titles(api.get(f"/api/evenements/?to={to}"))) == ["Concert", "Match"]


def test_past_events_are_left_out_unless_dates_are_asked(api, make_event):
    make_event(title="Passé", start=in_days(-3))
    make_event(title="À venir")

    assert titles(api.get("/api/evenements/")) == ["À venir"]
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert titles(api.get(f"/api/evenements/?from={since}")) == ["Passé", "À venir"]


def test_malformed_filters_answer_400_with_messages(api, oise):
    response = api.get("/api/evenements/?from=demain&commune=99999&category=inconnue")

    assert response.status_code == 400
    assert set(response.json()) == {"from", "commune", "category"}


def test_out_of_range_page_is_not_found_with_a_message(api, make_event):
    make_event()

    response = api.get("/api/evenements/?page=99")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_list_query_count_does_not_depend_on_the_number_of_events(
    api, make_event, association, compiegne, django_assert_max_num_queries
):
    make_event(organisation=association)
    with django_assert_max_num_queries(9):
        assert len(titles(api.get("/api/evenements/?category=culture"))) == 1
    for day in range(25):
        extra = {"organisation": association} if day % 2 else {"commune": compiegne}
        make_event(
            title=f"Atelier {day}", start=in_days(day + 1), rrule="FREQ=WEEKLY;COUNT=3", **extra
        )
    with django_assert_max_num_queries(9):
        assert len(titles(api.get("/api/evenements/?category=culture"))) == 26


def test_list_orders_events_by_their_next_date(api, make_event):
    make_event(title="Dans cinq jours", start=in_days(5))
    weekly = make_event(title="Hebdomadaire", start=in_days(-14), rrule="FREQ=WEEKLY;COUNT=6")
    make_event(title="Demain", start=in_days(1))

    response = api.get("/api/evenements/")

    # The weekly event's past dates are over: its next date (in 0 to 6 days) decides.
    next_date = min(o.start for o in weekly.occurrences.all() if o.end > timezone.now())
    expected = sorted(
        [("Dans cinq jours", in_days(5)), ("Hebdomadaire", next_date), ("Demain", in_days(1))],
        key=lambda pair: pair[1],
    )
    assert titles(response) == [title for title, _start in expected]
    assert response.json()["count"] == 3


def test_a_long_date_still_running_is_listed(api, make_event):
    make_event(title="Exposition", start=in_days(-60), end=in_days(20))
    make_event(title="Finie", start=in_days(-60), end=in_days(-1))
    make_event(title="Concert")

    assert titles(api.get("/api/evenements/")) == ["Exposition", "Concert"]


def test_pages_hold_each_event_once(api, make_event, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "page_size", 2)  # read when the class is made
    for day in range(5):
        make_event(title=f"Atelier {day}", start=in_days(day + 1), rrule="FREQ=DAILY;COUNT=4")

    first, second = api.get("/api/evenements/"), api.get("/api/evenements/?page=2")
    third = api.get("/api/evenements/?page=3")

    assert titles(first) + titles(second) + titles(third) == [f"Atelier {d}" for d in range(5)]
    assert first.json()["count"] == 5


def test_events_are_in_the_openapi_schema(api):
    response = api.get("/api/schema/")

    assert response.status_code == 200
    schema = response.content.decode()
    assert "/api/evenements/" in schema
    assert "/api/evenements/{id}/annuler/" in schema
    assert "/api/evenements/{id}/dates/{occurrence_id}/participer/" in schema


# --- writing ------------------------------------------------------------------------------------


def test_visitor_cannot_propose_an_event(api, oise):
    response = api.post("/api/evenements/", payload(), format="json")

    assert response.status_code in (401, 403)
    assert not Event.objects.exists()


def test_member_without_verified_email_cannot_propose(api_as, resident):
    resident.emailaddress_set.update(verified=False)

    response = api_as(resident).post("/api/evenements/", payload(), format="json")

    assert response.status_code == 403
    assert not Event.objects.exists()


def test_resident_first_event_waits_for_review(api_as, resident):
    response = api_as(resident).post("/api/evenements/", payload(), format="json")

    assert response.status_code == 201, response.json()
    event = Event.objects.get()
    assert event.status == EventStatus.SUBMITTED
    assert event.created_by == resident
    assert response.json()["status"] == "submitted"
    assert response.json()["organiser"] == {"id": resident.pk, "name": "Camille Martin"}
    assert len(response.json()["dates"]) == 1


def test_association_manager_publishes_a_weekly_event_for_the_association(
    api_as, association_manager, association
):
    response = api_as(association_manager).post(
        "/api/evenements/",
        payload(
            organisation=association.slug,
            rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=5",
            exdates=[],
        ),
        format="json",
    )

    assert response.status_code == 201, response.json()
    event = Event.objects.get()
    assert event.status == EventStatus.PUBLISHED
    assert event.organisation == association
    assert event.occurrences.count() == 5
    assert response.json()["organisation"] == {"slug": association.slug, "name": association.name}
    assert response.json()["organiser"] is None


def test_member_can_keep_a_draft(api_as, resident):
    response = api_as(resident).post("/api/evenements/", payload(draft=True), format="json")

    assert response.status_code == 201
    assert Event.objects.get().status == EventStatus.DRAFT


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start": in_days(-2).isoformat(), "end": in_days(-2, 20).isoformat()}, "start"),
        ({"end": in_days(13).isoformat()}, "end"),
        ({"commune": "99999"}, "commune"),
        ({"category": "inconnue"}, "category"),
        ({"title": ""}, "title"),
        ({"rrule": "FREQ=NIMPORTE"}, "rrule"),
        ({"exdates": ["pas-une-date"]}, "exdates"),
        ({"accessibility": ["teleportation"]}, "accessibility"),
        ({"organisation": "inconnue"}, "organisation"),
    ],
)
def test_bad_input_answers_400_with_a_message_and_creates_nothing(
    api_as, resident, overrides, field
):
    response = api_as(resident).post("/api/evenements/", payload(**overrides), format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Event.objects.exists()


def test_member_cannot_organise_for_an_organisation_they_do_not_run(api_as, resident, association):
    response = api_as(resident).post(
        "/api/evenements/", payload(organisation=association.slug), format="json"
    )

    assert response.status_code in (400, 403)
    assert not Event.objects.exists()


def test_hostile_markdown_is_stored_as_text_and_never_rendered_raw(api_as, resident):
    response = api_as(resident).post(
        "/api/evenements/",
        payload(description="<script>alert(1)</script>[x](javascript:alert(1))"),
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["description"] == "<script>alert(1)</script>[x](javascript:alert(1))"


def test_organiser_changes_their_event(api_as, make_event, association_manager):
    event = make_event(title="Ancien titre")

    response = api_as(association_manager).patch(
        f"/api/evenements/{event.pk}/", {"title": "Nouveau titre"}, format="json"
    )

    assert response.status_code == 200, response.json()
    event.refresh_from_db()
    assert event.title == "Nouveau titre"
    assert response.json()["slug"] == "nouveau-titre"


def test_another_member_cannot_change_or_cancel_the_event(api_as, make_event, other_resident):
    event = make_event(title="Titre")
    client = api_as(other_resident)

    patch = client.patch(f"/api/evenements/{event.pk}/", {"title": "Piraté"}, format="json")
    cancel = client.post(f"/api/evenements/{event.pk}/annuler/", {"reason": "x"}, format="json")

    assert patch.status_code == 403
    assert cancel.status_code == 403
    event.refresh_from_db()
    assert (event.title, event.status) == ("Titre", EventStatus.PUBLISHED)


def test_moderator_may_change_any_event(api_as, make_event, moderator):
    event = make_event(title="Titre")

    response = api_as(moderator).patch(
        f"/api/evenements/{event.pk}/", {"venue_name": "Salle Jean Moulin"}, format="json"
    )

    assert response.status_code == 200
    event.refresh_from_db()
    assert event.venue_name == "Salle Jean Moulin"


def test_bad_change_answers_400_and_changes_nothing(api_as, make_event, association_manager):
    event = make_event(title="Titre")

    response = api_as(association_manager).patch(
        f"/api/evenements/{event.pk}/",
        {"end": (event.start - dt.timedelta(hours=1)).isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert "end" in response.json()
    old_end = event.end
    event.refresh_from_db()
    assert event.end == old_end


def test_organiser_cancels_with_a_reason_and_participants_are_told(
    api_as, make_event, association_manager, resident, django_capture_on_commit_callbacks
):
    event = make_event(title="Loto")
    occurrence = event.occurrences.get()
    Rsvp.objects.create(occurrence=occurrence, user=resident)
    client = api_as(association_manager)

    missing = client.post(f"/api/evenements/{event.pk}/annuler/", {}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/evenements/{event.pk}/annuler/", {"reason": "Salle inondée."}, format="json"
        )

    assert missing.status_code == 400
    assert "reason" in missing.json()
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancellation_reason"] == "Salle inondée."
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert [message.to for message in mail.outbox] == [[resident.email]]


def test_cancelling_a_draft_answers_400(api_as, make_event, association_manager):
    draft = make_event(status=EventStatus.DRAFT)

    response = api_as(association_manager).post(
        f"/api/evenements/{draft.pk}/annuler/", {"reason": "Finalement non."}, format="json"
    )

    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == EventStatus.DRAFT


# --- RSVP ---------------------------------------------------------------------------------------


def rsvp_url(event, occurrence):
    return f"/api/evenements/{event.pk}/dates/{occurrence.pk}/participer/"


def test_member_says_they_are_going_then_cancels(api_as, make_event, resident):
    event = make_event(capacity=10)
    occurrence = event.occurrences.get()
    client = api_as(resident)

    going = client.post(rsvp_url(event, occurrence))
    again = client.post(rsvp_url(event, occurrence))

    assert going.status_code == 201
    assert going.json() == {
        "occurrence": {
            "id": occurrence.pk,
            "start": going.json()["occurrence"]["start"],
            "end": going.json()["occurrence"]["end"],
            "participants": 1,
            "full": False,
        },
        "participating": True,
    }
    assert again.status_code == 201
    assert Rsvp.objects.filter(user=resident, occurrence=occurrence).count() == 1

    gone = client.delete(rsvp_url(event, occurrence))

    assert gone.status_code == 200
    assert gone.json()["participating"] is False
    assert gone.json()["occurrence"]["participants"] == 0
    assert not Rsvp.objects.exists()


def test_full_date_refuses_with_a_message(api_as, make_event, resident, other_resident):
    event = make_event(capacity=1)
    occurrence = event.occurrences.get()
    assert api_as(resident).post(rsvp_url(event, occurrence)).status_code == 201

    response = api_as(other_resident).post(rsvp_url(event, occurrence))

    assert response.status_code == 400
    assert response.json()
    assert Rsvp.objects.count() == 1


def test_visitor_cannot_rsvp(api, make_event):
    event = make_event()
    occurrence = event.occurrences.get()

    assert api.post(rsvp_url(event, occurrence)).status_code in (401, 403)
    assert not Rsvp.objects.exists()


def test_rsvp_to_a_cancelled_event_or_another_events_date_is_refused(api_as, make_event, resident):
    cancelled = make_event(status=EventStatus.CANCELLED, cancellation_reason="Pluie.")
    other = make_event(title="Autre")
    client = api_as(resident)

    refused = client.post(rsvp_url(cancelled, cancelled.occurrences.get()))
    mismatched = client.post(rsvp_url(other, cancelled.occurrences.get()))

    assert refused.status_code == 400
    assert mismatched.status_code == 404
    assert not Rsvp.objects.exists()


def test_rsvp_to_a_draft_of_someone_else_is_not_found(api_as, make_event, resident):
    draft = make_event(status=EventStatus.DRAFT)

    response = api_as(resident).post(rsvp_url(draft, draft.occurrences.get()))

    assert response.status_code == 404

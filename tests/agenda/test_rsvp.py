"""RSVP ("I'm going"): the services, the buttons of the event page, the participants list."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import DirectoryVisibility
from parvis.agenda.models import EventOccurrence, EventStatus, Rsvp
from parvis.agenda.services import rsvp_cancel, rsvp_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    """Assert on the English msgids, whatever the French catalogue holds."""
    settings.LANGUAGE_CODE = "en"


def rsvp_url(event):
    return reverse("agenda:event_rsvp", kwargs={"pk": event.pk, "slug": event.slug})


def participants_url(event):
    return reverse("agenda:event_participants", kwargs={"pk": event.pk, "slug": event.slug})


def first_date(event):
    return event.occurrences.order_by("start").first()


# --- Services --------------------------------------------------------------------------------


def test_member_rsvp_creates_participation_and_counts_it(make_event, resident):
    occurrence = first_date(make_event())

    rsvp = rsvp_create(occurrence=occurrence, user=resident)

    assert rsvp.user == resident
    assert occurrence.rsvp_count == 1
    assert EventOccurrence.objects.get(pk=occurrence.pk).rsvp_count == 1


def test_rsvp_twice_is_idempotent(make_event, resident):
    occurrence = first_date(make_event())

    first = rsvp_create(occurrence=occurrence, user=resident)
    second = rsvp_create(occurrence=occurrence, user=resident)

    assert first.pk == second.pk
    assert Rsvp.objects.count() == 1
    assert EventOccurrence.objects.get(pk=occurrence.pk).rsvp_count == 1


def test_rsvp_cancel_removes_participation_and_decrements(make_event, resident, other_resident):
    occurrence = first_date(make_event())
    rsvp_create(occurrence=occurrence, user=resident)
    rsvp_create(occurrence=occurrence, user=other_resident)

    assert rsvp_cancel(occurrence=occurrence, user=resident) is True
    assert rsvp_cancel(occurrence=occurrence, user=resident) is False

    assert list(Rsvp.objects.values_list("user", flat=True)) == [other_resident.pk]
    assert EventOccurrence.objects.get(pk=occurrence.pk).rsvp_count == 1


def test_full_date_refuses_new_participant(make_event, resident, other_resident, official):
    occurrence = first_date(make_event(capacity=2))
    rsvp_create(occurrence=occurrence, user=resident)
    rsvp_create(occurrence=occurrence, user=other_resident)

    with pytest.raises(ValidationError, match="This date is full"):
        rsvp_create(occurrence=occurrence, user=official)

    assert Rsvp.objects.filter(user=official).count() == 0
    assert EventOccurrence.objects.get(pk=occurrence.pk).rsvp_count == 2
    # Already going: still fine (idempotent), and a freed place can be taken.
    rsvp_create(occurrence=occurrence, user=resident)
    rsvp_cancel(occurrence=occurrence, user=other_resident)
    rsvp_create(occurrence=occurrence, user=official)
    assert EventOccurrence.objects.get(pk=occurrence.pk).rsvp_count == 2


def test_capacity_counts_each_date_separately(make_event, resident, other_resident):
    event = make_event(capacity=1, rrule="FREQ=WEEKLY;COUNT=3")
    first, second, _third = event.occurrences.order_by("start")
    rsvp_create(occurrence=first, user=resident)

    rsvp_create(occurrence=second, user=other_resident)

    with pytest.raises(ValidationError, match="full"):
        rsvp_create(occurrence=first, user=other_resident)


@pytest.mark.parametrize(
    "status",
    [EventStatus.CANCELLED, EventStatus.SUBMITTED, EventStatus.DRAFT, EventStatus.REJECTED],
)
def test_rsvp_refused_unless_published(make_event, resident, status):
    occurrence = first_date(make_event(status=status))

    with pytest.raises(ValidationError):
        rsvp_create(occurrence=occurrence, user=resident)

    assert not Rsvp.objects.exists()


def test_rsvp_refused_for_past_date(make_event, resident):
    start = timezone.now() - dt.timedelta(days=3)
    occurrence = first_date(make_event(start=start, end=start + dt.timedelta(hours=2)))

    with pytest.raises(ValidationError, match="past"):
        rsvp_create(occurrence=occurrence, user=resident)

    assert not Rsvp.objects.exists()


def test_rsvp_refused_for_member_without_verified_email(make_event, beauvais):
    unverified = UserFactory(commune=beauvais, verified_email=False)
    occurrence = first_date(make_event())

    with pytest.raises(ValidationError, match="identified"):
        rsvp_create(occurrence=occurrence, user=unverified)


def test_rsvp_refused_for_anonymous_user(make_event):
    from django.contrib.auth.models import AnonymousUser

    occurrence = first_date(make_event())

    with pytest.raises(ValidationError):
        rsvp_create(occurrence=occurrence, user=AnonymousUser())


def test_participant_of_cancelled_event_may_still_withdraw(make_event, resident):
    event = make_event()
    occurrence = first_date(event)
    rsvp_create(occurrence=occurrence, user=resident)
    event.status = EventStatus.CANCELLED
    event.save(update_fields=["status"])

    assert rsvp_cancel(occurrence=occurrence, user=resident) is True
    assert EventOccurrence.objects.get(pk=occurrence.pk).rsvp_count == 0


# --- The buttons of the event page -----------------------------------------------------------


def test_member_says_im_going_from_the_event_page(make_event, resident, login):
    event = make_event()
    occurrence = first_date(event)
    client = login(resident)

    page = client.get(event.get_absolute_url())
    assert "I&#x27;m going" in page.content.decode() or "I'm going" in page.content.decode()

    response = client.post(rsvp_url(event), {"occurrence": occurrence.pk}, follow=True)

    assert response.redirect_chain[-1][0] == event.get_absolute_url()
    assert Rsvp.objects.filter(occurrence=occurrence, user=resident).exists()
    assert "Cancel my participation" in response.content.decode()


def test_member_cancels_participation_from_the_event_page(make_event, resident, login):
    event = make_event()
    occurrence = first_date(event)
    rsvp_create(occurrence=occurrence, user=resident)
    client = login(resident)

    client.post(rsvp_url(event), {"occurrence": occurrence.pk, "action": "cancel"})

    assert not Rsvp.objects.exists()
    assert EventOccurrence.objects.get(pk=occurrence.pk).rsvp_count == 0


def test_visitor_is_asked_to_log_in(make_event, visitor):
    event = make_event()
    occurrence = first_date(event)

    page = visitor.get(event.get_absolute_url()).content.decode()
    assert "Log in to take part" in page
    assert f"?next={event.get_absolute_url().replace('/', '%2F')}" in page

    response = visitor.post(rsvp_url(event), {"occurrence": occurrence.pk})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Rsvp.objects.exists()


def test_full_date_shows_full_and_no_button(make_event, resident, other_resident, login):
    event = make_event(capacity=1)
    rsvp_create(occurrence=first_date(event), user=other_resident)

    page = login(resident).get(event.get_absolute_url()).content.decode()

    assert "Full" in page
    assert 'name="occurrence"' not in page


def test_places_left_are_shown(make_event, resident):
    event = make_event(capacity=5)
    rsvp_create(occurrence=first_date(event), user=resident)

    from django.test import Client

    page = Client().get(event.get_absolute_url()).content.decode()

    assert "4 places left" in page


def test_posting_to_a_full_date_shows_message_and_changes_nothing(
    make_event, resident, other_resident, login
):
    event = make_event(capacity=1)
    occurrence = first_date(event)
    rsvp_create(occurrence=occurrence, user=other_resident)

    response = login(resident).post(rsvp_url(event), {"occurrence": occurrence.pk}, follow=True)

    assert response.status_code == 200
    assert "This date is full" in response.content.decode()
    assert not Rsvp.objects.filter(user=resident).exists()


@pytest.mark.parametrize("value", ["", "abc", "999999", "-1"])
def test_bad_occurrence_answers_a_message(make_event, resident, login, value):
    event = make_event()

    response = login(resident).post(rsvp_url(event), {"occurrence": value}, follow=True)

    assert response.status_code == 200
    assert "Choose one of the dates of this event." in response.content.decode()
    assert not Rsvp.objects.exists()


def test_occurrence_of_another_event_is_refused(make_event, resident, login):
    event = make_event()
    other = make_event(title="Autre")

    login(resident).post(rsvp_url(event), {"occurrence": first_date(other).pk})

    assert not Rsvp.objects.exists()


def test_rsvp_on_cancelled_event_from_page_is_refused(make_event, resident, login):
    event = make_event(status=EventStatus.CANCELLED, cancellation_reason="Pluie")

    page = login(resident).get(event.get_absolute_url()).content.decode()
    assert "I&#x27;m going" not in page

    response = login(resident).post(
        rsvp_url(event), {"occurrence": first_date(event).pk}, follow=True
    )

    assert "This event is cancelled." in response.content.decode()
    assert not Rsvp.objects.exists()


def test_rsvp_on_invisible_event_answers_404(make_event, other_resident, login):
    event = make_event(status=EventStatus.SUBMITTED)

    response = login(other_resident).post(rsvp_url(event), {"occurrence": first_date(event).pk})

    assert response.status_code == 404


def test_rsvp_view_refuses_get(make_event, resident, login):
    assert login(resident).get(rsvp_url(make_event())).status_code == 405


# --- The participants list -------------------------------------------------------------------


def test_organiser_sees_participants_per_date(
    make_event, association_manager, resident, other_resident, login
):
    event = make_event(rrule="FREQ=WEEKLY;COUNT=2")
    first, second = event.occurrences.order_by("start")
    rsvp_create(occurrence=first, user=resident)
    rsvp_create(occurrence=second, user=other_resident)

    response = login(association_manager).get(participants_url(event))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Camille Martin" in page
    assert "Hugo Lefebvre" in page
    assert page.index("Camille Martin") < page.index("Hugo Lefebvre")


def test_participant_names_link_to_profile_only_when_visible(
    make_event, association_manager, resident, other_resident, login
):
    resident.directory_visibility = DirectoryVisibility.HIDDEN
    resident.save(update_fields=["directory_visibility"])
    occurrence = first_date(make_event())
    rsvp_create(occurrence=occurrence, user=resident)
    rsvp_create(occurrence=occurrence, user=other_resident)

    page = login(association_manager).get(participants_url(occurrence.event)).content.decode()

    assert resident.get_absolute_url() not in page
    assert other_resident.get_absolute_url() in page


def test_organisation_team_member_sees_participants(
    make_event, association, association_manager, official, login
):
    from tests.factories import MembershipFactory

    editor = UserFactory(commune=association.commune)
    MembershipFactory(organisation=association, user=editor, role="editor")
    event = make_event(created_by=association_manager, organisation=association)

    assert login(editor).get(participants_url(event)).status_code == 200


def test_moderator_sees_participants(make_event, moderator, login):
    assert login(moderator).get(participants_url(make_event())).status_code == 200


@pytest.mark.parametrize("persona", ["resident", "other_resident", "official"])
def test_other_members_cannot_see_participants(make_event, persona, request, login):
    event = make_event()

    response = login(request.getfixturevalue(persona)).get(participants_url(event))

    assert response.status_code == 404


def test_visitor_cannot_see_participants(make_event, visitor):
    assert visitor.get(participants_url(make_event())).status_code == 404


def test_participants_link_shown_to_organiser_only(
    make_event, association_manager, resident, login
):
    event = make_event()
    url = participants_url(event)

    assert url in login(association_manager).get(event.get_absolute_url()).content.decode()
    assert url not in login(resident).get(event.get_absolute_url()).content.decode()


def test_participants_page_with_wrong_slug_redirects(make_event, association_manager, login):
    event = make_event()
    url = reverse("agenda:event_participants", kwargs={"pk": event.pk, "slug": "autre"})

    response = login(association_manager).get(url)

    assert response.status_code == 301
    assert response.url == participants_url(event)


def _add_participants(occurrence, count):
    users = [UserFactory(commune=occurrence.event.commune) for _ in range(count)]
    Rsvp.objects.bulk_create([Rsvp(occurrence=occurrence, user=u) for u in users])
    EventOccurrence.objects.filter(pk=occurrence.pk).update(rsvp_count=count)


def test_participants_page_query_count_does_not_grow(
    make_event, association_manager, login, django_assert_max_num_queries
):
    event = make_event(rrule="FREQ=WEEKLY;COUNT=4")
    client = login(association_manager)
    client.get(event.get_absolute_url())  # the first request of a session records it
    dates = list(event.occurrences.order_by("start"))
    _add_participants(dates[0], 1)
    with django_assert_max_num_queries(12):
        assert client.get(participants_url(event)).status_code == 200

    for occurrence in dates:
        _add_participants(occurrence, 6)
    with django_assert_max_num_queries(12):
        response = client.get(participants_url(event))
    assert response.content.decode().count("<li>") >= 24


def test_event_page_query_count_does_not_grow_with_dates_or_participants(
    make_event, resident, login, django_assert_max_num_queries
):
    small = make_event()
    big = make_event(rrule="FREQ=WEEKLY;COUNT=30", capacity=100)
    for occurrence in big.occurrences.order_by("start")[:12]:
        _add_participants(occurrence, 3)
    rsvp_create(occurrence=first_date(big), user=resident)
    client = login(resident)
    client.get(small.get_absolute_url())  # the first request of a session records it

    with django_assert_max_num_queries(14):
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(big.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(big.get_absolute_url() + "?dates=toutes").status_code == 200


def test_rsvp_with_htmx_answers_the_dates_block_and_without_a_redirect(make_event, resident, login):
    event = make_event()
    occurrence = first_date(event)
    client = login(resident)

    swapped = client.post(rsvp_url(event), {"occurrence": occurrence.pk}, HTTP_HX_REQUEST="true")
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert '<section aria-labelledby="dates-title" id="event-dates">' in html
    assert "You are going" in html and "Cancel my participation" in html
    assert "You take part on" in html  # for the live region
    assert Rsvp.objects.filter(occurrence=occurrence, user=resident).exists()

    plain = client.post(rsvp_url(event), {"occurrence": occurrence.pk, "action": "cancel"})
    assert plain.status_code == 302 and plain["Location"] == event.get_absolute_url()
    assert not Rsvp.objects.filter(occurrence=occurrence, user=resident).exists()

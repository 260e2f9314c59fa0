"""New accounts' posting allowance, and links from a member's first days waiting for review."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from parvis.agenda.models import Category, Event, EventStatus
from parvis.agenda.services import event_create
from parvis.moderation.safeguards import (
    check_posting_allowed,
    count_links,
    is_new_account,
    needs_review,
)

from ..agenda.test_forms import form_data
from ..factories import MembershipFactory

LINKS = "See https://a.example, https://b.example/x and www.c.example for more."


def _data(commune, title="Atelier vélo", description="Réparer son vélo.", organisation=None):
    start = timezone.now() + dt.timedelta(days=20)
    return {
        "title": title,
        "description": description,
        "category": Category.objects.get(slug="culture"),
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "venue_name": "Garage",
        "address": "2 rue de la Gare",
        "commune": commune,
        "organisation": organisation,
    }


def _age(user, days):
    user.date_joined = timezone.now() - dt.timedelta(days=days)
    user.save(update_fields=["date_joined"])


def test_new_account_is_a_setting(settings, resident):
    assert is_new_account(resident)
    _age(resident, 8)
    assert not is_new_account(resident)
    settings.PARVIS_NEW_ACCOUNT_DAYS = 30
    assert is_new_account(resident)


def test_staff_are_never_new_accounts(moderator):
    assert not is_new_account(moderator)


def test_new_account_posts_a_limited_number_of_items_a_day(settings, resident, beauvais):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 2
    for number in range(2):
        event_create(author=resident, data=_data(beauvais, title=f"Atelier {number}"))
    with pytest.raises(ValidationError, match="Your account is new"):
        event_create(author=resident, data=_data(beauvais, title="Atelier 3"))
    assert Event.objects.filter(created_by=resident).count() == 2


def test_the_allowance_is_per_kind(settings, resident):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 1
    check_posting_allowed(resident, "event")
    check_posting_allowed(resident, "message")
    with pytest.raises(ValidationError):
        check_posting_allowed(resident, "event")


def test_older_accounts_have_no_allowance(settings, resident, beauvais):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 1
    _age(resident, 30)
    for _number in range(3):
        check_posting_allowed(resident, "event")


def test_invalid_events_do_not_use_the_allowance(settings, resident, beauvais):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 1
    bad = _data(beauvais)
    bad["end"] = bad["start"] - dt.timedelta(hours=1)
    with pytest.raises(ValidationError, match="end must not be before"):
        event_create(author=resident, data=bad)
    event_create(author=resident, data=_data(beauvais))


def test_event_page_form_shows_the_allowance_message(settings, login, resident, beauvais):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 0
    response = login(resident).post("/agenda/proposer/", form_data())
    assert response.status_code == 200
    assert "Your account is new" in response.content.decode()
    assert not Event.objects.exists()


def test_links_are_counted():
    assert count_links("") == 0
    assert count_links(LINKS) == 3
    assert count_links("[our site](https://asso.example/page)") == 1


def test_many_links_from_a_new_account_need_review(settings, resident):
    assert needs_review(resident, LINKS)
    assert not needs_review(resident, "https://one.example")
    _age(resident, 30)
    assert not needs_review(resident, LINKS)
    settings.PARVIS_NEW_ACCOUNT_MAX_LINKS = 10
    _age(resident, 0)
    assert not needs_review(resident, LINKS)


def test_event_with_many_links_from_a_new_account_waits_in_the_queue(
    association, association_manager, beauvais
):
    # A verified organisation's events publish at once, unless they need review.
    plain = event_create(author=association_manager, data=_data(beauvais, organisation=association))
    assert plain.status == EventStatus.PUBLISHED
    linked = event_create(
        author=association_manager,
        data=_data(beauvais, title="Promo", description=LINKS, organisation=association),
    )
    assert linked.status == EventStatus.SUBMITTED


def test_old_accounts_publish_links_at_once(association, association_manager, beauvais):
    _age(association_manager, 60)
    linked = event_create(
        author=association_manager,
        data=_data(beauvais, title="Liens", description=LINKS, organisation=association),
    )
    assert linked.status == EventStatus.PUBLISHED


def test_other_team_members_are_unaffected(association, beauvais, other_resident):
    MembershipFactory(organisation=association, user=other_resident)
    _age(other_resident, 60)
    event = event_create(
        author=other_resident,
        data=_data(beauvais, description=LINKS, organisation=association),
    )
    assert event.status == EventStatus.PUBLISHED

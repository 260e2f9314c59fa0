"""A hidden item is replaced by a notice for everyone but staff and its author, and left out of
lists, feeds, the directory and the API."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from parvis.accounts.models import DirectoryVisibility
from parvis.agenda.models import Event, EventOccurrence
from parvis.agenda.selectors import events_visible_to, public_occurrences
from parvis.moderation.models import ModerationCase
from parvis.moderation.selectors import annotate_hidden, exclude_hidden, hidden_from, visible
from parvis.organisations.selectors import organisations_visible_to

from ..agenda.conftest import create_event

NOTICE = "This content was hidden by moderation"


@pytest.fixture
def hide(other_resident, moderator, report, decide):
    """``hide(item)``: reported, then hidden by a moderator's decision."""

    def make(item):
        report(other_resident, item, reason="harassment", details="Insults")
        case = ModerationCase.objects.get(
            object_id=item.pk, content_type__model=item._meta.model_name
        )
        return decide(case, moderator, "hide", ground="harassment", facts="Insults.")

    return make


def test_hidden_event_page_shows_the_notice_to_visitors_and_other_members(
    visitor, login, event, hide, other_resident
):
    hide(event)
    for client in (visitor, login(other_resident)):
        response = client.get(event.get_absolute_url())
        assert response.status_code == 200
        page = response.content.decode()
        assert NOTICE in page and "Fête des voisins" not in page
        assert 'content="noindex"' in page


def test_author_and_staff_still_see_a_hidden_event_with_a_banner(
    client, event, hide, resident, moderator, login
):
    hide(event)
    for user in (resident, moderator):
        client = login(user)
        page = client.get(event.get_absolute_url()).content.decode()
        assert "Fête des voisins" in page
        assert "Only its author and the moderators can see it." in page


def test_hidden_event_leaves_the_agenda_feeds_and_api(visitor, event, hide, resident, beauvais):
    other = create_event(created_by=resident, commune=beauvais, title="Marché de Noël")
    hide(event)
    listing = visitor.get("/agenda/").content.decode()
    assert "Marché de Noël" in listing and "Fête des voisins" not in listing
    feed = b"".join(visitor.get("/agenda/flux.ics").streaming_content).decode()
    assert "Marché de Noël" in feed and "Fête des voisins" not in feed
    assert visitor.get(f"/agenda/{event.pk}-{event.slug}.ics").status_code == 404
    api = visitor.get("/api/evenements/").json()
    titles = [item["title"] for item in api["results"]]
    assert titles == ["Marché de Noël"]
    assert visitor.get(f"/api/evenements/{event.pk}/").status_code == 404
    assert visitor.get(f"/api/evenements/{other.pk}/").status_code == 200


def test_selectors_keep_hidden_items_for_staff_and_authors(event, hide, resident, other_resident,
                                                           moderator):  # fmt: skip
    hide(event)
    assert event not in events_visible_to(other_resident)
    assert event in events_visible_to(resident)
    assert event in events_visible_to(moderator)
    assert not public_occurrences().filter(event=event).exists()
    assert list(exclude_hidden(Event.objects.all())) == []
    assert list(visible(EventOccurrence.objects.all(), resident, "event"))
    assert not list(visible(EventOccurrence.objects.all(), other_resident, "event"))
    assert annotate_hidden(Event.objects.all()).get().moderation_hidden is True
    assert hidden_from(event, other_resident) and not hidden_from(event, resident)


def test_restored_event_is_back_everywhere(visitor, event, hide, second_moderator, decide):
    decision = hide(event)
    decide(decision.case, second_moderator, "restore", ground="no_breach", facts="Edited.")
    assert "Fête des voisins" in visitor.get("/agenda/").content.decode()
    assert "Fête des voisins" in visitor.get(event.get_absolute_url()).content.decode()


def test_hidden_profile_shows_the_notice_and_leaves_the_directory(
    client, login, resident, hide, other_resident
):
    resident.directory_visibility = DirectoryVisibility.PUBLIC
    resident.bio = "Insults"
    resident.save(update_fields=["directory_visibility", "bio"])
    hide(resident)
    page = client.get(resident.get_absolute_url()).content.decode()
    assert NOTICE in page and "Insults" not in page
    assert "Camille Martin" not in client.get("/annuaire/").content.decode()
    own = login(resident).get(resident.get_absolute_url()).content.decode()
    assert "Insults" in own and "Only its author and the moderators" in own


def test_hidden_organisation_shows_the_notice_except_to_its_team(
    client, login, association, association_manager, hide, other_resident
):
    hide(association)
    assert NOTICE in client.get(association.get_absolute_url()).content.decode()
    assert association not in organisations_visible_to(other_resident)
    assert association in organisations_visible_to(association_manager)
    page = login(association_manager).get(association.get_absolute_url()).content.decode()
    assert "Les Amis du Beauvaisis" in page and "Only its author and the moderators" in page


def test_hidden_item_cannot_be_reported_again_by_others(login, event, hide, members):
    hide(event)
    (member,) = members(1)
    response = login(member).get(f"/moderation/signaler/agenda.event/{event.pk}/")
    assert response.status_code == 404


def test_hidden_for_filter_uses_the_annotation(event, hide, resident, other_resident, moderator):
    hide(event)
    annotated = annotate_hidden(Event.objects.all()).get()
    template = Template(
        "{% load moderation %}{% if item|hidden_for:user %}"
        '{% include "moderation/_hidden_notice.html" %}{% else %}{{ item.title }}{% endif %}'
    )
    request = RequestFactory().get("/")
    for user, expected in ((other_resident, NOTICE), (resident, "Fête"), (moderator, "Fête")):
        request.user = user
        assert expected in template.render(Context({"item": annotated, "user": user}))

"""In place with htmx (strict CSP), checked by axe-core: a member moves through the agenda's
month view and filters it without the page loading again, and accepts a group invitation
from "My group invitations". Screenshots at 390x844 go to /tmp/in-place-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parvis.groups import services as groups
from parvis.groups.models import JoinPolicy, Membership

from ..agenda.conftest import PARIS, create_event
from ..groups.conftest import create_group
from .test_journey_comments_follows import PHONE, log_in, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FRENCH_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def test_member_browses_the_month_view_and_filters_it_in_place(
    live_server, page, assert_accessible, oise
):
    organiser = person(oise, "lea.dubois@example.org", "Léa", "Dubois")
    resident = person(oise, "camille.martin@example.org", "Camille", "Martin")
    first_next = (timezone.localdate().replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    start = dt.datetime.combine(first_next + dt.timedelta(days=9), dt.time(18), tzinfo=PARIS)
    create_event(created_by=organiser, commune=oise["beauvais"], start=start, is_free=True)
    create_event(
        created_by=organiser,
        commune=oise["beauvais"],
        start=start,
        title="Gala payant",
        is_free=False,
        price="10 €",
    )
    page.set_viewport_size(PHONE)
    log_in(page, live_server, resident.email)
    page.goto(f"{live_server.url}/agenda/mois/")
    assert_accessible(page)
    page.evaluate("window.parvisSamePage = true")

    # The next month: the heading, the grid, the address and the title change in place; the
    # focus stays on the link (pressing it again goes on), the live region names the month.
    following = page.locator("#agenda-next")
    following.click()
    month = f"{first_next:%Y-%m}"
    page.wait_for_url(f"**/agenda/mois/{month}/")
    name = f"{FRENCH_MONTHS[first_next.month - 1]} {first_next.year}"
    expect(page.locator("h1")).to_have_text(f"Agenda : {name}")
    expect(page.locator(".agenda-month")).to_contain_text("Concert de l'harmonie")
    expect(page.locator(".agenda-month")).to_contain_text("Gala payant")
    expect(page.locator("#agenda-next")).to_be_focused()
    expect(page.locator("#live-status")).to_have_text(f"Agenda : {name}")
    assert page.evaluate("window.parvisSamePage") is True
    assert page.title().startswith(name.capitalize())

    # A filter: the free events only, in place; the address keeps it (shareable).
    page.locator(".filter-panel summary").click()
    page.locator("#id_free").check()
    expect(page.locator(".agenda-month")).not_to_contain_text("Gala payant")
    expect(page.locator(".agenda-month")).to_contain_text("Concert de l'harmonie")
    assert "free=on" in page.url or "free=1" in page.url
    expect(page.locator(".filter-panel")).to_have_attribute("open", "")
    expect(page.locator("#id_free")).to_be_focused()
    assert page.evaluate("window.parvisSamePage") is True
    assert_accessible(page)
    page.screenshot(path="/tmp/in-place-month.png", full_page=True)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_member_accepts_a_group_invitation_in_place(live_server, page, assert_accessible, oise):
    owner = person(oise, "lea.dubois@example.org", "Léa", "Dubois")
    resident = person(oise, "camille.martin@example.org", "Camille", "Martin")
    group = create_group(owner, name="Atelier vélo", join_policy=JoinPolicy.INVITATION)
    groups.invitation_create(group=group, inviter=owner, invitee=resident)
    page.set_viewport_size(PHONE)
    log_in(page, live_server, resident.email)
    page.goto(f"{live_server.url}/groupes/invitations/")
    assert_accessible(page)
    page.evaluate("window.parvisSamePage = true")

    page.get_by_role("button", name="Accepter — Atelier vélo").click()
    card = page.locator("main .cards .card")
    expect(card).to_contain_text("Vous avez rejoint Atelier vélo.")
    expect(card).to_be_focused()
    expect(card.get_by_role("button")).to_have_count(0)
    expect(page.locator("#live-status")).to_have_text("Bienvenue dans le groupe !")
    assert page.evaluate("window.parvisSamePage") is True
    assert Membership.objects.filter(group=group, user=resident).exists()
    assert_accessible(page)
    card.get_by_role("link", name="Ouvrir le groupe").click()
    page.wait_for_url(f"**{group.get_absolute_url()}")
    page.screenshot(path="/tmp/in-place-invitation.png", full_page=True)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_member_filters_the_groups_in_place(live_server, page, assert_accessible, oise):
    owner = person(oise, "lea.dubois@example.org", "Léa", "Dubois")
    create_group(owner, name="Atelier vélo", description="Réparer son vélo ensemble.")
    create_group(owner, name="Jardin partagé", description="Des légumes au pied des immeubles.")
    page.set_viewport_size(PHONE)
    log_in(page, live_server, owner.email)
    page.goto(f"{live_server.url}/groupes/")
    page.evaluate("window.parvisSamePage = true")

    # Words typed and sent: the results change in place, the address keeps the search, the
    # focus stays on the button pressed and the number of groups found is announced.
    # The groups come first on the phone, the filters one tap away.
    search = page.locator("#group-filters").get_by_role("searchbox")
    expect(search).to_be_hidden()
    assert page.locator("#group-results .card").first.bounding_box()["y"] < PHONE["height"]
    page.locator(".filter-panel summary").click()
    search.fill("légumes")
    page.locator("#group-filters").get_by_role("button", name="Rechercher").click()
    results = page.locator("#group-results")
    expect(results).not_to_contain_text("Atelier vélo")
    expect(results).to_contain_text("Jardin partagé")
    expect(page.locator("#live-status")).to_have_text("1 groupe")
    assert "q=l%C3%A9gumes" in page.url or "q=légumes" in page.url
    assert page.evaluate("window.parvisSamePage") is True
    assert_accessible(page)
    page.screenshot(path="/tmp/in-place-groups.png", full_page=True)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors

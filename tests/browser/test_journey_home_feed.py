"""A new member's first visit to their home on a phone, with axe-core on each page: the
first-week checklist, the composer ("Quoi de neuf ?") with the new account's daily allowance,
a message posted to one of their groups that shows at the top of their feed. Screenshots at
390x844 and 1366x900 go to /tmp/home-feed-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parvis.groups import services as group_services
from parvis.groups.models import Thread

from ..factories import PASSWORD, UserFactory
from ..groups.conftest import add_member, create_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def test_a_new_member_posts_from_the_composer_and_sees_it_in_their_feed(
    live_server, page, assert_accessible, oise
):
    neighbour = UserFactory(
        email="hugo.lefebvre@example.org",
        first_name="Hugo",
        last_name="Lefebvre",
        commune=oise["beauvais"],
        date_joined=timezone.now() - dt.timedelta(days=90),
    )
    member = UserFactory(
        email="camille.martin@example.org",
        first_name="Camille",
        last_name="Martin",
        commune=oise["beauvais"],
    )  # joined today
    group = create_group(neighbour, name="Jardins partagés du Beauvaisis")
    add_member(group, member)
    thread = group_services.thread_create(
        group=group, author=neighbour, title="Semis", body="Qui sème quoi ?"
    )
    for number in range(10):  # more than a page of feed: "See more of your feed"
        group_services.message_post(thread=thread, author=neighbour, body=f"Graine {number}")
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/compte/login/")
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")

    # The first steps: the commune given at sign-up and the group joined are ticked.
    checklist = page.locator("section[aria-labelledby=checklist-title]")
    expect(checklist.get_by_role("heading", name="Vos premiers pas")).to_be_visible()
    expect(checklist.get_by_text("2 sur 5")).to_be_visible()
    expect(checklist.get_by_role("link", name="Ajoutez une photo à votre profil")).to_be_visible()
    # The composer announces the allowance of a new account.
    composer = page.locator("section[aria-labelledby=composer-title]")
    expect(composer.get_by_text("il vous reste 5 contributions aujourd'hui")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="/tmp/home-feed-phone-before.png", full_page=True)

    composer.get_by_label("Quoi de neuf ?").fill(
        "Qui a une grelinette à prêter samedi ?\nJe la rends dimanche."
    )
    composer.get_by_label("Dans le groupe").select_option(label=group.name)
    composer.get_by_role("button", name="Publier").click()
    page.wait_for_url(live_server.url + "/")
    expect(
        page.get_by_text("Votre message est publié dans le groupe Jardins partagés du Beauvaisis.")
    ).to_be_visible()
    assert Thread.objects.filter(group=group, author=member).count() == 1

    # At the top of the feed, with the member's face and the group's name.
    first = page.locator(".feed-item").first
    expect(first.get_by_text("Qui a une grelinette à prêter samedi ?").first).to_be_visible()
    expect(
        first.get_by_text("a ouvert une discussion dans le groupe Jardins partagés du Beauvaisis")
    ).to_be_visible()
    assert first.locator(".avatar").count() == 1
    expect(
        page.locator("section[aria-labelledby=composer-title]").get_by_text(
            "il vous reste 4 contributions aujourd'hui"
        )
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    page.screenshot(path="/tmp/home-feed-phone-after.png", full_page=True)

    page.set_viewport_size(DESKTOP)
    page.reload()
    assert_accessible(page)
    page.screenshot(path="/tmp/home-feed-desktop.png", full_page=True)

    # The checklist can be hidden (a form: no JavaScript needed).
    page.locator("section[aria-labelledby=checklist-title]").get_by_role(
        "button", name="Masquer cette liste"
    ).click()
    page.wait_for_url(live_server.url + "/")
    assert page.locator("section[aria-labelledby=checklist-title]").count() == 0
    # "See more of your feed" appends the next items in place (htmx); the focus goes to the
    # first of them.
    page.evaluate("window.parvisSamePage = true")
    shown = page.locator(".feed-item").count()
    page.get_by_role("link", name="Voir la suite de votre fil").click()
    expect(page.locator(".feed-list")).to_have_count(2)
    assert page.locator(".feed-item").count() > shown
    expect(page.locator(".feed-list").last.locator(".feed-card").first).to_be_focused()
    expect(page.locator("#live-status")).to_contain_text("de plus")
    assert page.evaluate("window.parvisSamePage") is True
    assert_accessible(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors

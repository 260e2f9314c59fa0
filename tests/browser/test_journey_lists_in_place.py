"""In place with htmx (strict CSP), checked by axe-core at 390x844: a member changes the
information's commune (the heading, the follow control and the posts change together), turns
to the next page of their notifications, switches the agenda from the month to the list, and
changes the questions' status tab and theme, without the page loading again. Screenshots go
to /tmp/in-place-*.png."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parvis.news.models import Category
from parvis.notifications.models import Notification
from parvis.questions.models import Question, QuestionStatus, Theme

from ..news.conftest import create_post
from .test_journey_comments_follows import PHONE, log_in, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_changes_the_informations_commune_in_place(
    live_server, page, assert_accessible, oise
):
    author = person(oise, "lea.dubois@example.org", "Léa", "Dubois")
    resident = person(oise, "camille.martin@example.org", "Camille", "Martin")
    category, _ = Category.objects.get_or_create(slug="vie-locale", defaults={"name": "Vie locale"})
    create_post(
        author=author,
        category=category,
        title="Marché de Noël de Compiègne",
        audience=(oise["compiegne"],),
    )
    page.set_viewport_size(PHONE)
    log_in(page, live_server, resident.email)
    page.goto(f"{live_server.url}/actualites/")
    assert_accessible(page)
    page.evaluate("window.parvisSamePage = true")

    # Another commune: the page's subject changes in place (heading, title, follow control,
    # posts); the address keeps it; the focus stays on the field; the heading is announced.
    field = page.locator("#id_commune")
    field.fill("Compiègne")
    field.press("Enter")
    expect(page.locator("h1")).to_have_text("Actualités pour Compiègne")
    expect(page.locator("#news-results")).to_contain_text("Marché de Noël de Compiègne")
    expect(page.locator(".follow-row").get_by_role("button")).to_contain_text("Suivre")
    expect(page.locator("#live-status")).to_have_text("Actualités pour Compiègne")
    expect(page.get_by_role("link", name="Flux RSS pour Compiègne")).to_be_visible()
    expect(page.locator("#id_commune")).to_be_focused()
    assert "commune=" in page.url
    assert page.title().startswith("Actualités pour Compiègne")
    assert page.evaluate("window.parvisSamePage") is True
    assert_accessible(page)
    page.screenshot(path="/tmp/in-place-news.png", full_page=True)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_member_turns_to_the_next_page_of_notifications_in_place(
    live_server, page, assert_accessible, oise, monkeypatch
):
    monkeypatch.setattr("parvis.notifications.views.PAGE_SIZE", 1)
    resident = person(oise, "camille.martin@example.org", "Camille", "Martin")
    for expires in ("demain", "lundi"):
        Notification.objects.create(
            recipient=resident, type_key="privacy.export_ready", params={"expires": expires}
        )
    page.set_viewport_size(PHONE)
    log_in(page, live_server, resident.email)
    page.goto(f"{live_server.url}/notifications/")
    page.evaluate("window.parvisSamePage = true")

    page.get_by_role("link", name="Page suivante").click()
    page.wait_for_url("**/notifications/?page=2")
    results = page.locator("#notification-results")
    expect(results).to_be_focused()
    expect(results.locator("li.notification")).to_have_count(1)
    expect(page.locator("#live-status")).to_have_text("Page 2 sur 2")
    expect(page.get_by_role("link", name="Page précédente")).to_be_visible()
    assert page.evaluate("window.parvisSamePage") is True
    assert_accessible(page)
    page.screenshot(path="/tmp/in-place-notifications.png", full_page=True)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_member_switches_the_agenda_from_month_to_week_in_place_and_back_to_the_list(
    live_server, page, assert_accessible, oise
):
    resident = person(oise, "camille.martin@example.org", "Camille", "Martin")
    page.set_viewport_size(PHONE)
    log_in(page, live_server, resident.email)
    page.goto(f"{live_server.url}/agenda/mois/")
    page.evaluate("window.parvisSamePage = true")

    page.locator("#agenda-view-week").click()
    page.wait_for_url("**/agenda/semaine/**")
    expect(page.locator(".agenda-week")).to_have_count(1)
    expect(page.locator("#agenda-view-week")).to_have_attribute("aria-current", "page")
    expect(page.locator("#agenda-view-week")).to_be_focused()
    expect(page.locator(".agenda-month")).to_have_count(0)
    assert page.evaluate("window.parvisSamePage") is True
    assert_accessible(page)

    # The list loads its page, with the map's and "Around me"'s scripts.
    page.locator("#agenda-view-list").click()
    page.wait_for_url("**/agenda/")
    expect(page.locator("h1")).to_have_text("Agenda")
    expect(page.locator("#agenda-view-list")).to_have_attribute("aria-current", "page")
    assert page.evaluate("window.parvisSamePage") is None
    assert_accessible(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_member_changes_the_questions_status_tab_and_theme_in_place(
    live_server, page, assert_accessible, oise
):
    resident = person(oise, "camille.martin@example.org", "Camille", "Martin")
    for title, theme, status in (
        ("Quand la rue Gambetta sera-t-elle refaite ?", Theme.ROADS, QuestionStatus.PUBLISHED),
        ("Pourquoi la piscine ferme-t-elle en août ?", Theme.CULTURE, QuestionStatus.PUBLISHED),
        ("Qui répare l'éclairage du parc ?", Theme.TOWN, QuestionStatus.ANSWERED),
    ):
        Question.objects.create(
            author=resident,
            commune=oise["beauvais"],
            theme=theme,
            title=title,
            body="Les habitants du quartier attendent une réponse depuis l'automne.",
            status=status,
            published_at=timezone.now(),
        )
    page.set_viewport_size(PHONE)
    log_in(page, live_server, resident.email)
    page.goto(f"{live_server.url}/questions/")
    page.evaluate("window.parvisSamePage = true")
    results = page.locator("#question-results")
    expect(results.locator("li.card")).to_have_count(3)

    # A status tab: the list, the tabs and the filter's hidden status change in place; the
    # focus stays on the tab; the number found is announced; the address keeps the status.
    page.locator("#question-status-publiees").click()
    page.wait_for_url("**/questions/?statut=publiees")
    expect(results.locator("li.card")).to_have_count(2)
    expect(page.locator("#question-status-publiees")).to_have_attribute("aria-current", "page")
    expect(page.locator("#question-status-publiees")).to_be_focused()
    expect(page.locator("#live-status")).to_have_text("2 questions")

    # The theme: chosen, the list changes at once (no button), the status is kept.
    page.get_by_text("Filtrer par thème").click()
    page.locator("#id_theme").focus()  # chosen with the keyboard (or a phone's picker)
    page.locator("#id_theme").select_option("culture")
    page.wait_for_url("**/questions/?statut=publiees&theme=culture")
    expect(results.locator("li.card")).to_have_count(1)
    expect(results).to_contain_text("la piscine")
    expect(page.locator("#id_theme")).to_be_focused()
    expect(page.locator("#live-status")).to_have_text("1 question")
    assert page.title().startswith("Questions aux élus")
    assert page.evaluate("window.parvisSamePage") is True
    assert_accessible(page)
    page.screenshot(path="/tmp/in-place-questions.png", full_page=True)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors

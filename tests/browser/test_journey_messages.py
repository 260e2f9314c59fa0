"""Key journey of the private messages: a resident writes to an association from its page, a
manager answers as the association, the resident sees the unread badge and the answer — with
axe-core checking every page visited, on a phone's screen (390×844)."""

import re

import pytest

from parvis.conversations.models import Message

from ..factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")


def shot(page, name):
    page.screenshot(path=f"/tmp/messages-{name}.png", full_page=True)


def test_resident_writes_to_an_association_and_gets_its_answer(
    live_server, browser, page, assert_accessible, oise, settings
):
    settings.PARVIS_NEW_ACCOUNT_DAYS = 0
    resident = UserFactory(
        email="camille.martin@example.org",
        first_name="Camille",
        last_name="Martin",
        commune=oise["beauvais"],
    )
    manager = UserFactory(
        email="lea.dubois@example.org",
        first_name="Léa",
        last_name="Dubois",
        commune=oise["beauvais"],
    )
    association = OrganisationFactory(
        name="Les Jardins partagés de Beauvais",
        slug="jardins-partages-beauvais",
        commune=oise["beauvais"],
    )
    MembershipFactory(organisation=association, user=manager)
    page.set_viewport_size(PHONE)

    # The resident finds the association and writes to it.
    log_in(page, live_server, resident.email)
    page.goto(f"{live_server.url}{association.get_absolute_url()}")
    assert_accessible(page)
    page.get_by_role("link", name="Contacter l’association").click()
    page.wait_for_url(re.compile(r"/messages/association/jardins-partages-beauvais/$"))
    assert_accessible(page)
    page.fill("input[name=subject]", "Une parcelle pour ma famille")
    page.fill("textarea[name=body]", "Bonjour, reste-t-il une parcelle libre ce printemps ?")
    shot(page, "1-write")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/messages/\d+/$"))
    assert "Votre message a été envoyé." in page.content()
    assert_accessible(page)
    conversation_url = page.url

    # The manager sees the unread badge, opens the conversation and answers as the association.
    other = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport=PHONE)
    manager_page = other.new_page()
    log_in(manager_page, live_server, manager.email)
    badge = manager_page.locator(".header-quick a[href='/messages/'] .badge")
    assert badge.inner_text().startswith("1")
    manager_page.locator(".header-quick a[href='/messages/']").click()
    manager_page.wait_for_url(f"{live_server.url}/messages/")
    assert "Une parcelle pour ma famille" in manager_page.content()
    assert_accessible(manager_page)
    shot(manager_page, "2-list")
    manager_page.get_by_role("link", name="Une parcelle pour ma famille").click()
    manager_page.wait_for_url(conversation_url)
    assert "Vous répondez au nom de Les Jardins partagés de Beauvais." in manager_page.content()
    assert_accessible(manager_page)
    manager_page.fill("textarea[name=body]", "Oui ! Passez samedi à 10 h au jardin.")
    manager_page.locator("main form button[type=submit]").first.click()
    manager_page.wait_for_url(re.compile(r"/messages/\d+/#message-\d+$"))
    assert_accessible(manager_page)
    other.close()

    answer = Message.objects.latest("pk")
    assert answer.sender == manager and answer.organisation == association

    # The resident sees the badge and the association's answer.
    page.goto(f"{live_server.url}/")
    badge = page.locator(".header-quick a[href='/messages/'] .badge")
    assert badge.inner_text().startswith("1")
    assert_accessible(page)
    page.locator(".header-quick a[href='/messages/']").click()
    page.wait_for_url(f"{live_server.url}/messages/")
    assert_accessible(page)
    page.get_by_role("link", name="Une parcelle pour ma famille").click()
    page.wait_for_url(conversation_url)
    article = page.locator(f"#message-{answer.pk}")
    assert "Les Jardins partagés de Beauvais" in article.inner_text()
    assert "Passez samedi à 10 h" in article.inner_text()
    assert "Léa Dubois" not in article.inner_text()  # answered as the association
    assert_accessible(page)
    shot(page, "3-conversation")
    assert page.locator(".header-quick a[href='/messages/'] .badge").count() == 0
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]


def test_resident_writes_to_two_members_and_blocks_one(
    live_server, page, assert_accessible, oise, settings
):
    settings.PARVIS_NEW_ACCOUNT_DAYS = 0
    resident = UserFactory(
        email="camille.martin@example.org",
        first_name="Camille",
        last_name="Martin",
        commune=oise["beauvais"],
    )
    hugo = UserFactory(first_name="Hugo", last_name="Lefebvre", commune=oise["compiegne"])
    ines = UserFactory(first_name="Inès", last_name="Roux", commune=oise["beauvais"])
    page.set_viewport_size(PHONE)
    log_in(page, live_server, resident.email)

    page.goto(f"{live_server.url}{hugo.get_absolute_url()}")
    assert_accessible(page)
    page.get_by_role("link", name="Écrire", exact=True).click()
    page.wait_for_url(re.compile(r"/messages/nouveau/\?a=\d+$"))
    assert_accessible(page)
    page.fill("input[name=cherche]", "Roux")
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("link", name="Ajouter Inès Roux").click()
    assert "Inès Roux" in page.locator(".recipient-list").inner_text()
    assert_accessible(page)
    page.fill("input[name=subject]", "Fête des voisins")
    page.fill("textarea[name=body]", "On organise la fête des voisins le 6 juin ?")
    shot(page, "4-compose")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/messages/\d+/$"))
    assert_accessible(page)

    page.get_by_text("Quitter, bloquer").click()
    page.get_by_role("button", name="Bloquer Hugo Lefebvre").click()
    page.wait_for_url(f"{live_server.url}/messages/")
    assert "Vous avez bloqué Hugo Lefebvre" in page.content()
    page.goto(f"{live_server.url}/messages/reglages/")
    assert "Hugo Lefebvre" in page.locator("#blocks-title + ul").inner_text()
    assert_accessible(page)
    shot(page, "5-settings")
    assert ines.conversation_entries.count() == 1

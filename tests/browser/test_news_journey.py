"""Targeted information in a real browser: a town hall agent publishes information aimed at
one commune; its resident finds it in their feed, a resident elsewhere does not. Every page is
checked by axe-core (WCAG 2.1 A/AA)."""

import re

import pytest

from parvis.organisations.models import OrganisationKind, OrganisationRole
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, email):
    page.goto(base + "/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + "/")


def test_agent_publishes_for_a_commune_and_only_its_residents_see_it(
    live_server, browser, page, assert_accessible, oise
):
    town_hall = OrganisationFactory(
        name="Mairie de Margny",
        slug="mairie-de-margny",
        kind=OrganisationKind.INSTITUTION,
        rna="",
        commune=oise["margny"],
    )
    agent = UserFactory(email="agent@margny.example", commune=oise["margny"])
    MembershipFactory(organisation=town_hall, user=agent, role=OrganisationRole.EDITOR)
    UserFactory(email="habitante@margny.example", commune=oise["margny"])
    UserFactory(email="habitant@beauvais.example", commune=oise["beauvais"])
    base = live_server.url

    page.goto(base + "/actualites/")
    assert_accessible(page)

    log_in(page, base, "agent@margny.example")
    page.goto(base + "/actualites/publier/")
    assert_accessible(page)
    page.fill("input[name=title]", "Coupure d'eau rue Jean Jaurès")
    page.select_option("select[name=category]", label="Sécurité et alertes")
    page.fill("textarea[name=body]", "Mardi de **9 h à 12 h**.")
    page.fill("textarea[name=audience_communes]", "Margny-lès-Compiègne")
    page.click("button[name=publish]")
    page.wait_for_url(re.compile(r"/actualites/\d+-coupure-deau-rue-jean-jaures/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Coupure d'eau rue Jean Jaurès"
    assert_accessible(page)
    page.goto(base + "/actualites/mes-publications/")
    assert_accessible(page)

    resident = browser.new_context(locale="fr-FR").new_page()
    log_in(resident, base, "habitante@margny.example")
    resident.goto(base + "/actualites/")
    assert "Coupure d'eau rue Jean Jaurès" in resident.content()
    assert_accessible(resident)

    elsewhere = browser.new_context(locale="fr-FR").new_page()
    log_in(elsewhere, base, "habitant@beauvais.example")
    elsewhere.goto(base + "/actualites/")
    assert "Coupure d'eau rue Jean Jaurès" not in elsewhere.content()

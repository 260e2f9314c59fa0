"""Citizen consultations in a real browser, without JavaScript needed: an institution agent
opens a consultation for one EPCI with the plain form; a resident of a commune of that EPCI
answers and changes their answer; a resident elsewhere reads it and is told why they cannot
answer. Every page is checked by axe-core (WCAG 2.1 A/AA)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from parvis.consultations.models import Consultation, Response
from parvis.organisations.models import OrganisationKind, OrganisationRole
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base, email):
    page.goto(base + "/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + "/")


def test_agent_consults_an_epci_and_only_its_residents_answer(
    live_server, browser, page, assert_accessible, oise
):
    council = OrganisationFactory(
        name="Conseil départemental de l'Oise",
        slug="conseil-departemental-de-l-oise",
        kind=OrganisationKind.INSTITUTION,
        rna="",
        commune=oise["beauvais"],
    )
    agent = UserFactory(email="agent@oise.example", commune=oise["beauvais"])
    MembershipFactory(organisation=council, user=agent, role=OrganisationRole.EDITOR)
    UserFactory(email="habitante@margny.example", commune=oise["margny"])
    UserFactory(email="habitant@beauvais.example", commune=oise["beauvais"])
    base = live_server.url
    arc = oise["epcis"][1]

    log_in(page, base, "agent@oise.example")
    page.goto(base + "/consultations/nouvelle/")
    assert_accessible(page)
    page.fill("input[name=title]", "Navettes vers la gare")
    page.fill("textarea[name=context]", "Faut-il **une navette** le samedi ?")
    page.select_option("select[name=audience]", value=str(arc.pk))
    closes = timezone.localdate() + dt.timedelta(days=20)
    page.fill("input[name=closes_date]", closes.isoformat())
    page.fill("input[name=questions-0-text]", "Prendriez-vous la navette ?")
    page.select_option("select[name=questions-0-kind]", value="single")
    page.fill("textarea[name=questions-0-options]", "Oui\nNon")
    page.fill("input[name=questions-1-text]", "Votre note de l'offre actuelle")
    page.select_option("select[name=questions-1-kind]", value="scale_1_5")
    page.click("button[name=publish]")
    page.wait_for_url(re.compile(r"/consultations/\d+-navettes-vers-la-gare/"))
    assert page.get_by_role("heading", level=1).inner_text() == "Navettes vers la gare"
    assert_accessible(page)
    consultation = Consultation.objects.get()
    assert list(consultation.audience.all()) == [arc]

    resident = browser.new_context(locale="fr-FR").new_page()
    log_in(resident, base, "habitante@margny.example")
    resident.goto(base + "/consultations/")
    assert "Navettes vers la gare" in resident.content()
    assert_accessible(resident)
    resident.click("text=Navettes vers la gare")
    resident.get_by_label("Oui").check()
    resident.locator("input[type=radio][value='4']").check()
    resident.locator("form[action$='/repondre/'] button[type=submit]").click()
    resident.wait_for_url(re.compile(r"/consultations/\d+-navettes-vers-la-gare/"))
    assert_accessible(resident)
    resident.get_by_label("Non").check()
    resident.locator("form[action$='/repondre/'] button[type=submit]").click()
    resident.wait_for_url(re.compile(r"/consultations/\d+-navettes-vers-la-gare/"))
    response = Response.objects.get()
    assert response.answers.get(question__kind="single").options.get().label == "Non"
    resident.goto(base + consultation.get_absolute_url() + "resultats/")
    assert_accessible(resident)

    elsewhere = browser.new_context(locale="fr-FR").new_page()
    log_in(elsewhere, base, "habitant@beauvais.example")
    elsewhere.goto(base + consultation.get_absolute_url())
    assert elsewhere.locator("form[action$='/repondre/']").count() == 0
    assert "Beauvais" in elsewhere.locator("main").inner_text()
    assert_accessible(elsewhere)
    assert Response.objects.count() == 1

    page.goto(base + consultation.get_absolute_url() + "resultats/")
    assert_accessible(page)

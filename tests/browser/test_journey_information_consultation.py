"""Issue 5's journey in a real browser: an institution agent publishes information targeted at
one EPCI and opens a consultation for it, both with the site's plain forms; a resident of a
commune of that EPCI finds both on their home page and answers; a resident of a commune
elsewhere sees neither on their home page nor in their feed, and is told why they cannot
answer. axe-core checks every page visited (WCAG 2.1 A/AA)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from parvis.consultations.models import Consultation, Response
from parvis.groups import services as group_services
from parvis.news.models import Post
from parvis.organisations.models import OrganisationKind, OrganisationRole
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POST_TITLE = "Fermeture du pont de Margny"
CONSULTATION_TITLE = "Horaires des navettes du samedi"


def log_in(page, base, email):
    page.goto(base + "/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(base + "/")


def section_text(page, title_id):
    """The text of the home page's section headed by ``title_id``."""
    return page.locator(f"section[aria-labelledby={title_id}]").inner_text()


def test_agent_informs_and_consults_an_epci_and_only_its_residents_see_and_answer(
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
    margny = UserFactory(
        email="habitante@margny.example", first_name="Lucie", commune=oise["margny"]
    )
    UserFactory(email="habitant@beauvais.example", first_name="Marc", commune=oise["beauvais"])
    # A public group with a discussion, so that the home page's groups block has rows.
    group = group_services.group_create(
        creator=margny, name="Covoiturage de l'ARC", theme="mobility", description="Trajets."
    )
    group_services.thread_create(
        group=group, author=margny, title="Trajets vers la gare", body="Qui part à 7 h ?"
    )
    arc = oise["epcis"][1]
    base = live_server.url

    # The agent publishes information for the ARC with the publication form...
    log_in(page, base, "agent@oise.example")
    page.goto(base + "/actualites/publier/")
    assert_accessible(page)
    page.fill("input[name=title]", POST_TITLE)
    page.select_option("select[name=category]", label="Sécurité et alertes")
    page.fill("textarea[name=body]", "Le pont sera fermé **samedi** de 8 h à 18 h.")
    page.select_option("select[name=audience]", value=str(arc.pk))
    page.click("button[name=publish]")
    page.wait_for_url(re.compile(r"/actualites/\d+-fermeture-du-pont-de-margny/"))
    assert page.get_by_role("heading", level=1).inner_text() == POST_TITLE
    assert_accessible(page)
    assert list(Post.objects.get().audience.all()) == [arc]

    # ... and opens a consultation for it with the consultation form.
    page.goto(base + "/consultations/nouvelle/")
    assert_accessible(page)
    page.fill("input[name=title]", CONSULTATION_TITLE)
    page.fill("textarea[name=context]", "Faut-il **avancer** la première navette ?")
    page.select_option("select[name=audience]", value=str(arc.pk))
    closes = timezone.localdate() + dt.timedelta(days=15)
    page.fill("input[name=closes_date]", closes.isoformat())
    page.fill("input[name=questions-0-text]", "Avancer la première navette à 6 h 30 ?")
    page.select_option("select[name=questions-0-kind]", value="single")
    page.fill("textarea[name=questions-0-options]", "Oui\nNon")
    page.click("button[name=publish]")
    page.wait_for_url(re.compile(r"/consultations/\d+-horaires-des-navettes-du-samedi/"))
    assert page.get_by_role("heading", level=1).inner_text() == CONSULTATION_TITLE
    assert_accessible(page)
    consultation = Consultation.objects.get()
    assert list(consultation.audience.all()) == [arc]

    # A resident of Margny (in the ARC) finds both on their home page and answers.
    resident = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris").new_page()
    log_in(resident, base, "habitante@margny.example")
    assert_accessible(resident)
    assert POST_TITLE in section_text(resident, "news-title")
    assert CONSULTATION_TITLE in section_text(resident, "consultations-title")
    assert "Trajets vers la gare" in section_text(resident, "groups-title")
    resident.locator("section[aria-labelledby=consultations-title]").get_by_role(
        "link", name=CONSULTATION_TITLE
    ).click()
    resident.wait_for_url(re.compile(r"/consultations/\d+-horaires-des-navettes-du-samedi/"))
    assert_accessible(resident)
    resident.get_by_label("Oui").check()
    resident.locator("form[action$='/repondre/'] button[type=submit]").click()
    resident.wait_for_url(re.compile(r"/consultations/\d+-horaires-des-navettes-du-samedi/"))
    assert_accessible(resident)
    response = Response.objects.get()
    assert response.member == margny
    assert response.answers.get().options.get().label == "Oui"
    resident.goto(base + "/")
    assert CONSULTATION_TITLE in section_text(resident, "consultations-title")
    resident.locator("section[aria-labelledby=news-title]").get_by_role(
        "link", name=POST_TITLE
    ).click()
    resident.wait_for_url(re.compile(r"/actualites/\d+-fermeture-du-pont-de-margny/"))
    assert_accessible(resident)

    # A resident of Beauvais (another EPCI) sees neither, and cannot answer.
    elsewhere = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris").new_page()
    log_in(elsewhere, base, "habitant@beauvais.example")
    assert_accessible(elsewhere)
    home = elsewhere.locator("main").inner_text()
    assert POST_TITLE not in home
    assert CONSULTATION_TITLE not in home
    elsewhere.goto(base + "/actualites/")
    assert POST_TITLE not in elsewhere.locator("main").inner_text()
    assert_accessible(elsewhere)
    elsewhere.goto(base + consultation.get_absolute_url())
    assert elsewhere.locator("form[action$='/repondre/']").count() == 0
    why = elsewhere.locator("main [role=note]").inner_text()  # for the ARC, not Beauvais
    assert arc.name in why and "Beauvais" in why
    assert_accessible(elsewhere)
    assert Response.objects.count() == 1

    # A visitor gets the département-wide home page: the targeted ones are not on it.
    visitor = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris").new_page()
    visitor.goto(base + "/")
    assert_accessible(visitor)
    home = visitor.locator("main").inner_text()
    assert POST_TITLE not in home
    assert CONSULTATION_TITLE not in home
    assert "Trajets vers la gare" in home

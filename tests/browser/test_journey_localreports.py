"""Key journey of the local reports: a resident reports a pothole with a photo, the town hall's
agent takes it in hand then marks it resolved, and the resident sees it resolved — with
axe-core checking every page visited, on a phone for the resident."""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from parvis.accounts.models import ProfileKind
from parvis.localreports.models import Category, Report, ReportStatus, Route
from parvis.notifications.models import Notification
from parvis.organisations.models import OrganisationKind, OrganisationRole

from ..factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(page, *names):
    pattern = "|".join(re.escape(name) for name in names)
    return page.get_by_label(re.compile(f"^\\s*({pattern})\\s*:?\\s*$"))


def log_in(page, base, user, next_url):
    page.goto(f"{base}/compte/login/?next={next_url}")
    label(page, "Courriel", "Adresse e-mail", "E-mail", "Email").fill(user.email)
    label(page, "Mot de passe", "Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{next_url}")


@pytest.fixture
def town(oise):
    Category.objects.get_or_create(
        slug="voirie-trottoirs",
        defaults={"name": "Voirie et trottoirs", "route": Route.COMMUNE, "position": 1},
    )
    hall = OrganisationFactory(
        name="Mairie de Beauvais",
        slug="mairie-de-beauvais",
        kind=OrganisationKind.INSTITUTION,
        rna="",
        commune=oise["beauvais"],
    )
    agent = UserFactory(
        email="voirie@beauvais.example", kind=ProfileKind.AGENT, commune=oise["beauvais"]
    )
    MembershipFactory(organisation=hall, user=agent, role=OrganisationRole.EDITOR)
    return agent


def test_a_resident_reports_a_pothole_and_sees_it_resolved(
    live_server, browser, page, assert_accessible, resident, town, tmp_path
):
    base = live_server.url
    photo = tmp_path / "nid-de-poule.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (110, 100, 90)).save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, resident, "/signalements/")
    assert_accessible(page)
    page.get_by_role(
        "link", name=re.compile("^(Signaler un problème|Report a problem)$")
    ).first.click()
    assert_accessible(page)
    label(page, "Commune où se trouve le problème", "Commune where the problem is").fill("60057")
    label(page, "Catégorie", "Category").select_option(label="Voirie et trottoirs")
    page.get_by_role("button", name=re.compile("^(Suivant|Next)$")).click()
    assert_accessible(page)
    label(page, "Adresse ou lieu", "Address or place").fill("Devant le 12 rue de la République")
    label(page, "Quel est le problème ?", "What is the problem?").fill(
        "Un nid-de-poule profond sur la chaussée, les vélos font des écarts."
    )
    page.get_by_label(re.compile("Photos")).set_input_files(str(photo))
    page.get_by_role("button", name=re.compile("Envoyer le signalement|Send the report")).click()
    page.wait_for_url(re.compile(r"/signalements/\d+/$"))
    assert_accessible(page)
    report = Report.objects.get()
    assert report.photos.count() == 1
    expect(page.get_by_role("img", name=re.compile("Photo 1"))).to_be_visible()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the report's page scrolls sideways on a phone ({width} px)"

    # --- The town hall's agent takes it in hand, then resolves it ------------------------------
    agent_context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    agent_page = agent_context.new_page()
    log_in(agent_page, base, town, "/signalements/a-traiter/")
    assert_accessible(agent_page)
    agent_page.get_by_role("link", name=re.compile("Voirie et trottoirs — Beauvais")).click()
    expect(agent_page.get_by_text(resident.email)).to_be_visible()  # agents see who reported
    label(agent_page, "Statut", "Status").select_option("in_progress")
    label(agent_page, "Commentaire public", "Public comment").fill("Équipe prévue jeudi matin.")
    agent_page.get_by_role("button", name=re.compile("Enregistrer|Save")).click()
    agent_page.wait_for_url(re.compile(r"/signalements/\d+/$"))
    label(agent_page, "Statut", "Status").select_option("resolved")
    label(agent_page, "Commentaire public", "Public comment").fill("Trou rebouché ce jeudi.")
    agent_page.get_by_role("button", name=re.compile("Enregistrer|Save")).click()
    agent_page.wait_for_url(re.compile(r"/signalements/\d+/$"))
    assert_accessible(agent_page)
    agent_context.close()

    # --- The resident sees it resolved, and was told -------------------------------------------
    page.reload()
    expect(page.get_by_text("Trou rebouché ce jeudi.")).to_be_visible()
    expect(page.get_by_text(re.compile("^(Résolu|Resolved)$")).first).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="/tmp/localreports-phone.png", full_page=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED
    assert (
        Notification.objects.filter(recipient=resident, type_key="localreports.step").count() == 2
    )

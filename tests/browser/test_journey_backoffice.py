"""Key journey of the back office, as a council moderator: the dashboard, approving a
recurring event and refusing another with a reason, verifying a mandate, assigning and
annotating a reported case and deciding it, lifting a sanction, and the DSA transparency
report — axe-core on every admin page visited, screenshots at 1366x900 in /tmp."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from parvis.accounts.models import Mandate, VerificationStatus
from parvis.accounts.signals import MODERATORS_GROUP, ensure_moderators_group
from parvis.agenda.models import Event, EventStatus
from parvis.insight.services import stats_compute
from parvis.moderation import services
from parvis.moderation.models import CaseNote, Decision, ModerationCase, Sanction

from ..agenda.conftest import PARIS, create_event
from ..factories import MandateFactory, UserFactory
from .test_journey_moderation import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    page.screenshot(path=f"/tmp/backoffice-{name}.png", full_page=False)


def test_a_moderator_works_through_the_queues(
    live_server, browser, assert_accessible, settings, oise
):
    settings.PARVIS_STAFF_MFA_REQUIRED = False
    ensure_moderators_group()
    moderators = Group.objects.get(name=MODERATORS_GROUP)
    beauvais = oise["beauvais"]
    moderator = UserFactory(email="nadia.benali@example.org", first_name="Nadia",
                            last_name="Benali", commune=beauvais, is_staff=True)  # fmt: skip
    colleague = UserFactory(email="claire.vasseur@example.org", first_name="Claire",
                            last_name="Vasseur", commune=beauvais, is_staff=True)  # fmt: skip
    moderator.groups.add(moderators)
    colleague.groups.add(moderators)
    organiser = UserFactory(first_name="Camille", last_name="Martin", commune=beauvais)
    reporter = UserFactory(first_name="Léa", last_name="Dubois", commune=beauvais)
    troll = UserFactory(first_name="Marc", last_name="Lemaire", commune=beauvais)
    start = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=7), dt.time(18, 0),
                                tzinfo=PARIS)  # fmt: skip
    recurring = create_event(created_by=organiser, commune=beauvais, title="Atelier tricot",
                             start=start, rrule="FREQ=WEEKLY;BYDAY=" +
                             ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][start.weekday()] +
                             ";COUNT=8", status=EventStatus.SUBMITTED)  # fmt: skip
    Event.objects.filter(pk=recurring.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    shop = create_event(created_by=organiser, commune=beauvais, title="Grande vente privée",
                        status=EventStatus.SUBMITTED)  # fmt: skip
    mandate = MandateFactory(user__first_name="Hugo", user__last_name="Lefebvre",
                             user__commune=beauvais, status=VerificationStatus.PENDING)  # fmt: skip
    published = create_event(created_by=troll, commune=beauvais, title="Soirée des imbéciles")
    services.report_create(reporter=reporter, obj=published, reason="harassment",
                           details="Le titre insulte les habitants.")  # fmt: skip
    case = ModerationCase.objects.get()
    # An earlier suspension (by the colleague) to lift.
    old = create_event(created_by=troll, commune=beauvais, title="Pub répétée")
    services.report_create(reporter=reporter, obj=old, reason="spam")
    old_case = ModerationCase.objects.exclude(pk=case.pk).get()
    services.case_decide(case=old_case, moderator=colleague, action="suspend", ground="spam",
                         facts="Publicité répétée.", suspension_days=30)  # fmt: skip
    sanction = Sanction.objects.get()

    # 1. The dashboard: every queue with its count and its oldest item's age.
    page = log_in(browser, live_server, moderator.email, "/admin/")
    page.set_viewport_size({"width": 1366, "height": 900})
    events_card = page.locator("#queue-events")
    assert events_card.locator(".bo-count").inner_text() == "2"
    assert "3\xa0jours" in events_card.inner_text()
    assert page.locator("#queue-cases .bo-count").inner_text() == "1"
    assert page.locator("#queue-mandates .bo-count").inner_text() == "1"
    assert_accessible(page)
    shot(page, "dashboard")

    # 2. The oldest event, recurring: read in words, approved with the keyboard.
    events_card.get_by_role("link").click()
    page.get_by_role("link", name="Atelier tricot").click()
    page.wait_for_url(re.compile(rf"/eventawaitingreview/{recurring.pk}/change/"))
    expect(page.get_by_text(re.compile(r"chaque \w+, 8 fois, jusqu’au"))).to_be_visible()
    expect(page.get_by_role("link", name="Beauvais").first).to_be_visible()
    assert_accessible(page)
    shot(page, "event")
    page.get_by_role("button", name="Approuver et publier").focus()
    page.keyboard.press("Enter")
    # The next event of the queue is offered.
    page.wait_for_url(re.compile(rf"/eventawaitingreview/{shop.pk}/change/"))
    expect(page.get_by_text("Suivant dans la file : Grande vente privée")).to_be_visible()
    recurring.refresh_from_db()
    assert recurring.status == EventStatus.PUBLISHED

    # 3. The other one is refused, with a reason.
    page.get_by_role("link", name=re.compile("^Refuser")).click()
    assert_accessible(page)
    page.fill("textarea[name=reason]", "Vente commerciale : hors de l’objet de l’agenda.")
    page.locator("input.default[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    expect(page.get_by_text("La file est vide : bravo.")).to_be_visible()
    shop.refresh_from_db()
    assert shop.status == EventStatus.REJECTED
    assert shop.rejection_reason == "Vente commerciale : hors de l’objet de l’agenda."

    # 4. A mandate is verified from its page.
    page.locator("#queue-mandates").get_by_role("link").click()
    page.get_by_role("link", name=re.compile("Hugo Lefebvre")).first.click()
    assert_accessible(page)
    page.get_by_role("button", name="Vérifier le mandat").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert Mandate.objects.get(pk=mandate.pk).status == VerificationStatus.VERIFIED

    # 5. The reported case: taken, annotated, decided.
    page.goto(f"{live_server.url}/admin/moderation/moderationcase/{case.pk}/change/")
    page.get_by_role("button", name="Je m’en charge").click()
    expect(page.get_by_text("Attribué à Nadia Benali.").first).to_be_visible()
    page.fill("textarea[name=body]", "Déjà averti le mois dernier pour un autre contenu.")
    page.get_by_role("button", name="Ajouter la note").click()
    expect(page.get_by_text("Déjà averti le mois dernier")).to_be_visible()
    assert_accessible(page)
    shot(page, "case")
    page.goto(f"{live_server.url}/admin/")
    assert "Soirée des imbéciles" in page.locator("#bo-assigned-title + ul").inner_text()
    page.goto(f"{live_server.url}/admin/moderation/moderationcase/{case.pk}/change/")
    page.check("input[name=action][value=hide]")
    page.select_option("select[name=ground]", "harassment")
    page.fill("textarea[name=facts]", "Le titre traite les habitants d'imbéciles.")
    page.locator("input.default[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/moderation/moderationcase/$"))
    assert Decision.objects.filter(case=case, action="hide").exists()
    assert CaseNote.objects.get().author == moderator

    # 6. The suspension is lifted, with its reasons.
    page.goto(f"{live_server.url}/admin/moderation/sanction/{sanction.pk}/change/")
    page.get_by_role("link", name=re.compile("Lever la sanction")).click()
    assert_accessible(page)
    page.fill("textarea[name=reason]", "Excuses présentées et contenus retirés.")
    page.locator("input.default[type=submit]").click()
    sanction.refresh_from_db()
    assert sanction.lifted_at is not None

    # 7. The audit log reads as sentences; the transparency report prints and downloads.
    page.goto(f"{live_server.url}/admin/moderation/auditentry/")
    expect(page.get_by_role("cell", name="Sanction levée")).to_be_visible()
    # The "why" column is readable at 1366 px: wide, and inside the window.
    box = page.locator("td.field-short_reason").first.bounding_box()
    assert box["width"] >= 300 and box["x"] + box["width"] <= 1366
    assert_accessible(page)
    shot(page, "audit")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Rapport de transparence (DSA)").click()
    # Wait for the report's page (a bare is_visible() right after the click raced it).
    expect(page.get_by_role("row", name=re.compile("Signalements reçus 2"))).to_be_visible()
    assert_accessible(page)
    shot(page, "transparency")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le tableau (CSV)").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "signalements reçus;2" in content

    # 8. The usage statistics, computed by the nightly task: charts with their tables.
    stats_compute()
    page.goto(f"{live_server.url}/admin/")
    page.locator(".bo-links").get_by_role("link", name="Statistiques d’usage").click()
    expect(page.get_by_role("img", name="Événements publiés par commune")).to_be_visible()
    # Published: the approved recurring event and the two reported ones (not the refused one).
    events_table = page.get_by_role("table", name="Données : Événements publiés par commune")
    expect(events_table.get_by_role("row", name="Beauvais 3")).to_be_visible()
    assert_accessible(page)
    shot(page, "statistics")
    assert not page.csp_errors
    page.context.close()

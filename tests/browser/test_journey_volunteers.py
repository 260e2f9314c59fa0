"""Key journey of the calls for volunteers: a resident finds an association's call, signs up
for tomorrow morning's slot on their phone, and receives the reminder the day before — with
axe-core checking every page visited."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from parvis.volunteers.models import Call, Signup, Slot
from parvis.volunteers.tasks import reminders_send

from ..factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def label(page, *names):
    pattern = "|".join(re.escape(name) for name in names)
    return page.get_by_label(re.compile(f"^\\s*({pattern})\\s*:?\\s*$"))


def test_a_resident_signs_up_for_a_slot_and_is_reminded(
    live_server, page, assert_accessible, resident, association, association_manager, beauvais
):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    call = Call.objects.create(
        title="Bénévoles pour la collecte de la banque alimentaire",
        description="Accueillir les donateurs à l'entrée du supermarché et trier les denrées.",
        commune=beauvais,
        place="Supermarché du centre",
        organisation=association,
        created_by=association_manager,
    )
    morning = Slot.objects.create(
        call=call,
        label="Accueil, matin",
        starts_at=timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9))),
        places=2,
    )
    Slot.objects.create(call=call, label="Tri, après-midi", places=3, position=1)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/login/?next=/benevolat/")
    label(page, "Courriel", "Adresse e-mail", "E-mail", "Email").fill(resident.email)
    label(page, "Mot de passe", "Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/benevolat/")
    assert_accessible(page)
    page.get_by_role("link", name=call.title).click()
    assert_accessible(page)
    page.get_by_role(
        "button", name=re.compile("M'inscrire pour « Accueil, matin »|Sign up for")
    ).first.click()
    expect(
        page.get_by_text(re.compile("Vous êtes inscrit|You are signed up")).first
    ).to_be_visible()
    expect(page.get_by_text(re.compile("1 place restante|1 place left")).first).to_be_visible()
    assert_accessible(page)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the call's page scrolls sideways on a phone ({width} px)"
    page.screenshot(path="/tmp/volunteers-phone.png", full_page=True)
    assert Signup.objects.filter(slot=morning, member=resident).exists()

    # The daily task (Celery beat, at 17:00) reminds tomorrow's volunteers, once.
    mail.outbox.clear()
    assert reminders_send() == 1
    assert reminders_send() == 0
    (reminder,) = [m for m in mail.outbox if resident.email in m.to]
    assert "Accueil, matin" in reminder.subject
    assert "Supermarché du centre" in reminder.body
    assert call.get_absolute_url() in reminder.body

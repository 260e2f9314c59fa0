"""On a phone: an organisation's contact details (tel: and mailto: links), then a reply sent,
the back button, and the same form sent again — one message, and the site says so. A double
click sends once too. axe-core checks every page visited."""

import os
import re

import pytest

from parvis.groups import services
from parvis.groups.services import _activate

from ..factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _shot(page, name):
    """Screenshots for the guides when ``PARVIS_SCREENSHOTS`` names a directory."""
    folder = os.environ.get("PARVIS_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_contact_details_then_a_reply_sent_twice_on_a_phone(
    live_server, browser, assert_accessible, oise, association
):
    association.email = "contact@amis-beauvaisis.example.org"
    association.phone = "03 44 06 60 00"
    association.address = "1 rue Desgroux, 60000 Beauvais"
    association.opening_hours = "Mardi et jeudi, 14 h – 18 h"
    association.save(update_fields=["email", "phone", "address", "opening_hours"])
    resident = UserFactory(
        email="camille.martin@example.org",
        first_name="Camille",
        last_name="Martin",
        commune=oise["beauvais"],
    )
    group = services.group_create(
        creator=resident,
        name="Jardins partagés",
        theme="environment",
        description="Graines et outils.",
        visibility="public",
        join_policy="open",
        territory=oise["beauvais"],
    )
    _activate(group, resident)
    services.thread_create(
        group=group, author=resident, title="Semis de printemps", body="Qui a des graines ?"
    )
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    # A visitor reads the association's contact details and can call or write in one tap.
    page.goto(f"{live_server.url}{association.get_absolute_url()}")
    contact = page.locator("#contact-title + address")
    assert contact.locator("a[href='tel:+33344066000']").inner_text() == "03 44 06 60 00"
    assert contact.locator("a[href='mailto:contact@amis-beauvaisis.example.org']").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page)
    _shot(page, "organisation-contact-390")

    # The member starts a discussion, goes back, and sends the same form again. (A reply in a
    # discussion updates in place with JavaScript, without a page to go back from: the
    # new-discussion form is the full-page case.)
    page.goto(f"{live_server.url}/compte/login/")
    page.fill("input[name=login]", resident.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")
    form_url = f"{live_server.url}/groupes/{group.slug}/discussions/nouvelle/"
    page.goto(form_url)
    new_thread = "main form.form"
    page.fill(f"{new_thread} input[name=title]", "Graines de tomates")
    page.fill(f"{new_thread} textarea[name=body]", "J'en ai, je les apporte samedi.")
    first_token = page.locator(f"{new_thread} input[name=form_token]").input_value()
    page.locator(f"{new_thread} button[type=submit]").click()
    page.wait_for_url(re.compile(r"/discussions/\d+/$"))
    page.go_back()
    page.wait_for_url(form_url)
    # The browser loaded the page anew (Playwright turns the back-forward cache off) and
    # restored the text typed; forms.js put back the token it was sent with.
    assert page.locator(f"{new_thread} input[name=form_token]").input_value() == first_token
    assert page.locator(f"{new_thread} textarea[name=body]").input_value()
    page.locator(f"{new_thread} button[type=submit]").click()
    page.wait_for_url(re.compile(r"/discussions/\d+/$"))
    assert "Ce formulaire a déjà été envoyé" in page.locator("ul.messages").inner_text()
    assert group.threads.filter(title="Graines de tomates").count() == 1
    assert_accessible(page)
    _shot(page, "form-sent-twice-390")

    # A double click sends once.
    page.goto(form_url)
    page.fill(f"{new_thread} input[name=title]", "Tomates cerises")
    page.fill(f"{new_thread} textarea[name=body]", "Et des tomates cerises.")
    with page.expect_navigation():
        page.locator(f"{new_thread} button[type=submit]").dblclick()
    page.wait_for_load_state("networkidle")
    assert "Et des tomates cerises." in page.content()
    assert group.threads.filter(title="Tomates cerises").count() == 1
    assert not [error for error in errors if "Content Security Policy" in error]
    context.close()

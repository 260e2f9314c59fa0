"""Key journey: a visitor signs up, confirms through the e-mail link, logs in, and finds a
verified association (with a cover image) in the directory — with axe-core checking every page
visited."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from parvis.accounts.models import User
from parvis.organisations.services import organisation_update

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-mot-de-passe-solide-2026"


def test_visitor_signs_up_confirms_logs_in_and_finds_an_association(
    live_server, page, assert_accessible, oise, association, association_manager, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    cover = io.BytesIO()
    Image.new("RGB", (1200, 500), (30, 90, 140)).save(cover, format="JPEG")
    organisation_update(
        organisation=association,
        actor=association_manager,
        cover=SimpleUploadedFile("lac.jpg", cover.getvalue()),
        cover_alt="Le lac de la base de loisirs",
    )
    page.goto(live_server.url + "/")
    assert_accessible(page)

    page.locator("header summary.menu-toggle").click()  # the account links are in the menu
    page.locator("header nav.account-nav").get_by_role("link", name="Créer un compte").click()
    page.wait_for_url(re.compile(r"/compte/signup/|/compte/inscription"))
    assert_accessible(page)
    page.fill("input[name=first_name]", "Amélie")
    page.fill("input[name=last_name]", "Fournier")
    page.fill("input[name=email]", "amelie.fournier@example.org")
    page.fill("input[name=commune]", "Compiègne (60200)")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.check("input[name=terms]")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/compte/confirm-email/"))
    assert_accessible(page)

    user = User.objects.get(email="amelie.fournier@example.org")
    assert user.commune == oise["compiegne"]
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/compte/confirm-email/\S+/", mail.outbox[0].body).group(0)
    confirm_path = link.split("/compte/", 1)[1]

    page.goto(f"{live_server.url}/compte/{confirm_path}")
    assert_accessible(page)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/compte/login/"))
    assert_accessible(page)

    page.fill("input[name=login]", "amelie.fournier@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")
    page.locator("header summary.menu-toggle").click()  # the account is in the menu
    expect(page.locator("header nav.account-nav").get_by_text("Amélie Fournier")).to_be_visible()
    assert_accessible(page)
    # The main menu is in the same folding menu below 100 rem (the browser's 1280 px).
    page.locator("header nav.main-menu").get_by_role("link", name="Annuaire").click()
    page.get_by_role("link", name=re.compile("Associations")).first.click()
    page.fill("main input[name=q]", "Beauvaisis")
    page.locator("main form button[type=submit]").first.click()
    result = page.get_by_role("link", name="Les Amis du Beauvaisis")
    expect(result).to_be_visible()
    assert_accessible(page)

    result.click()
    page.wait_for_url(re.compile(r"/organisations/les-amis-du-beauvaisis/"))
    expect(page.get_by_role("heading", name="Les Amis du Beauvaisis")).to_be_visible()
    cover = page.get_by_role("img", name="Le lac de la base de loisirs")
    assert "640w.webp 640w" in cover.get_attribute("srcset")
    assert_accessible(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]

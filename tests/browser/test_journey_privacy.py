"""Key journey of the personal data: a member downloads the archive of their data, then
deletes their account after typing their password again — axe-core checking every page."""

import io
import json
import zipfile

import pytest

from parvis.accounts.models import User

from ..factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


def test_member_downloads_their_data_then_deletes_their_account(
    live_server, page, assert_accessible, oise
):
    member = UserFactory(
        email="camille.martin@example.org",
        first_name="Camille",
        last_name="Martin",
        commune=oise["beauvais"],
    )
    page.goto(f"{live_server.url}/compte/login/")
    page.fill("input[name=login]", member.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")

    page.goto(f"{live_server.url}/compte/parametres/")
    page.locator("main a[href='/compte/donnees/']").first.click()
    page.wait_for_url(f"{live_server.url}/compte/donnees/")
    assert_accessible(page)
    page.locator("main form[action='/compte/donnees/'] button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/compte/donnees/")
    link = page.locator("main a[href^='/compte/donnees/archives/']")
    assert link.count() == 1  # built at once: the tasks run eagerly
    assert_accessible(page)
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as archive:
        data = json.loads(zipfile.ZipFile(io.BytesIO(archive.read())).read("data.json"))
    assert data["member"]["email"] == "camille.martin@example.org"

    page.locator("main a[href='/compte/donnees/supprimer-mon-compte/']").click()
    page.wait_for_url(f"{live_server.url}/compte/donnees/supprimer-mon-compte/")
    assert_accessible(page)
    page.check("input[name=confirm]")
    page.locator("main form button.danger").click()
    page.wait_for_url(f"{live_server.url}/compte/reauthenticate/**")
    assert_accessible(page)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/compte/donnees/compte-supprime/")
    assert_accessible(page)
    member = User.objects.get(pk=member.pk)
    assert member.is_erased and not member.is_active
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]

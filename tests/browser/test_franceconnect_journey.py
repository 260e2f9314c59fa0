"""The FranceConnect button in a real browser: on the log-in page (accessible, keyboard
reachable), then the whole sign-up through a real OpenID Connect provider on loopback."""

import pytest
from playwright.sync_api import expect

from parvis.accounts.models import User

from ..franceconnect.conftest import configure, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(live_server, settings, tmp_path):
    with running_provider(
        tmp_path,
        f"{live_server.url}/compte/franceconnect/retour/",
        f"{live_server.url}/compte/franceconnect/deconnexion/",
    ) as provider:
        configure(settings, provider)
        yield provider


def test_sign_up_with_the_franceconnect_button(
    live_server, provider, page, assert_accessible, beauvais
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/login/")
    button = page.get_by_role("button", name="S’identifier avec FranceConnect")
    expect(button).to_be_visible()
    expect(page.get_by_role("link", name="Qu’est-ce que FranceConnect ?")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="/tmp/fc-faults-login-390.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path="/tmp/fc-faults-login-1366.png", full_page=True)
    button.focus()
    page.keyboard.press("Enter")

    page.get_by_role("button", name="Angela Claire Louise Dubois").click()  # at the provider
    page.wait_for_url("**/compte/3rdparty/signup/")
    assert page.get_by_label("Prénom").input_value() == "Angela Claire Louise"
    assert page.get_by_label("Prénom").is_disabled()
    assert_accessible(page)
    page.get_by_label("Commune de résidence").fill("Beauvais (60000)")
    page.get_by_label("J’accepte les").check()
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url("**/compte/confirm-email/")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e]
    member = User.objects.get(email="angela.dubois@example.fr")
    assert member.identity_verified_at is not None
    assert member.commune == beauvais

"""One-click unsubscribe (RFC 8058): signed link, no login, POST without CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from parvis.notifications.emails import DIGEST_SCOPE, unsubscribe_token
from parvis.notifications.models import NotificationPreference
from parvis.notifications.registry import Delivery
from parvis.notifications.selectors import preferences_of
from parvis.notifications.services import preferences_set

pytestmark = pytest.mark.usefixtures("sample_types")


def url(member, scope="tests.sample"):
    token = unsubscribe_token(member_id=member.pk, scope=scope)
    return reverse("notifications:unsubscribe", kwargs={"token": token})


def test_get_asks_for_confirmation_and_changes_nothing(visitor, resident):
    response = visitor.get(url(resident))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A sample happening" in page
    assert '<form method="post"' in page
    assert not NotificationPreference.objects.exists()


def test_one_click_post_without_login_or_csrf_token_stops_the_e_mails(resident):
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(url(resident), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "you will no longer receive e-mails" in response.content.decode()
    assert preferences_of(resident)["tests.sample"] == Delivery.NEVER
    assert preferences_of(resident)["agenda.event_cancelled"] == Delivery.IMMEDIATE
    # a second click changes nothing more and still answers
    assert mail_client.post(url(resident)).status_code == 200


def test_the_digest_link_stops_every_daily_type(resident):
    preferences_set(member=resident, choices={"agenda.event_changed": Delivery.DAILY})
    Client(enforce_csrf_checks=True).post(url(resident, DIGEST_SCOPE))
    prefs = preferences_of(resident)
    assert prefs["agenda.event_changed"] == Delivery.NEVER
    assert prefs["tests.sample_daily"] == Delivery.NEVER
    assert prefs["tests.sample"] == Delivery.IMMEDIATE


@pytest.mark.parametrize(
    "token",
    [
        "forged",
        "WzEsInRlc3RzLnNhbXBsZSJd:1vOgXo:bad-signature",
        "",
    ],
)
def test_a_bad_or_forged_token_says_so_and_changes_nothing(visitor, resident, token):
    path = f"/notifications/desabonnement/{token}/" if token else "/notifications/desabonnement/x/"
    for method in (visitor.get, visitor.post):
        response = method(path)
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_token_signed_for_another_purpose_is_refused(visitor, resident):
    from django.core import signing

    token = signing.dumps([resident.pk, "tests.sample"], salt="another.purpose", compress=True)
    response = visitor.post(f"/notifications/desabonnement/{token}/")
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_token_for_an_unknown_type_or_a_deleted_member_is_refused(visitor, resident):
    unknown = unsubscribe_token(member_id=resident.pk, scope="gone.away")
    assert visitor.post(f"/notifications/desabonnement/{unknown}/").status_code == 400
    link = url(resident)
    resident.delete()
    assert visitor.post(link).status_code == 400

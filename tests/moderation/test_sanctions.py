"""A suspended or banned member cannot log in or post; the sanction ends or is lifted."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import ApiToken, hash_token
from parvis.agenda.models import Category, Event
from parvis.agenda.services import event_create, event_update
from parvis.moderation.models import ModerationCase, Sanction, SanctionKind
from parvis.moderation.selectors import active_sanction, forget_sanction


@pytest.fixture
def suspended(event, resident, other_resident, moderator, report, decide):
    report(other_resident, event)
    decide(ModerationCase.objects.get(), moderator, "suspend", ground="spam", suspension_days=7)
    return resident


def _login(client, user, password):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": password}, follow=True
    )


def _event_data(beauvais):
    start = timezone.now() + dt.timedelta(days=20)
    return {
        "title": "Atelier vélo",
        "description": "Réparer son vélo.",
        "category": Category.objects.get(slug="culture"),
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "venue_name": "Garage",
        "address": "2 rue de la Gare",
        "commune": beauvais,
    }


def test_suspended_member_cannot_log_in_and_is_told_until_when(client, suspended, password):
    response = _login(client, suspended, password)
    content = response.content.decode()
    assert "Your account is suspended until" in content
    assert "cannot log in or post" in content
    assert "_auth_user_id" not in client.session


def test_banned_member_cannot_log_in(client, event, resident, other_resident, moderator, report,
                                     decide, password):  # fmt: skip
    report(other_resident, event)
    decide(ModerationCase.objects.get(), moderator, "ban", ground="illegal")
    response = _login(client, resident, password)
    assert "Your account has been banned" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_member_logged_in_when_suspended_is_logged_out_at_the_next_request(
    login, event, resident, other_resident, moderator, report, decide
):
    client = login(resident)
    assert client.get(reverse("accounts:settings")).status_code == 200
    report(other_resident, event)
    decide(ModerationCase.objects.get(), moderator, "suspend", ground="spam", suspension_days=2)
    response = client.get(reverse("accounts:settings"), follow=True)
    assert "_auth_user_id" not in client.session
    assert "Your account is suspended until" in response.content.decode()
    assert reverse("account_login") in response.redirect_chain[-1][0]


def test_suspended_member_cannot_post(suspended, beauvais):
    with pytest.raises(ValidationError, match="suspended"):
        event_create(author=suspended, data=_event_data(beauvais))
    assert not Event.objects.filter(title="Atelier vélo").exists()


def test_suspended_member_cannot_edit_either(suspended, event):
    with pytest.raises(ValidationError, match="suspended"):
        event_update(event=event, editor=suspended, data={"title": "Changed"})


def test_suspended_members_api_token_is_refused(client, suspended):
    ApiToken.objects.create(user=suspended, name="t", prefix="abcd1234", key_hash=hash_token("k"))
    response = client.get("/api/evenements/", HTTP_AUTHORIZATION="Token k")
    assert response.status_code == 401
    assert "suspended" in response.json()["detail"]


def test_a_suspension_ends_by_itself(client, suspended, password):
    Sanction.objects.update(ends_at=timezone.now() - dt.timedelta(minutes=1))
    forget_sanction(suspended.pk)
    assert active_sanction(suspended) is None
    _login(client, suspended, password)
    assert client.session["_auth_user_id"] == str(suspended.pk)


def test_the_sanction_cache_follows_the_database(suspended):
    sanction = active_sanction(suspended)
    assert sanction.kind == SanctionKind.SUSPENSION
    Sanction.objects.update(lifted_at=timezone.now())
    assert active_sanction(suspended) is not None  # cached...
    forget_sanction(suspended.pk)  # ...until the services clear it
    assert active_sanction(suspended) is None


def test_other_members_are_unaffected(client, suspended, other_resident, password, beauvais):
    _login(client, other_resident, password)
    assert client.session["_auth_user_id"] == str(other_resident.pk)

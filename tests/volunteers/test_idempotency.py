"""A call for volunteers and a sign-up sent twice are recorded once; a refused sign-up (a
redirect with an error) leaves the token usable."""

import datetime as dt

import pytest
from django.urls import reverse

from parvis.volunteers.models import Call, Signup
from tests.idempotency import (
    assert_form_has_token,
    assert_retry_after_error,
    assert_sent_once,
    new_token,
)

from .conftest import tomorrow_at

pytestmark = pytest.mark.django_db


def test_a_call_sent_twice_is_opened_once(login, association_manager, association):
    client = login(association_manager)
    url = reverse("volunteers:create")
    assert_form_has_token(client, url)
    day = (tomorrow_at(9) + dt.timedelta(days=2)).date().isoformat()
    data = {
        "runner": f"organisation:{association.pk}",
        "title": "Collecte de jouets",
        "description": "Trier les jouets donnés et les ranger dans les cartons par âge.",
        "commune": "60057",
        "slot_0_label": "Tri, après-midi",
        "slot_0_date": day,
        "slot_0_start": "14:00",
        "slot_0_end": "17:00",
        "slot_0_places": "4",
    }
    assert_retry_after_error(client, url, {**data, "title": ""}, data, Call.objects.count)
    assert_sent_once(client, url, data, Call.objects.count)


def test_a_sign_up_sent_twice_is_recorded_once(call, login, resident):
    client = login(resident)
    url = reverse("volunteers:signup", args=[call.pk, call.slug])
    assert_form_has_token(client, call.get_absolute_url())
    first, second = call.slots.order_by("position")
    # Refused (no such slot): a redirect with an error, the token stays usable.
    token = new_token()
    refused = client.post(url, {"slot": "999999", "form_token": token})
    assert refused.status_code == 302 and not Signup.objects.exists()
    assert client.post(url, {"slot": first.pk, "form_token": token}).status_code == 302
    assert Signup.objects.count() == 1
    assert_sent_once(client, url, {"slot": second.pk}, Signup.objects.count)

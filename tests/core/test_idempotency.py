"""The one-time token of create forms and the API's ``Idempotency-Key``
(``parvis.core.idempotency``), on the mandate declaration form (any create form would do:
every app's tests check their own forms with ``tests/idempotency.py``)."""

import hashlib

from django.core.cache import cache

from parvis.accounts.models import Mandate, MandateRole
from parvis.accounts.services import api_token_create
from parvis.core.idempotency import PENDING, _key
from tests.idempotency import (
    assert_form_has_token,
    assert_retry_after_error,
    assert_sent_once,
    new_token,
)

MANDATES = "/compte/mandats/"


def _mayor(beauvais):
    return {"role": MandateRole.MAYOR, "commune": str(beauvais)}


def test_the_mandate_form_is_sent_once_and_a_refusal_keeps_its_token(login, resident, beauvais):
    client = login(resident)
    assert_form_has_token(client, MANDATES)
    count = Mandate.objects.count
    assert_retry_after_error(
        client,
        MANDATES,
        {"role": MandateRole.MAYOR, "commune": "Atlantide"},
        _mayor(beauvais),
        count,
    )
    valid = {"role": MandateRole.MUNICIPAL_COUNCILLOR, "commune": str(beauvais)}
    assert_sent_once(client, MANDATES, valid, count)


def test_each_render_of_a_form_gets_its_own_token(login, resident):
    client = login(resident)
    pages = [client.get(MANDATES).content.decode() for _ in range(2)]
    tokens = [page.split('name="form_token" value="')[1].split('"')[0] for page in pages]
    assert tokens[0] != tokens[1] and len(tokens[0]) >= 16


def test_a_token_belongs_to_its_member(login, resident, other_resident, beauvais):
    token = new_token()
    assert (
        login(resident).post(MANDATES, {**_mayor(beauvais), "form_token": token}).status_code == 302
    )
    client = login(other_resident)
    assert client.post(MANDATES, {**_mayor(beauvais), "form_token": token}).status_code == 302
    assert Mandate.objects.filter(user=other_resident).count() == 1


def test_a_malformed_token_is_not_tracked(login, resident, beauvais):
    client = login(resident)
    roles = (MandateRole.MAYOR, MandateRole.MUNICIPAL_COUNCILLOR)
    for role in roles:
        data = {"role": role, "commune": str(beauvais), "form_token": "<script>"}
        assert client.post(MANDATES, data).status_code == 302
    assert Mandate.objects.filter(user=resident).count() == 2


def test_a_form_sent_while_its_first_sending_runs_says_so(login, resident, beauvais, settings):
    settings.PARVIS_IDEMPOTENCY_WAIT_SECONDS = 0
    client = login(resident)
    token = new_token()
    cache.set(_key(f"u{resident.pk}", MANDATES, token), PENDING, 60)  # the first one runs

    response = client.post(
        MANDATES, {**_mayor(beauvais), "form_token": token}, HTTP_REFERER="http://testserver/x/"
    )

    assert response.status_code == 302 and response["Location"] == "http://testserver/x/"
    assert not Mandate.objects.exists()
    page = client.get(MANDATES).content.decode()
    assert "still being sent" in page or "encore en cours d’envoi" in page


def test_the_api_key_answers_409_while_running_and_400_when_malformed(resident, client):
    _, key = api_token_create(user=resident, name="tests")
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    url = "/api/groupes/"
    data = {"name": "Jardins", "description": "Graines.", "theme": "environment"}
    bad = client.post(
        url, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY="é" * 3, **headers
    )
    assert bad.status_code == 400
    scope = "a" + hashlib.sha256(f"Token {key}".encode()).hexdigest()[:32]
    cache.set(_key(scope, url, "k1"), PENDING, 60)
    busy = client.post(
        url, data, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1", **headers
    )
    assert busy.status_code == 409

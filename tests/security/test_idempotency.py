"""Every create form of ``writes.py`` sent twice with one token creates once, and its API
operation honours ``Idempotency-Key`` (``parvis.core.idempotency``). The create forms of the
other apps are tested in their own directories with the same helpers (``tests/idempotency.py``).
"""

import json

import pytest
from django.urls import reverse

from tests.idempotency import (
    assert_form_has_token,
    assert_new_token_sends_again,
    assert_retry_after_error,
    assert_sent_once,
)

from .writes import WRITES

BY_NAME = {write.name: write for write in WRITES}


def _consultation_page(world):
    return world["consultation"].get_absolute_url()


#: name -> (the page showing the form, an invalid change, whether a member may create twice)
CREATES = {
    "event_create": (lambda world: reverse("agenda:propose"), {"title": ""}, True),
    "post_create": (lambda world: reverse("news:create"), {"title": ""}, True),
    "group_create": (lambda world: reverse("groups:create"), {"name": ""}, True),
    "thread_create": (None, {"title": ""}, True),
    "message_post": (None, {"body": ""}, True),
    "join_request": (None, {"message": "x" * 5000}, False),
    "consultation_comment": (_consultation_page, {"body": ""}, True),
    "report": (None, {"reason": ""}, False),
}
API_CREATES = ["event_create", "post_create", "group_create", "thread_create", "message_post"]


@pytest.mark.parametrize("name", CREATES)
def test_a_create_form_sent_twice_creates_once(name, people, client):
    write = BY_NAME[name]
    page, invalid, repeatable = CREATES[name]
    world = write.setup(people)
    client.force_login(world["user"])
    url = write.form_url(world)
    valid, _api = write.submissions(world, {}, {})
    assert_form_has_token(client, page(world) if page else url)

    assert_sent_once(client, url, valid, lambda: write.stored(world))
    if repeatable:
        assert_new_token_sends_again(client, url, valid, lambda: write.stored(world))


@pytest.mark.parametrize("name", CREATES)
def test_a_refused_create_form_may_be_sent_again_with_its_token(name, people, client):
    write = BY_NAME[name]
    _page, invalid, _repeatable = CREATES[name]
    world = write.setup(people)
    client.force_login(world["user"])
    valid, _api = write.submissions(world, {}, {})
    bad, _api = write.submissions(world, invalid, {})

    assert_retry_after_error(client, write.form_url(world), bad, valid, lambda: write.stored(world))


@pytest.mark.parametrize("name", API_CREATES)
def test_an_api_create_with_an_idempotency_key_runs_once(name, people, api_client):
    write = BY_NAME[name]
    world = write.setup(people)
    client = api_client(world["user"])
    _form, data = write.submissions(world, {}, {})
    url = write.api_url(world)
    before = write.stored(world)

    first = client.post(url, data, format="json", HTTP_IDEMPOTENCY_KEY="essai-1")
    again = client.post(url, data, format="json", HTTP_IDEMPOTENCY_KEY="essai-1")

    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert json.loads(again.content) == json.loads(first.content)
    assert write.stored(world) == before + 1
    other = client.post(url, data, format="json", HTTP_IDEMPOTENCY_KEY="essai-2")
    assert other.status_code == 201 and write.stored(world) == before + 2
    changed = client.post(
        url,
        {**data, **{key: "Autre" for key in write.fields.values() if key in data}},
        format="json",
        HTTP_IDEMPOTENCY_KEY="essai-1",
    )
    assert changed.status_code == 422
    assert write.stored(world) == before + 2

"""Titles refuse invisible and bidirectional control characters (issue 17, item 6): an event's
title and venue and a discussion's title, through the form and through the API, since the
check lives in the service (and the model, for the admin)."""

import pytest

from .conftest import api_messages, looks_french
from .test_form_api_parity import REFUSAL_MARKS
from .writes import WRITES

SPOOF = "Fête \u202eesrever\u202c"
CASES = [
    (write, field)
    for write in WRITES
    for field in ("title", "venue_name")
    if write.name in {"event_create", "event_update", "thread_create"}
    and field in write.fields
    and not (write.name == "event_update" and field == "venue_name")
]


@pytest.mark.parametrize(("write", "field"), CASES, ids=lambda value: getattr(value, "name", value))
def test_a_title_with_a_bidirectional_override_is_refused(write, field, people, client, api_client):
    world = write.setup(people)
    before = write.stored(world)
    client.force_login(world["user"])
    form_data, api_data = write.submissions(world, {field: SPOOF}, {write.fields[field]: SPOOF})

    page = client.post(write.form_url(world), form_data).content.decode()
    method, _path = write.api_operation
    response = getattr(api_client(world["user"]), method)(
        write.api_url(world), api_data, format="json"
    )

    assert any(mark in page for mark in REFUSAL_MARKS) and "U+202E" in page
    assert response.status_code == 400, response.content[:500]
    messages = api_messages(response.json())
    assert any("U+202E" in message for message in messages), messages
    assert all(looks_french(message) for message in messages), messages
    assert write.stored(world) == before

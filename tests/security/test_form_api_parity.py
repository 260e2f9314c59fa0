"""The API refuses what the form refuses (issue 17, item 3), generated over both.

For each write of ``writes.WRITES`` that has a web form and an API operation, a table of
invalid inputs is derived from the form's own field rules (lengths, required texts, numeric
bounds), plus the write's cross-field cases (recurrence, dates, price...). Each is sent to the
page and to the API: the page shows the form again with an error, the API answers 400 with a
French message, and nothing is stored.
"""

import pytest
from django import forms

from .conftest import api_messages, looks_french, sign_in
from .writes import API_NOT_YET_COVERED, BODYLESS, SAME_AS, WRITES, Case


def derived_cases(write):
    """Invalid inputs read off the form's fields, for the fields the API shares."""
    cases = []
    base = write.form_class.base_fields if write.form_class else {}
    for form_name, api_name in write.fields.items():
        field = base.get(form_name)
        if isinstance(field, forms.URLField):
            if field.max_length:
                long_url = "https://example.org/" + "a" * field.max_length
                cases.append(
                    Case(f"{form_name} too long", {form_name: long_url}, {api_name: long_url})
                )
        elif isinstance(field, forms.CharField):
            if field.max_length:
                text = "x" * (field.max_length + 1)
                cases.append(Case(f"{form_name} too long", {form_name: text}, {api_name: text}))
            if field.required:
                cases.append(Case(f"{form_name} blank", {form_name: "   "}, {api_name: "   "}))
        elif isinstance(field, forms.IntegerField):
            if field.max_value is not None:
                value = field.max_value + 1
                cases.append(Case(f"{form_name} above", {form_name: str(value)}, {api_name: value}))
            if field.min_value is not None:
                value = field.min_value - 1
                cases.append(Case(f"{form_name} below", {form_name: str(value)}, {api_name: value}))
    return cases + list(write.cases)


#: How a page shows a refusal: a field's errors, the form's alert, or an error message.
REFUSAL_MARKS = ('class="errorlist', 'role="alert"', 'class="message message-error')

PAIRS = [
    pytest.param(write, case, id=f"{write.name}-{case.label}")
    for write in WRITES
    if write.form_url and write.api_url
    for case in derived_cases(write)
]


def test_every_pair_has_cases():
    """A write with both a form and an API operation has invalid inputs to try."""
    for write in WRITES:
        if write.form_url and write.api_url:
            assert derived_cases(write), write.name


@pytest.mark.parametrize(("write", "case"), PAIRS)
def test_form_refuses(write, case, people, client):
    world = write.setup(people)
    sign_in(client, world)
    form_data, _api = write.submissions(world, case.form, case.api)
    before = write.stored(world)

    response = client.post(write.form_url(world), form_data)

    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 302:  # refused with a message on the page it sends back to
        page = client.get(response["Location"]).content.decode()
    else:
        page = response.content.decode()
    assert any(mark in page for mark in REFUSAL_MARKS), page[:2000]
    assert write.stored(world) == before


@pytest.mark.parametrize(("write", "case"), PAIRS)
def test_api_refuses_in_french(write, case, people, api_client):
    world = write.setup(people)
    _form, api_data = write.submissions(world, case.form, case.api)
    before = write.stored(world)
    method, _path = write.api_operation

    response = getattr(api_client(world["user"]), method)(
        write.api_url(world), api_data, format="json"
    )

    assert response.status_code == 400, (response.status_code, response.content[:500])
    messages = api_messages(response.json())
    assert messages and all(looks_french(message) for message in messages), messages
    assert write.stored(world) == before


@pytest.mark.parametrize("write", [w for w in WRITES if w.api_url], ids=lambda w: w.name)
def test_the_valid_submission_is_taken_by_the_api(write, people, api_client):
    """The tables above are only worth something if the valid input passes."""
    world = write.setup(people)
    _form, api_data = write.submissions(world, {}, {})
    method, _path = write.api_operation
    response = getattr(api_client(world["user"]), method)(
        write.api_url(world), api_data, format="json"
    )
    assert response.status_code in (200, 201), response.content[:1000]


@pytest.mark.parametrize("write", [w for w in WRITES if w.form_url], ids=lambda w: w.name)
def test_the_valid_submission_is_taken_by_the_form(write, people, client):
    world = write.setup(people)
    sign_in(client, world)
    form_data, _api = write.submissions(world, {}, {})
    response = client.post(write.form_url(world), form_data)
    assert response.status_code == 302, response.content.decode()[:3000]


def test_every_api_write_is_covered():
    """Each write operation of the OpenAPI schema is in ``writes.WRITES`` (or declared with
    no input, or sharing a listed one's serializer and service): a new API write fails here
    until its form/API parity and hostile inputs are tested."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = {
        (method, path)
        for path, item in schema["paths"].items()
        for method in item
        if method in {"post", "put", "patch", "delete"}
    }
    covered = {write.api_operation for write in WRITES if write.api_operation}
    missing = operations - covered - set(BODYLESS) - set(SAME_AS) - set(API_NOT_YET_COVERED)
    assert not missing, f"API writes without parity/hostile tests: {sorted(missing)}"
    listed = set(BODYLESS) | set(SAME_AS) | set(API_NOT_YET_COVERED) | covered
    assert not listed - operations  # no stale entry
    assert not API_NOT_YET_COVERED  # the gap list stays empty
    with_body = sorted(key for key in BODYLESS if "requestBody" in schema["paths"][key[1]][key[0]])
    assert not with_body, f"Declared without a body, but the schema gives one: {with_body}"

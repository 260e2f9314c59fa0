"""The authorization matrix: every route × method × persona, generated from the URL
configuration and the API schema (issue 17, "Keep it found").

``table.py`` says what each persona gets from each route (GET and POST, with an empty form)
and from each API operation (with the persona's token). A route or an API operation missing
from the table fails ``test_every_route_has_a_rule``: a new page states who may use it.
Every refused request (log-in redirect, 401, 403, 404, 405) must change nothing: each request
runs in a savepoint, and the database is compared before and after it.

To see what the code answers now (after adding a route): ``AUTHZ_RECORD=1 pytest
tests/authorization -s -k persona`` prints each persona's row, to compare with ``table.py``.
"""

import os

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.urls import reverse

from .routes import admin_routes, api_url, route_url, schema_operations, url_routes
from .table import (
    ADMIN_EXPECTED,
    API,
    API_BODIES,
    EXTRA,
    EXTRA_API,
    IGNORED_COLUMNS,
    LOGIN,
    NO_WRITE,
    NOT_YET_IN_MATRIX,
    NOT_YET_IN_MATRIX_API,
    OPTIONAL_ROUTES,
    POST_BODIES,
    REFUSED,
    ROUTES,
    UNNAMED_ALLOWED,
    UNTESTED_POSTS,
)
from .world import EXTRA_PERSONAS, PERSONAS, api_client_for, build_world

RECORD = os.environ.get("AUTHZ_RECORD")


class _Rollback(Exception):
    pass


def _state_query():
    parts = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in {"sessions", "admin", "usersessions", "contenttypes"}:
            continue
        if meta.proxy or not meta.managed:
            continue
        quote = connection.ops.quote_name
        ignored = IGNORED_COLUMNS.get(meta.label, ())
        columns = ", ".join(
            f"t.{quote(field.column)}"
            for field in meta.concrete_fields
            if field.name not in ignored
        )
        pk = quote(meta.pk.column)
        parts.append(
            f"SELECT '{meta.label}', COUNT(*), MAX(t.{pk})::text, "
            f"md5(string_agg(md5(ROW({columns})::text), '' ORDER BY t.{pk})) "
            f"FROM {quote(meta.db_table)} t"
        )
    return " UNION ALL ".join(parts)


def database_state():
    """Every row of every table of Parvis (count, highest key and a digest of the rows'
    values), in one query: what a refused request must leave as it was, an update of an
    existing row included."""
    with connection.cursor() as cursor:
        cursor.execute(_state_query())
        # Sorted: UNION ALL promises no order (a parallel append may mix the parts).
        return sorted(cursor.fetchall())


def _changed_tables(before, after):
    return sorted(row[0] for row, other in zip(before, after, strict=True) if row != other)


def _status(response):
    if response.status_code == 302 and "/compte/login/" in response.get("Location", ""):
        return LOGIN
    return str(response.status_code)


def _request(client, method, url, before, *, api=False, body=None):
    """One request in a savepoint rolled back afterwards (so the world stays the same for
    every request); returns its status and the tables it wrote (none for a GET)."""
    try:
        with transaction.atomic():
            kwargs = {"format": "json"} if api else {}
            response = getattr(client, method.lower())(url, body or {}, **kwargs)
            changed = [] if method == "GET" else _changed_tables(before, database_state())
            raise _Rollback
    except _Rollback:
        pass
    return _status(response), changed


def _body(bodies, key, world):
    body = bodies.get(key)
    return body(world) if callable(body) else body


def test_every_route_has_a_rule():
    """Every route and every API operation has a line; the gap lists stay empty."""
    assert not NOT_YET_IN_MATRIX and not NOT_YET_IN_MATRIX_API and not UNNAMED_ALLOWED
    routes = url_routes()
    unnamed = sorted(routes.pop(None, []))
    assert not unnamed, f"Unnamed routes (name them in the URLconf): {unnamed}"
    missing = sorted(set(routes) - set(ROUTES))
    assert not missing, f"Routes without a rule in tests/authorization/table.py: {missing}"
    gone = sorted(set(ROUTES) - set(routes) - OPTIONAL_ROUTES)
    assert not gone, f"Rules of routes that no longer exist: {gone}"
    operations = schema_operations()
    missing_api = sorted(operations - set(API))
    assert not missing_api, f"API operations without a rule: {missing_api}"
    assert not sorted(set(API) - operations), "Rules of API operations that no longer exist"
    for persona, rules in EXTRA.items():
        assert persona in EXTRA_PERSONAS and not set(rules) - set(ROUTES), persona
    for persona, rules in EXTRA_API.items():
        assert persona in EXTRA_PERSONAS and not set(rules) - set(API), persona
    assert not set(POST_BODIES) - set(ROUTES) and not set(API_BODIES) - set(API)


@pytest.fixture
def world(request, oise, settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    return build_world(request, oise)


def _check(label, statuses, expected, changed, failures, *, may_write=None):
    """``may_write`` (the extra personas): the only statuses after which a write is taken
    (on a page, a form shown again with its errors, 200, must not have written)."""
    observed = ":".join(statuses)
    if observed != expected:
        failures.append(f"{label}: {observed}, expected {expected}")
    if changed and (statuses[-1] not in may_write if may_write else statuses[-1] in NO_WRITE):
        failures.append(f"{label}: refused ({statuses[-1]}) but wrote in {changed}")
    return observed


def _expected(rules, key, persona):
    if persona in PERSONAS:
        column = PERSONAS.index(persona)
        return "".join(rules.get(key, "").split()[column : column + 1])
    return rules[key]


def _walk_pages(persona, world, client, login, names, expected_rules, *, extra=False):
    kwargs, users = world
    if persona != "visitor":
        login(users[persona], mfa=False if persona == "staff_without_mfa" else None)
    else:  # a session saved before the walk: each request is rolled back, and a session
        # first saved by a rolled-back request (a flash message) would be gone for the next
        session = client.session
        session["matrix"] = True
        session.save()
    routes = url_routes()
    before = database_state()
    observed, failures = {}, []
    for name in sorted(names):
        url = route_url(name, routes[name], kwargs)
        statuses = [_request(client, "GET", url, before)[0]]
        changed = []
        post_anyway = extra and name in POST_BODIES  # what the extra persona may not do
        if (statuses[0] in REFUSED or post_anyway) and name not in UNTESTED_POSTS:
            body = _body(POST_BODIES, name, kwargs)
            post, changed = _request(client, "POST", url, before, body=body)
            statuses.append(post)
        assert "500" not in statuses, (name, url)
        expected = _expected(expected_rules, name, persona)
        observed[name] = _check(
            f"{url} ({name})",
            statuses,
            expected,
            changed,
            failures,
            may_write={"302"} if extra else None,
        )
    if RECORD:
        print(f"\n# {persona}")
        for name, value in observed.items():
            print(f"{name!r}: {value!r},")
    assert not failures, "\n".join(failures)


def _walk_api(persona, world, operations, expected_rules, *, extra=False):
    kwargs, users = world
    client = api_client_for(persona, users)
    before = database_state()
    observed, failures = {}, []
    for path, method in sorted(operations):
        url = api_url(path, kwargs)
        body = _body(API_BODIES, (path, method), kwargs)
        status, changed = _request(client, method, url, before, api=True, body=body)
        assert status != "500", (method, url)
        expected = _expected(expected_rules, (path, method), persona)
        observed[(path, method)] = _check(
            f"{method} {url}",
            [status],
            expected,
            changed,
            failures,
            may_write={"200", "201", "204"} if extra else None,
        )
    if RECORD:
        print(f"\n# {persona}")
        for key, value in observed.items():
            print(f"{key!r}: {value!r},")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_as_persona(persona, world, client, login):
    """GET every page; where the persona is refused (log-in, 403, 404, 405), POST too (a
    valid-looking body where ``POST_BODIES`` has one), and the refused POST must write
    nothing."""
    names = [name for name in url_routes() if name]
    _walk_pages(persona, world, client, login, names, ROUTES)


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_as_persona(persona, world):
    """Every operation of the API schema with the persona's token (``API_BODIES``' body for
    writes, else an empty one); a refused write must write nothing."""
    _walk_api(persona, world, schema_operations(), API)


@pytest.mark.parametrize("persona", EXTRA_PERSONAS)
def test_pages_as_extra_persona(persona, world, client, login):
    """The blocked member, the official's delegate and the town hall's agent on the routes
    where they differ from a member (``table.EXTRA``)."""
    _walk_pages(persona, world, client, login, EXTRA[persona], EXTRA[persona], extra=True)


@pytest.mark.parametrize("persona", EXTRA_PERSONAS)
def test_api_as_extra_persona(persona, world):
    _walk_api(persona, world, EXTRA_API[persona], EXTRA_API[persona], extra=True)


@pytest.mark.parametrize("persona", ["visitor", "member", "staff_without_mfa", "moderator"])
def test_admin_as_persona(persona, world, client, login):
    """The admin's pages (its index and every list): staff after two-factor authentication
    only. Others are sent to log in, to the two-factor setup, or refused."""
    _kwargs, users = world
    if persona != "visitor":
        login(users[persona], mfa=False if persona == "staff_without_mfa" else None)
    failures = []
    for name in admin_routes():
        response = client.get(reverse(name))
        expected = ADMIN_EXPECTED[persona]
        if response.status_code not in expected["status"] or not response.get(
            "Location", ""
        ).startswith(expected.get("location", ("",))):
            failures.append(f"{name}: {response.status_code} {response.get('Location', '')}")
    assert not failures, "\n".join(failures)


def test_staff_without_mfa_gets_no_more_than_a_member():
    """Staff powers need two-factor authentication: without it, a site moderator's column is
    a member's (the other member's, but for the invitation addressed to them)."""
    column = PERSONAS.index("staff_without_mfa")
    member = PERSONAS.index("other_member")
    invitee_only = {"organisations:invitation_accept", "organisations:invitation_decline"}
    for table in (ROUTES, API):
        for key, statuses in table.items():
            if key in invitee_only:
                continue
            row = statuses.split()
            assert row[column] == row[member], key

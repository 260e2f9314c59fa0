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

from .routes import admin_routes, api_url, route_url, schema_operations, url_routes
from .table import (
    ADMIN_EXPECTED,
    API,
    LOGIN,
    NO_WRITE,
    NOT_YET_IN_MATRIX,
    NOT_YET_IN_MATRIX_API,
    REFUSED,
    ROUTES,
    UNNAMED_ALLOWED,
    UNTESTED_POSTS,
)
from .world import PERSONAS, api_client_for, build_world

RECORD = os.environ.get("AUTHZ_RECORD")


class _Rollback(Exception):
    pass


def database_state():
    """Rows of every table of Parvis (count and highest key), in one query: what a refused
    request must leave as it was."""
    parts = []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in {"sessions", "admin", "usersessions", "contenttypes"}:
            continue
        if meta.proxy or not meta.managed:
            continue
        table, pk = connection.ops.quote_name(meta.db_table), meta.pk.column
        parts.append(
            f"SELECT '{meta.label}', COUNT(*), MAX({connection.ops.quote_name(pk)})::text "
            f"FROM {table}"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        # Sorted: UNION ALL promises no order (a parallel append may mix the parts).
        return sorted(cursor.fetchall())


def _status(response):
    if response.status_code == 302 and "/compte/login/" in response.get("Location", ""):
        return LOGIN
    return str(response.status_code)


def _request(client, method, url, before, *, api=False):
    """One request in a savepoint rolled back afterwards (so the world stays the same for
    every request); returns its status and whether it wrote."""
    try:
        with transaction.atomic():
            kwargs = {"format": "json"} if api else {}
            response = getattr(client, method.lower())(url, {}, **kwargs)
            changed = method != "GET" and database_state() != before
            raise _Rollback
    except _Rollback:
        pass
    return _status(response), changed


def test_every_route_has_a_rule():
    routes = url_routes()
    unnamed = set(routes.pop(None, []))
    assert unnamed <= UNNAMED_ALLOWED, f"Unnamed routes: {sorted(unnamed - UNNAMED_ALLOWED)}"
    assert not NOT_YET_IN_MATRIX & set(ROUTES), "A route with a line leaves NOT_YET_IN_MATRIX"
    missing = sorted(set(routes) - set(ROUTES) - NOT_YET_IN_MATRIX)
    assert not missing, f"Routes without a rule in tests/authorization/table.py: {missing}"
    gone = sorted(set(ROUTES) - set(routes))
    assert not gone, f"Rules of routes that no longer exist: {gone}"
    operations = schema_operations()
    assert not NOT_YET_IN_MATRIX_API & set(API), "An operation with a line leaves the gap list"
    missing_api = sorted(operations - set(API) - NOT_YET_IN_MATRIX_API)
    assert not missing_api, f"API operations without a rule: {missing_api}"
    assert not sorted(set(API) - operations), "Rules of API operations that no longer exist"


@pytest.fixture
def world(request, oise, settings):
    settings.LANGUAGE_CODE = "en"
    return build_world(request, oise)


def _check(key, label, statuses, expected, changed, failures):
    observed = ":".join(statuses)
    if observed != expected:
        failures.append(f"{label}: {observed}, expected {expected}")
    if changed:
        failures.append(f"{label}: refused ({statuses[-1]}) but wrote in the database")
    return observed


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_as_persona(persona, world, client, login):
    """GET every page; where the persona is refused (log-in, 403, 404, 405), POST too, and
    the refused POST must write nothing."""
    kwargs, users = world
    if persona != "visitor":
        login(users[persona], mfa=False if persona == "staff_without_mfa" else None)
    routes = url_routes()
    column = PERSONAS.index(persona)
    before = database_state()
    observed, failures = {}, []
    for name in sorted(name for name in routes if name and name not in NOT_YET_IN_MATRIX):
        url = route_url(name, routes[name], kwargs)
        statuses = [_request(client, "GET", url, before)[0]]
        changed = False
        if statuses[0] in REFUSED and name not in UNTESTED_POSTS:
            post, changed = _request(client, "POST", url, before)
            statuses.append(post)
            changed = changed and post in NO_WRITE
        assert "500" not in statuses, (name, url)
        expected = ROUTES.get(name, "").split()[column : column + 1]
        observed[name] = _check(
            name, f"{url} ({name})", statuses, "".join(expected), changed, failures
        )
    if RECORD:
        print(f"\n# {persona}")
        for name, value in observed.items():
            print(f"{name!r}: {value!r},")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_as_persona(persona, world):
    """Every operation of the API schema with the persona's token (an empty body for writes);
    a refused write must write nothing."""
    kwargs, users = world
    client = api_client_for(persona, users)
    column = PERSONAS.index(persona)
    before = database_state()
    observed, failures = {}, []
    for path, method in sorted(schema_operations() - NOT_YET_IN_MATRIX_API):
        url = api_url(path, kwargs)
        status, changed = _request(client, method, url, before, api=True)
        assert status != "500", (method, url)
        expected = "".join(API.get((path, method), "").split()[column : column + 1])
        observed[(path, method)] = _check(
            path, f"{method} {url}", [status], expected, changed and status in NO_WRITE, failures
        )
    if RECORD:
        print(f"\n# {persona}")
        for key, value in observed.items():
            print(f"{key!r}: {value!r},")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("persona", ["visitor", "member", "staff_without_mfa", "moderator"])
def test_admin_as_persona(persona, world, client, login):
    """The admin's pages (its index and every list): staff after two-factor authentication
    only. Others are sent to log in, to the two-factor setup, or refused."""
    _kwargs, users = world
    if persona != "visitor":
        login(users[persona], mfa=False if persona == "staff_without_mfa" else None)
    from django.urls import reverse

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

"""Prepared statements (parvis.environment.parse_database): a query a connection runs again
and again is planned once, whatever its values, unless DATABASE_PREPARE_THRESHOLD=0; and no
JIT compilation unless DATABASE_JIT=true."""

import pytest
from django.db import connection

from parvis.agenda.models import Event
from parvis.environment import parse_database

URL = "postgres://parvis@db.example.org:5432/parvis"


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgresql  # the tests reading the settings run on any database
@pytest.mark.django_db
def test_a_query_run_again_with_other_values_is_prepared_once():
    for pk in range(1, 9):  # eight different events: the same text with server-side binding
        list(Event.objects.filter(pk=pk).values_list("title", flat=True))
    statements = [text for text in prepared_statements() if '"agenda_event"."title"' in text]
    assert len(statements) == 1, statements
    assert '"agenda_event"."id" = $1' in statements[0], "the value is a parameter"


@pytest.mark.postgresql  # the tests reading the settings run on any database
@pytest.mark.django_db
def test_a_connection_keeps_more_statements_than_psycopg_default():
    # 120 distinct texts (a list of keys of each length from 1 to 120), each run six times
    # (prepared at the run after the fifth): psycopg alone would keep the last 100.
    for length in range(1, 121):
        for _ in range(6):
            list(Event.objects.filter(pk__in=range(length)).values_list("pk", flat=True))
    statements = [text for text in prepared_statements() if '"agenda_event"."id" IN' in text]
    assert len(statements) == 120


def test_the_threshold_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARE_THRESHOLD", raising=False)
    options = parse_database(URL)["OPTIONS"]
    assert (options["server_side_binding"], options["prepare_threshold"]) == (True, 5)
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "2")
    assert parse_database(URL)["OPTIONS"]["prepare_threshold"] == 2


def test_zero_turns_prepared_statements_off_for_a_pooler(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARE_THRESHOLD", "0")
    options = parse_database(URL)["OPTIONS"]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_sqlite_is_left_as_it_is():
    assert not parse_database("sqlite:////tmp/parvis.sqlite3").get("OPTIONS")


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_connections_do_not_compile_queries_just_in_time():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_jit_is_off_unless_asked_and_other_options_are_kept(monkeypatch):
    monkeypatch.delenv("DATABASE_JIT", raising=False)
    assert parse_database(URL)["OPTIONS"]["options"] == "-c jit=off"
    given = parse_database(URL + "?options=-c%20statement_timeout%3D5000")["OPTIONS"]["options"]
    assert given == "-c statement_timeout=5000 -c jit=off"
    monkeypatch.setenv("DATABASE_JIT", "true")  # behind a pooler that refuses ``options``
    assert "options" not in parse_database(URL)["OPTIONS"]

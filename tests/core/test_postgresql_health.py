"""The health check of a persistent PostgreSQL connection (core.postgresql): no query on a
healthy connection, and a connection the server ended is opened anew before a request uses it."""

import psycopg
import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]


def backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def other_connection():
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    )


def test_the_backend_is_parvis_own():
    assert type(connections["default"]).__module__ == "parvis.core.postgresql.base"
    assert connections["default"].health_check_enabled


def test_a_healthy_connection_is_checked_without_a_query():
    pid = backend_pid()
    with other_connection() as other:
        before = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        last_query = before.fetchone()[0]
        connection.health_check_done = False
        connection.close_if_health_check_failed()
        after = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        assert after.fetchone()[0] == last_query, "no SELECT 1 was sent"
    assert connection.connection is not None, "kept"
    assert backend_pid() == pid


def test_a_connection_the_server_ended_is_opened_anew():
    pid = backend_pid()
    with other_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits for its end
    connection.health_check_done = False
    connection.close_if_health_check_failed()  # what Django does when a request starts
    assert backend_pid() != pid, "a new connection, and no error"

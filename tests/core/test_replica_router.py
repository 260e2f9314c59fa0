"""Read replicas (``core.routers``): the routed public reads run on the ``replica`` connection,
writes on the primary, and a read after a write — same request, same transaction, or the
same client within ``PARVIS_REPLICA_PIN_SECONDS`` — stays on the primary.

The ``replica`` alias mirrors the test database (``TEST: {"MIRROR": "default"}``): a separate
connection to the same data, so these tests commit (``transaction=True``) for it to see them.
With ``DATABASE_REPLICA_URL`` set the settings define it; otherwise it is added here, at
collection, so that the test databases' setup makes it a mirror. The router and its middleware
are only turned on in these tests: the rest of the suite runs without them.
"""

import copy
import importlib

import pytest
from django.db import connections, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from parvis.agenda.models import Category, Event
from parvis.core import routers
from tests.agenda.conftest import create_event

if routers.REPLICA not in connections.settings:
    _replica = copy.deepcopy(connections.settings["default"])
    _replica["TEST"] = {**_replica.get("TEST", {}), "MIRROR": "default"}
    connections.settings[routers.REPLICA] = _replica

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

ROUTER = "parvis.core.routers.ReplicaRouter"
MIDDLEWARE = "parvis.core.routers.ReplicaPinMiddleware"


@pytest.fixture(scope="module", autouse=True)
def _categories_back_after_flush(django_db_setup, django_db_blocker):
    """A transactional test ends with a flush: put the agenda's seeded categories back."""
    yield
    seed = importlib.import_module("parvis.agenda.migrations.0002_categories")
    from django.apps import apps

    with django_db_blocker.unblock():
        seed.create_categories(apps, None)


@pytest.fixture(autouse=True)
def replica(settings):
    """The router and the pin middleware on, as with ``DATABASE_REPLICA_URL`` set."""
    settings.DATABASE_ROUTERS = [ROUTER]
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [MIDDLEWARE, *settings.MIDDLEWARE]
    settings.PARVIS_REPLICA_PIN_SECONDS = 10
    routers._replica_down_until = 0.0
    yield connections[routers.REPLICA]
    routers._replica_down_until = 0.0


@pytest.fixture
def event(oise, association_manager):
    Category.objects.get_or_create(slug="culture", defaults={"name": "Culture"})
    return create_event(
        created_by=association_manager, commune=oise["beauvais"], title="Bal des pompiers"
    )


def tables(queries):
    return " ".join(query["sql"] for query in queries)


def fetch(client, url):
    """``(response, content, queries on the primary, queries on the replica)``."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[routers.REPLICA]) as replica,
    ):
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200, url
    return response, content, tables(primary), tables(replica)


def test_a_members_agenda_list_is_read_from_the_replica(event, resident, login):
    client = login(resident)
    _, content, primary, replica = fetch(client, "/agenda/")
    assert b"Bal des pompiers" in content
    assert '"agenda_eventoccurrence"' in replica
    assert '"agenda_eventoccurrence"' not in primary
    # Log-in and session tables are never read from the replica.
    assert '"django_session"' not in replica


@pytest.mark.parametrize(
    ("url", "table"),
    [
        ("/agenda/flux.ics", "agenda_event"),
        ("/annuaire/", "organisations_organisation"),
        ("/groupes/", "groups_group"),
        ("/api/evenements/", "agenda_event"),
    ],
)
def test_feeds_directory_groups_and_the_api_list_are_read_from_the_replica(
    event, resident, login, url, table
):
    _, _, primary, replica = fetch(login(resident), url)
    assert f'FROM "{table}"' in replica
    assert f'FROM "{table}"' not in primary


def test_the_streamed_feed_reads_the_replica_while_it_is_streamed(event, resident, login):
    _, content, _, replica = fetch(login(resident), "/agenda/flux.ics")
    assert b"Bal des pompiers" in content
    assert '"agenda_event"' in replica


def test_a_page_stored_for_visitors_is_rendered_from_the_primary(event):
    """The page cache stores what it renders: never from a replica that may lag."""
    _, content, primary, replica = fetch(Client(), "/agenda/")
    assert b"Bal des pompiers" in content
    assert '"agenda_eventoccurrence"' in primary
    assert replica == ""


def test_without_page_cache_a_visitor_reads_the_replica(event, settings):
    settings.PARVIS_PAGE_CACHE_SECONDS = 0
    _, _, primary, replica = fetch(Client(), "/agenda/")
    assert '"agenda_eventoccurrence"' in replica
    assert '"agenda_eventoccurrence"' not in primary


def test_a_members_write_pins_them_to_the_primary(event, resident, login):
    """A POST that wrote sets the pin cookie: the page after the redirect, and the next
    ones for PARVIS_REPLICA_PIN_SECONDS, read the primary (read-your-writes)."""
    client = login(resident)
    occurrence = event.occurrences.get()
    response = client.post(f"{event.get_absolute_url()}participer/", {"occurrence": occurrence.pk})
    assert response.status_code == 302
    assert response.cookies[routers.PIN_COOKIE]["max-age"] == 10
    assert response.cookies[routers.PIN_COOKIE]["httponly"]
    _, _, primary, replica = fetch(client, "/agenda/")
    assert '"agenda_eventoccurrence"' in primary
    assert replica == ""
    # Once the cookie is gone (its 10 s are over), back to the replica.
    del client.cookies[routers.PIN_COOKIE]
    _, _, _, replica = fetch(client, "/agenda/")
    assert '"agenda_eventoccurrence"' in replica


def test_a_safe_request_sets_no_pin(event, resident, login):
    response, _, _, _ = fetch(login(resident), "/agenda/")
    assert routers.PIN_COOKIE not in response.cookies


def test_writes_go_to_the_primary_and_a_read_after_a_write_stays_there(event):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[routers.REPLICA]) as replica,
        routers.reading_from_replica(),
    ):
        assert Event.objects.get(pk=event.pk).title == "Bal des pompiers"
        assert tables(replica)
        Event.objects.filter(pk=event.pk).update(title="Grand bal des pompiers")
        read_after = len(replica)
        assert Event.objects.get(pk=event.pk).title == "Grand bal des pompiers"
    assert "UPDATE" in tables(primary)
    assert "UPDATE" not in tables(replica)
    assert len(replica) == read_after  # the read after the write went to the primary


def test_reads_inside_a_transaction_go_to_the_primary(event):
    with (
        CaptureQueriesContext(connections[routers.REPLICA]) as replica,
        routers.reading_from_replica(),
        transaction.atomic(),
    ):
        list(Event.objects.all())
    assert len(replica) == 0


def test_reads_outside_the_block_and_primary_reads_go_to_the_primary(event):
    with CaptureQueriesContext(connections[routers.REPLICA]) as replica:
        list(Event.objects.all())
        with routers.reading_from_replica(), routers.primary_reads():
            list(Event.objects.all())
    assert len(replica) == 0


def test_objects_of_both_aliases_relate_and_migrations_stay_on_the_primary(event):
    router = routers.ReplicaRouter()
    with routers.reading_from_replica():
        from_replica = Event.objects.select_related(None).get(pk=event.pk)
    assert from_replica._state.db == routers.REPLICA
    assert router.allow_relation(from_replica, event.commune)
    from_replica.title = "Bal"
    from_replica.save()  # written on the primary
    assert Event.objects.get(pk=event.pk).title == "Bal"
    assert router.allow_migrate("default", "agenda")
    assert not router.allow_migrate(routers.REPLICA, "agenda")


def test_a_replica_down_falls_back_to_the_primary(event, resident, login, replica):
    """The view is run again on the primary, and the process leaves the replica alone for
    RETRY_SECONDS."""
    replica.close()
    saved = replica.settings_dict["PORT"]
    replica.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        client = login(resident)
        with CaptureQueriesContext(connections["default"]) as primary:
            response = client.get("/agenda/")
        assert response.status_code == 200
        assert b"Bal des pompiers" in response.content
        assert '"agenda_eventoccurrence"' in tables(primary)
        assert routers._replica_down_until > 0
        assert not routers.routed(RequestFactory().get("/annuaire/"))  # for RETRY_SECONDS
        assert client.get("/annuaire/").status_code == 200
    finally:
        replica.close()
        replica.settings_dict["PORT"] = saved

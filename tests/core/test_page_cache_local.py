"""What a process remembers of the shared cache between requests (core.pagecache.local): the
fragments it read are served without reading Redis again, and whatever retired them, in this
process or another, or emptied the cache, shows at the next request."""

import os
import subprocess
import sys

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from redis.client import Redis

from parvis.core import pagecache
from parvis.core.pagecache import local

TAG = "essai.local"


class Renders:
    """A fragment's render, counted."""

    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return f"<p>render {self.count}</p>"


def show(render, parts=("essai", "local")):
    return pagecache.fragment(parts, render, tags=[TAG])


@pytest.fixture
def in_request():
    """Start a request (as the WSGI handler does): call it again for the next one."""

    def send(signal, **kwargs):
        # As Django's test client: the database connections are the test's own.
        signal.disconnect(close_old_connections)
        try:
            signal.send(sender=None, **kwargs)
        finally:
            signal.connect(close_old_connections)

    def start():
        send(request_finished)
        send(request_started, environ={})

    start.finish = lambda: send(request_finished)
    start()
    yield start
    start.finish()


@pytest.fixture
def redis_commands(monkeypatch):
    """The commands this process sends to Redis (counted, then sent as usual)."""
    sent = []
    execute = Redis.execute_command

    def counted(self, *args, **options):
        sent.append(args[0])
        return execute(self, *args, **options)

    monkeypatch.setattr(Redis, "execute_command", counted)
    return sent


def bump_elsewhere(*tags, trim_log=False):
    """Retire ``tags`` from another process (as a Celery worker or another app server would),
    then, with ``trim_log``, lose the log of retirements (as if that process had written more
    of them than the log keeps)."""
    script = (
        "import django; django.setup()\n"
        "from django.core.cache import cache\n"
        "from parvis.core import pagecache\n"
        "from parvis.core.pagecache import local\n"
        f"pagecache.bump({list(tags)!r})\n"
        "client = cache._cache.get_client(write=True)\n"
        f"if {trim_log!r}: client.delete(cache.make_key(local.LOG_KEY))\n"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "parvis.settings"}
    subprocess.run([sys.executable, "-c", script], env=environment, check=True, timeout=60)


def test_a_fragment_read_once_is_served_without_reading_redis(in_request, redis_commands):
    render = Renders()
    assert show(render) == "<p>render 1</p>"
    in_request()
    redis_commands.clear()
    assert show(render) == "<p>render 1</p>"
    assert render.count == 1
    assert redis_commands == ["EVALSHA"], "one read: the retirements since the last request"
    assert show(render) == "<p>render 1</p>"
    assert redis_commands == ["EVALSHA"], "nothing more in the same request"


def test_a_retirement_in_this_process_shows_at_once(in_request):
    render = Renders()
    show(render)
    pagecache.bump([TAG])
    assert show(render) == "<p>render 2</p>", "same request"
    in_request()
    assert show(render) == "<p>render 2</p>"


def test_a_retirement_in_another_process_shows_at_the_next_request(in_request):
    render = Renders()
    show(render)
    in_request()
    assert show(render) == "<p>render 1</p>"
    bump_elsewhere(TAG)
    in_request()
    assert show(render) == "<p>render 2</p>"
    bump_elsewhere("essai.another")  # retires something else: kept
    in_request()
    assert show(render) == "<p>render 2</p>"


def test_retirements_the_log_no_longer_holds_make_the_process_forget(in_request):
    render = Renders()
    show(render)
    bump_elsewhere(TAG, trim_log=True)
    in_request()
    assert show(render) == "<p>render 2</p>"


def test_an_emptied_cache_makes_the_process_forget(in_request):
    render = Renders()
    show(render)
    in_request()
    assert show(render) == "<p>render 1</p>"
    cache.clear()
    in_request()
    assert show(render) == "<p>render 2</p>"


def test_outside_a_request_nothing_is_remembered(in_request, redis_commands):
    render = Renders()
    show(render)
    in_request.finish()
    redis_commands.clear()
    assert show(render) == "<p>render 1</p>"
    assert "EVALSHA" not in redis_commands
    assert "GET" in redis_commands, "read from Redis, as every Celery task or command does"


def test_cards_read_once_are_served_without_reading_redis(in_request, redis_commands):
    from parvis.core.pagecache.cards import shared

    rendered = []

    def card(item):
        rendered.append(item)
        return f"<li>{item}</li>"

    assert shared([1, 2], card, "essai") == ["<li>1</li>", "<li>2</li>"]
    in_request()
    redis_commands.clear()
    assert shared([2, 1], card, "essai") == ["<li>2</li>", "<li>1</li>"]
    assert rendered == [1, 2]
    assert redis_commands == ["EVALSHA"]


def test_without_redis_nothing_is_remembered(in_request, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    render = Renders()
    show(render)
    in_request()
    assert not local.sync()
    assert show(render) == "<p>render 1</p>", "the cache itself still serves it"


@pytest.fixture
def round_trips(monkeypatch):
    """How many times this process sent something to Redis (a pipeline: once)."""
    from redis.connection import AbstractConnection

    sent = []
    send = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(command)
        return send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return sent


@pytest.mark.django_db
def test_a_visitors_stored_page_costs_one_round_trip(client, oise, round_trips):
    first = client.get("/agenda/")
    assert first["X-Page-Cache"] == "miss"
    round_trips.clear()
    again = client.get("/agenda/")
    assert again["X-Page-Cache"] == "hit"
    assert len(round_trips) == 1, "the page and the retirements since the last request, at once"

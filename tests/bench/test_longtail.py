"""The long-tail benchmark's parts (``bench/longtail*.py``, ``bench/longtail.lua``) that run
in seconds: the addresses read off a tiny seeded database, their popularity, the Lua script's
counts (with wrk against a loopback server, when wrk is installed), the pre-run check, and
each kind of write through the services."""

import http.server
import shutil
import threading

import pytest

from bench import longtail, longtail_urls, longtail_writers
from parvis.accounts.models import User
from parvis.agenda.models import Event, Rsvp
from parvis.groups.models import Message, Thread
from parvis.news.models import Follow

from .test_seed import seeded  # noqa: F401 - the tiny dataset, seeded once for this module

WRK_OUTPUT = """Running 5s test @ http://127.0.0.1:8092/
  2 threads and 8 connections
  Latency Distribution
     50%    6.10ms
     75%    8.02ms
     90%   11.37ms
     99%   48.50ms
  5123 requests in 5.00s, 80.12MB read
  Non-2xx or 3xx responses: 3
Requests/sec:   1024.60
Transfer/sec:     16.02MB
page-cache: hit=3500 miss=1000 none=123 stale=500
statuses: 2xx=5117 3xx=3 4xx=2 5xx=1
latency-us: p50=6100 p90=11370 p99=48500 max=90000
"""


# --- addresses --------------------------------------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db
def test_addresses_are_distinct_public_pages_of_every_kind(seeded, client):  # noqa: F811
    kinds = longtail_urls.collect(total=400, seed=3)
    assert set(kinds) == set(longtail_urls.SHARES)
    paths = [path for found in kinds.values() for path in found]
    assert len(paths) == len(set(paths))
    for kind, found in kinds.items():
        assert found, kind
        assert all(path.startswith("/") for path in found), kind
    assert any("?page=2" in path for path in kinds["thread"])
    assert any("/discussions/" in path for path in kinds["thread"])
    assert any(path.startswith("/api/evenements/?") for path in kinds["api"])
    assert any("category=" in path for path in kinds["agenda list"])
    assert longtail_urls.collect(total=400, seed=3) == kinds
    for kind, found in kinds.items():  # what the runner checks before loading them
        accept = "application/json" if found[0].startswith("/api/") else "text/html"
        assert client.get(found[0], HTTP_ACCEPT=accept).status_code == 200, (kind, found[0])


def test_the_head_is_the_front_pages_and_popularity_follows_zipf():
    kinds = {"front": ["/", "/agenda/"], "event": [f"/agenda/{n}-e/" for n in range(500)]}
    paths = longtail.ranked(kinds, seed=1)
    assert paths[:2] == ["/", "/agenda/"]
    assert sorted(paths[2:]) == sorted(kinds["event"])
    drawn = longtail.draw(paths, 20_000, "zipf", 1.0, seed=1)
    assert drawn == longtail.draw(paths, 20_000, "zipf", 1.0, seed=1)
    first, tenth = drawn.count(paths[0]), drawn.count(paths[9])
    assert 7 < first / tenth < 13  # 1/rank: the first ten times the tenth
    uniform = longtail.draw(paths, 20_000, "uniform", seed=1)
    assert uniform.count(paths[0]) < 3 * 20_000 / len(paths)
    shares = longtail.shares(len(paths))
    assert 0.3 < shares["top_10"] < 0.5 and shares["last_half"] < 0.15
    assert longtail.shares(len(paths), "uniform")["top_10"] == pytest.approx(10 / len(paths))


# --- the Lua script's counts ------------------------------------------------------------------


def test_the_counts_of_the_lua_script_are_read():
    counts = longtail.parse_counts(WRK_OUTPUT)
    assert counts["hit"] == 3500 and counts["miss"] == 1000 and counts["none"] == 123
    assert counts["stale"] == 500
    assert counts["hit_rate"] == 0.8  # stale pages came from the cache too
    assert counts["stale_rate"] == 0.1
    assert counts["not_cacheable"] == round(123 / 5123, 4)
    assert (counts["2xx"], counts["3xx"], counts["4xx"], counts["5xx"]) == (5117, 3, 2, 1)
    no_cache = WRK_OUTPUT.replace("hit=3500 miss=1000 none=123 stale=500", "hit=0 miss=0 none=5123")
    assert longtail.parse_counts(no_cache)["hit_rate"] is None
    with pytest.raises(ValueError, match="no counts"):
        longtail.parse_counts("Requests/sec: 12.0\n")


class _Pages(http.server.BaseHTTPRequestHandler):
    """``/hit…``, ``/stale…`` and ``/miss…`` say so in ``X-Page-Cache``, ``/gone`` is a 404;
    the body tells what was asked with which ``Accept``."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 - http.server's name
        body = f"{self.path} {self.headers.get('Accept', '')}".encode()
        self.send_response(404 if self.path == "/gone" else 200)
        for prefix, state in (("/hit", "hit"), ("/stale", "stale"), ("/miss", "miss")):
            if self.path.startswith(prefix):
                self.send_header("X-Page-Cache", state)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        type(self).asked.append((self.path, self.headers.get("Accept")))

    def log_message(self, *args):
        pass


@pytest.fixture
def pages():
    _Pages.asked = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_wrk_with_the_script_counts_responses_by_page_cache_header_and_status(pages, tmp_path):
    if not shutil.which("wrk"):
        pytest.fail("wrk is required (make test installs it)", pytrace=False)
    paths = ["/hit/1", "/hit/2", "/stale/1", "/miss/1", "/none", "/gone", "/api/evenements/"]
    paths_file = longtail.write_paths(paths, tmp_path, "paths.txt")
    result = longtail.load(
        pages, paths_file, len(paths), duration=1, start=0, connections=2, threads=2
    )
    total = result["hit"] + result["stale"] + result["miss"] + result["none"]
    assert total >= 14
    # The threads walk the list in turn: each kind of answer comes about as often as it is listed.
    assert abs(result["hit"] - 2 * total / 7) <= 4
    assert abs(result["stale"] - total / 7) <= 4
    assert abs(result["miss"] - total / 7) <= 4
    assert abs(result["4xx"] - total / 7) <= 4
    assert result["2xx"] + result["4xx"] == total
    cached = result["hit"] + result["stale"]
    assert result["hit_rate"] == round(cached / (cached + result["miss"]), 4)
    assert result["rps"] > 0 and result["p99_ms"] >= result["p50_ms"]
    accepts = dict(_Pages.asked)
    assert accepts["/api/evenements/"] == "application/json"
    assert accepts["/hit/1"] == "text/html"


def test_the_check_drops_a_kind_whose_first_address_fails(pages):
    kinds = {"ok": ["/hit/1", "/gone"], "broken": ["/gone", "/hit/2"], "empty": []}
    kept, dropped = longtail.check(pages, kinds)
    assert kept == {"ok": ["/hit/1", "/gone"]}
    assert ["broken", "/gone", 404] in dropped
    assert any(kind == "empty" for kind, _path, _status in dropped)
    kept, dropped = longtail.check(pages, kinds, check_all=True)
    assert kept == {"ok": ["/hit/1"], "broken": ["/hit/2"]}
    assert ["ok", "/gone", 404] in dropped


# --- writes -----------------------------------------------------------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db
def test_the_writers_perform_each_kind_of_write_through_the_services(seeded):  # noqa: F811
    writers = longtail_writers.Writers(seed=5)
    before = {
        "reply": Message.objects.count(),
        "thread": Thread.objects.count(),
        "rsvp": Rsvp.objects.count(),
        "event": Event.objects.count(),
    }
    results = {kind: writers.perform(kind) for kind in longtail_writers.MIX}
    assert Message.objects.count() == before["reply"] + 2  # the reply, the thread's first
    assert Thread.objects.count() == before["thread"] + 1
    assert Rsvp.objects.filter(pk=results["rsvp"].pk).exists()
    assert Event.objects.count() == before["event"] + 1
    assert results["event"].status in ("published", "submitted")
    assert Follow.objects.filter(pk=results["follow"].pk).exists()
    assert User.objects.get(pk=results["profile"].pk).bio == results["profile"].bio
    reply = results["reply"]
    assert reply.thread.group.memberships.filter(user=reply.author, state="active").exists()


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_refused_write_is_reported_not_hidden(seeded, monkeypatch):  # noqa: F811
    writers = longtail_writers.Writers(seed=5, mix={"reply": 1, "profile": 1})

    def refused():
        raise PermissionError("not allowed")

    monkeypatch.setattr(writers, "profile", refused)
    writes = [[float(n), *writers.write(), 1.0] for n in range(12)]
    kinds, errors = longtail_writers.summarise(writes)
    assert kinds["reply"]["ok"] > 0 and kinds["reply"]["failed"] == 0
    assert kinds["profile"]["ok"] == 0 and kinds["profile"]["failed"] > 0
    assert errors == {"PermissionError: not allowed": kinds["profile"]["failed"]}
    later, _ = longtail_writers.summarise(writes, since=6.0, until=8.0)
    assert sum(row["ok"] + row["failed"] for row in later.values()) == 3


def test_the_writers_keep_their_pace():
    class Instant:
        def write(self):
            return "reply", ""

    writes = longtail_writers.run(Instant(), rate=50, duration=0.4)
    assert 14 <= len(writes) <= 22
    assert all(kind == "reply" and error == "" for _moment, kind, error, _ms in writes)

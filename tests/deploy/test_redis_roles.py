"""Redis holds three things apart (docs/deployment.md, "Redis: broker, sessions and cache
apart"): the Celery broker and the sessions' copies on a Redis that never evicts, the cache on
its own Redis, bounded by ``maxmemory`` and evicting. Run with the settings of
deploy/parvis.env.example against two private redis-servers (the shared Redis of the other
tests is never touched): flushing the cache, or filling it past its memory, leaves the queued
tasks and the sessions intact."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
import yaml
from django.db import connection

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

PROJECT = Path(__file__).resolve().parents[2]
ROLES = ("REDIS_URL", "REDIS_SESSIONS_URL", "REDIS_CACHE_URL")


def env_file(path):
    values = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(workdir, *options):
    binary = shutil.which("redis-server")
    assert binary, "the Redis tests need redis-server"
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(workdir)]
        + list(options),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if redis.Redis(port=port).ping():
                return process, port
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("the private redis-server did not start")


@pytest.fixture
def servers(tmp_path):
    """The main Redis (never evicts) and the cache's (2 MB, least recently used out)."""
    main = start_redis(tmp_path, "--maxmemory-policy", "noeviction")
    cache = start_redis(tmp_path, "--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru")
    yield {6379: main[1], 6380: cache[1]}
    for process, _port in (main, cache):
        process.terminate()
        process.wait(10)


def on_private(url, ports):
    """``url`` of the example, on the private server standing for its port."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"127.0.0.1:{ports[parts.port]}"))


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER'] or 'postgres'}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


SCRIPT = """
import json
from importlib import import_module

import django

django.setup()
from django.conf import settings
from django.core.cache import cache, caches

from parvis import celery_app

store = import_module(settings.SESSION_ENGINE).SessionStore()
store["seen"] = "claire"
store.save()
celery_app.send_task("parvis.core.tasks.send_templated_email", args=[], queue="email")
cache.set("pagecache:page:probe", "x", 300)
cache.clear()  # FLUSHDB of the cache's database (as the test suite does)
survived_flush = cache.get("pagecache:page:probe")
for number in range(400):  # 4 MB into a 2 MB cache: the oldest pages go
    cache.set(f"pagecache:page:{number}", "x" * 10_000, 300)
again = import_module(settings.SESSION_ENGINE).SessionStore(store.session_key)
print(json.dumps({
    "session_in_redis": caches[settings.SESSION_CACHE_ALIAS].get(store.cache_key) is not None,
    "session": again.load().get("seen"),
    "survived_flush": survived_flush,
    "cached_pages": sum(cache.get(f"pagecache:page:{n}") is not None for n in range(400)),
    "broker": settings.CELERY_BROKER_URL,
    "sessions": settings.CACHES[settings.SESSION_CACHE_ALIAS]["LOCATION"],
    "cache": settings.CACHES["default"]["LOCATION"],
}))
"""


def test_the_example_settings_keep_the_cache_apart_from_broker_and_sessions(servers):
    example = env_file(PROJECT / "deploy" / "parvis.env.example")
    urls = {name: example[name] for name in ROLES}
    assert len({urlsplit(urls[name]).netloc for name in ROLES}) == 2  # two servers
    assert urls["REDIS_CACHE_URL"] not in (urls["REDIS_URL"], urls["REDIS_SESSIONS_URL"])
    private = {name: on_private(url, servers) for name, url in urls.items()}
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "CELERY_"))},
        **private,
        "DATABASE_URL": database_url(),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_SETTINGS_MODULE": "parvis.settings",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["broker"] == private["REDIS_URL"]
    assert seen["sessions"] == private["REDIS_SESSIONS_URL"]
    assert seen["cache"] == private["REDIS_CACHE_URL"]
    assert seen["survived_flush"] is None  # the cache was flushed...
    assert 0 < seen["cached_pages"] < 400  # ...and evicted its oldest pages when full...
    assert seen["session_in_redis"]  # ...the session's copy is still in Redis,
    assert seen["session"] == "claire"
    main = redis.Redis.from_url(private["REDIS_URL"])
    assert main.llen("email") == 1  # and the queued task still waits for a worker.
    assert main.config_get("maxmemory-policy")["maxmemory-policy"] == "noeviction"


def test_compose_gives_the_cache_its_own_evicting_redis():
    compose = yaml.safe_load((PROJECT / "compose.yaml").read_text())
    environment = compose["x-parvis"]["environment"]
    assert environment["REDIS_CACHE_URL"].startswith("redis://redis-cache:")
    assert environment["REDIS_SESSIONS_URL"].startswith("redis://redis:")
    assert environment["REDIS_URL"].startswith("redis://redis:")
    assert environment["REDIS_SESSIONS_URL"] != environment["REDIS_URL"]
    cache_command = compose["services"]["redis-cache"]["command"]
    assert "allkeys-lru" in cache_command and "--maxmemory" in cache_command
    assert "noeviction" in compose["services"]["redis"]["command"]


def test_the_deployment_check_warns_when_the_cache_shares_the_broker(settings):
    from parvis.core.pagecache.checks import cache_apart_from_broker_and_sessions

    settings.REDIS_CACHE_URL = settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.REDIS_SESSIONS_URL = "redis://127.0.0.1:6379/1"
    (warning,) = cache_apart_from_broker_and_sessions()
    assert warning.id == "parvis.W102"
    assert "CELERY_BROKER_URL" in warning.msg
    settings.REDIS_CACHE_URL = "redis://127.0.0.1:6380/0"
    assert cache_apart_from_broker_and_sessions() == []

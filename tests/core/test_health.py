import json
import os
import subprocess
import sys

from django.core.cache import caches


def test_health_is_ok_when_database_and_redis_answer(client, db, settings):
    assert settings.REDIS_URL, "the test suite runs against a real Redis (REDIS_URL)"
    response = client.get("/sante/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_health_answers_503_when_redis_is_unreachable(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Port 9 (discard) on loopback: nothing listens there.
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    try:
        response = client.get("/sante/")
    finally:
        caches["default"].close()
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] == "unreachable"
    assert response.json()["checks"]["database"] == "ok"


def test_health_answers_503_when_the_database_is_unreachable():
    """A real Django process whose database server does not answer (nothing listens on :9)."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/sante/');"
        "print(r.status_code, json.dumps(r.json()))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing",
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "parvis.settings",
        "ALLOWED_HOSTS": "testserver",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "error", "checks": {"database": "unreachable"}}

"""The Redis cache answers as an empty cache while Redis cannot be reached (parvis.core.cache),
and uses Redis again once it is back."""

import time
import warnings

import pytest
from django.core.cache import caches

from parvis.core.cache import RedisCache

from ..notifications.workers import RedisServer, free_port


def cache_at(url):
    return RedisCache(url, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2}})


def test_an_unreachable_redis_answers_as_an_empty_cache_quickly():
    cache = cache_at(f"redis://127.0.0.1:{free_port()}/0")
    started = time.monotonic()
    assert cache.get("key", "default") == "default"
    assert time.monotonic() - started < 3, "connections time out quickly"
    started = time.monotonic()
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set("key", 1) is None
    assert cache.add("lock", 1) is True  # a lock or a guard goes ahead
    assert cache.has_key("key") is False
    assert cache.delete("key") is False
    with pytest.raises(ValueError):
        cache.incr("counter")
    for _ in range(1000):
        cache.get("key")  # the process leaves Redis alone for a while: no connection attempt
    assert time.monotonic() - started < 0.5


def test_the_cache_is_used_again_once_redis_is_back(tmp_path, monkeypatch):
    monkeypatch.setattr("parvis.core.cache.RETRY_SECONDS", 0.2)
    server = RedisServer(tmp_path)
    server.start()
    try:
        cache = cache_at(server.url)
        cache.set("kept", "yes")
        assert cache.get("kept") == "yes"
        server.stop()
        assert cache.get("kept") is None
        server.start()  # empty, on the same port
        time.sleep(0.3)
        cache.set("kept", "again")
        assert cache.get("kept") == "again"
    finally:
        server.stop()


def test_one_client_serves_every_command_and_any_key_is_taken():
    default_cache = caches["default"]
    assert isinstance(default_cache, RedisCache), "the tests run with Redis (REDIS_URL)"
    key = "pagecache:tag:groups.message@thread:7 " + "x" * 300  # memcached would refuse it
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no CacheKeyWarning
        default_cache.set(key, 42)
        assert default_cache.get_many([key, "missing"]) == {key: 42}
    client = default_cache._cache.get_client()
    assert default_cache._cache.get_client(key, write=True) is client  # not one per command
    assert client.ping()


def test_one_redis_client_serves_every_operation(tmp_path):
    """Django built a client for each operation (its reply callbacks cost more CPU than a
    local round trip); one per connection pool serves them all, and still works."""
    server = RedisServer(tmp_path)
    server.start()
    try:
        cache = cache_at(server.url)
        cache.set("key", 1)
        assert cache.get("key") == 1 and cache.get_many(["key"]) == {"key": 1}
        assert cache._cache.get_client("key") is cache._cache.get_client("other", write=True)
    finally:
        server.stop()

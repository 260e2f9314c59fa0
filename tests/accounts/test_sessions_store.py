"""Sessions from Redis, written through to the database (``parvis.accounts.sessions``)."""

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache

from parvis.accounts.sessions import CACHE_SECONDS, SessionStore

pytestmark = pytest.mark.django_db


def test_a_session_is_read_from_the_cache_and_kept_in_the_database(
    django_assert_num_queries,
):
    store = SessionStore()
    store["commune"] = "60057"
    store.save()
    assert Session.objects.filter(session_key=store.session_key).exists()
    with django_assert_num_queries(0):
        assert SessionStore(store.session_key)["commune"] == "60057"
    # Its copy in the cache lives 5 minutes at most, whatever the session's age.
    key = cache.make_and_validate_key(SessionStore.cache_key_prefix + store.session_key)
    assert 0 < cache._cache.get_client(key).ttl(key) <= CACHE_SECONDS


def test_without_the_cache_copy_the_database_answers(django_assert_num_queries):
    store = SessionStore()
    store["commune"] = "60057"
    store.save()
    cache.clear()
    with django_assert_num_queries(1):
        assert SessionStore(store.session_key)["commune"] == "60057"


def test_an_ended_session_is_gone_from_both():
    store = SessionStore()
    store["commune"] = "60057"
    store.save()
    key = store.session_key
    SessionStore(key).delete()
    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(key).load() == {}

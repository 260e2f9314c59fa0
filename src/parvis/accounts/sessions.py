"""Sessions read from the cache (Redis), written through to the database.

Django's ``cached_db`` store, with two changes:

- **Redis down, pages up.** Every cache operation may fail: the session is then read from and
  written to the database alone (Django's store lets the cache error escape from ``load`` and
  ``delete``: every member page would fail while Redis is down).
- **A copy in the cache lives 5 minutes at most** (``CACHE_SECONDS``), not the session's whole
  age: a session ended while Redis could not be told (a log-out during an outage) cannot come
  back from a stale copy for longer than that. A member's request reads the database once
  every 5 minutes at most.

The copies live in the ``sessions`` cache (``REDIS_SESSIONS_URL``), apart from the evicting
page cache; where no such cache is configured, in the default one.
"""

import logging

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.cache import caches

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300


class SessionStore(CachedDBStore):
    def __init__(self, session_key=None):
        super(CachedDBStore, self).__init__(session_key)
        alias = settings.SESSION_CACHE_ALIAS
        self._cache = caches[alias if alias in settings.CACHES else "default"]

    def _cache_set(self, data, age):
        try:
            self._cache.set(self.cache_key, data, max(0, min(age, CACHE_SECONDS)))
        except Exception:  # noqa: BLE001 - the database has it
            logger.warning("Session cache unavailable: session kept in the database only.")

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # noqa: BLE001 - unreachable cache, or an invalid key
            data = None
        if data is None:
            stored = self._get_session_from_db()
            if not stored:
                return {}
            data = self.decode(stored.session_data)
            self._cache_set(data, self.get_expiry_age(expiry=stored.expire_date))
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:  # noqa: BLE001 - the database answers
            logger.warning("Session cache unavailable: asking the database.")
        return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        self._cache_set(self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:  # noqa: BLE001 - the copy expires within CACHE_SECONDS
            logger.warning("Session cache unavailable: ended session's copy expires by itself.")

"""Reading the settings' environment variables (parvis.settings is configured only by them).

Kept apart from the settings module so that it stays one page per concern: typed readers that
refuse a malformed value with the variable's name, and the Redis databases of the test
suite's parallel processes.
"""

import os
import urllib.parse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

#: Django's PostgreSQL backend with a health check that sends no query (core.postgresql).
POSTGRESQL = "parvis.core.postgresql"


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None


def parse_database(url, **options):
    """``dj_database_url.parse(url, **options)``; PostgreSQL through ``POSTGRESQL``, with
    prepared statements.

    Django sends PostgreSQL each query with its values written in (client-side binding), so
    PostgreSQL plans every query anew: a page's queries with their joins and visibility
    subqueries take it longer to plan than to run (an event page's main query: 2.6 ms of
    planning, 0.3 ms of execution). With server-side binding, a query is the same text
    whatever its values, and psycopg prepares it on a connection once it has run
    ``DATABASE_PREPARE_THRESHOLD`` times there (5): PostgreSQL then keeps its plan (a generic
    one, when it costs no more than the plans for each value). ``0`` turns this off, for a
    connection pooler in transaction mode that cannot keep prepared statements
    (docs/deployment.md).

    PostgreSQL's JIT compilation is off for these connections (``jit=off`` in the connection's
    ``options``) unless ``DATABASE_JIT`` is true: it starts on any query whose estimated cost
    crosses ``jit_above_cost``, which a count over a large list does, and compiling took
    10-100 ms for queries that run in a few (docs/performance.md, "JIT off").
    """
    config = dj_database_url.parse(url, **options)
    if config["ENGINE"] == "django.db.backends.postgresql":
        config["ENGINE"] = POSTGRESQL
        prepare_threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
        if prepare_threshold > 0:
            config.setdefault("OPTIONS", {}).update(
                server_side_binding=True, prepare_threshold=prepare_threshold
            )
        if not env_bool("DATABASE_JIT", False):
            given = config.setdefault("OPTIONS", {}).get("options", "")
            config["OPTIONS"]["options"] = f"{given} -c jit=off".strip()
    return config


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def redis_database_shifted(url, shift):
    """``url`` with its database number moved ``shift`` places (0-15, wrapping)."""
    parts = urllib.parse.urlsplit(url)
    number = int(parts.path.strip("/") or 0)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{(number + shift) % 16}"))


def redis_urls_per_process(redis_url, cache_url, sessions_url):
    """The Redis addresses of this process of the test suite.

    The suite runs in parallel processes (pytest-xdist, `make test`), and every test empties
    its Redis database: each process gets its own (gw0 the given one, gw1 the next...). The
    environment says so, for the servers and workers a test starts: they inherit the moved
    addresses and must not move them again. Outside a parallel run, the addresses as given.
    """
    process = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not (process.startswith("gw") and redis_url) or os.environ.get("PARVIS_REDIS_MOVED"):
        return redis_url, cache_url, sessions_url
    shift = int(process[2:])
    redis_url, cache_url, sessions_url = (
        redis_database_shifted(url, shift) for url in (redis_url, cache_url, sessions_url)
    )
    os.environ["REDIS_URL"] = redis_url
    for name, url in (("REDIS_CACHE_URL", cache_url), ("REDIS_SESSIONS_URL", sessions_url)):
        if os.environ.get(name):
            os.environ[name] = url
    os.environ["PARVIS_REDIS_MOVED"] = "1"
    return redis_url, cache_url, sessions_url


def origin_of(url):
    """The origin (``scheme://host[:port]``) of ``url``, for the content security policy."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"

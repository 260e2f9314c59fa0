"""Writes retire the tags of what they changed, whatever path they took.

Every ``INSERT``, ``UPDATE`` or ``DELETE`` that goes through Django's database connection
(``save()``, ``delete()``, ``QuerySet.update()``, ``bulk_create()``, the admin, raw SQL through
the ORM's cursor) is read by an execute wrapper, which turns it into tags (``tags.py``) from
the statement and its parameters:

- ``INSERT``: the collection and the rows' scoped collections (when the rows show in lists:
  ``listed_if``); a new reply retires ``groups.message@thread:7``, not every discussion.
- ``UPDATE … WHERE pk = %s`` (``save()``, ``filter(pk=…).update()``): the items; and when a
  list column changed, the collection and the rows' scoped collections (read back by primary
  key: one query, on the write path only). Silent columns (``last_used_at``) retire nothing.
- anything else (a bulk ``UPDATE``, a ``DELETE``, SQL this module cannot read): the
  collection and ``<label>@*``, on which every page showing the model depends.

A tag is retired twice: at once and when the transaction commits (a page rendered in between,
from data the write had not committed yet, carries the first value and is retired by the
second). Tag values are the time of the last retirement (``time_ns``): a page whose tags moved
while it was rendered is served, and kept only as past its time (``pages.py``).
"""

import logging
import re
import time

from django.core.cache import cache
from django.db import transaction

from . import local
from . import tags as tagging

logger = logging.getLogger("parvis.core.pagecache")

TAG_KEY = "pagecache:tag:{}"
#: Counts retirements, whatever their tags: a render during which it did not move saw no write.
RETIRED_KEY = "pagecache:retired"
WRITES = ("INSERT", "UPDATE", "DELETE")
#: ``UPDATE``s that change nothing visible: a member's last login (written at each log-in).
IGNORED_UPDATES = ('UPDATE "accounts_user" SET "last_login" = %s WHERE',)

_INSERT = re.compile(r'^INSERT INTO "?(\w+)"? \(([^)]*)\) (VALUES|SELECT)', re.IGNORECASE)
_UPDATE = re.compile(r'^UPDATE "?(\w+)"? SET (.*?) WHERE (.*)$', re.IGNORECASE | re.DOTALL)
_DELETE = re.compile(r'^DELETE FROM "?(\w+)"?(?: WHERE (.*))?$', re.IGNORECASE | re.DOTALL)
_SET_COLUMN = re.compile(r'(?:^|, )"(\w+)" = ')
_TABLE = re.compile(r'^(?:INSERT INTO|UPDATE|DELETE FROM) "?(\w+)"?', re.IGNORECASE)


def _pk_params(where, table, pk_column, params):
    """The primary keys an ``UPDATE``/``DELETE`` is limited to, or ``None`` (any other WHERE)."""
    column = f'"{table}"."{pk_column}"'
    where = where.strip()
    if where == f"{column} = %s" and params:
        return [params[-1]]
    if where.startswith(f"{column} IN (") and where.endswith(")"):
        count = where.count("%s")
        if count and where == f"{column} IN ({', '.join(['%s'] * count)})":
            return list(params[-count:])
    return None


def _inserted_rows(sql, columns, params):
    """The inserted rows as ``{column: value}``, or ``None`` when the statement is not the
    plain ``VALUES (%s, …), …`` or ``SELECT * FROM UNNEST(…)`` form Django writes."""
    if not columns or params is None:
        return None
    params = list(params)
    if "UNNEST(" in sql.upper():  # PostgreSQL's bulk insert: one array per column
        if len(params) < len(columns) or not all(
            isinstance(p, list) for p in params[: len(columns)]
        ):
            return None
        arrays = zip(*params[: len(columns)], strict=True)
        return [dict(zip(columns, values, strict=True)) for values in arrays]
    values = sql.split(" VALUES ", 1)[1] if " VALUES " in sql else ""
    values = values.split(" RETURNING ", 1)[0].split(" ON CONFLICT ", 1)[0]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    count = len(params) // len(columns) if columns else 0
    if not count or values.strip() != ", ".join([row] * count):
        return None
    return [
        dict(zip(columns, params[i * len(columns) : (i + 1) * len(columns)], strict=True))
        for i in range(count)
    ]


def _scope_values(connection, declaration, pks):
    """The scope columns of rows ``pks`` (one query on the write path)."""
    columns = list(declaration.scopes.values())
    quoted = ", ".join(f'"{column}"' for column in columns)
    placeholders = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT {quoted} FROM "{declaration.table}" '  # noqa: S608 - names from models
            f'WHERE "{declaration.pk_column}" IN ({placeholders})',
            pks,
        )
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _scoped(declaration, rows):
    return tagging.scoped_tags(declaration, rows)


def _everything(declaration):
    return {tagging.collection(declaration.label), tagging.bulk(declaration.label)}


def statement_tags(sql, params, connection=None):
    """The tags a write statement retires (an empty set for reads and silent writes)."""
    head = sql.lstrip()[:7].upper()
    if not head.startswith(WRITES) or sql.startswith(IGNORED_UPDATES):
        return set()
    sql = sql.strip()
    table = _TABLE.match(sql)
    declaration = table and tagging.for_table(table.group(1))
    if declaration is None or declaration.silent:
        return set()
    if declaration.through:
        return _everything(declaration)
    params = list(params) if isinstance(params, (list, tuple)) else None
    if head.startswith("INSERT"):
        match = _INSERT.match(sql)
        columns = [c.strip().strip('"') for c in match.group(2).split(",")] if match else []
        rows = _inserted_rows(sql, columns, params)
        if rows is None:
            return _everything(declaration)
        listed = [row for row in rows if declaration.insert_listed(row)]
        if not listed:
            return set()
        return {tagging.collection(declaration.label)} | _scoped(declaration, listed)
    if head.startswith("UPDATE"):
        match = _UPDATE.match(sql)
        if not match:
            return _everything(declaration)
        columns = set(_SET_COLUMN.findall(match.group(2)))
        if columns and not (columns - declaration.silent_fields):
            return set()
        pks = _pk_params(match.group(3), declaration.table, declaration.pk_column, params)
        if pks is None:
            return _everything(declaration)
        found = set()
        if declaration.item_changes(columns):
            found |= {tagging.item(declaration.label, pk) for pk in pks}
        lists = declaration.lists_change(columns)
        activity = bool(columns & declaration.activity_fields)
        scoped = set()
        if (lists or activity) and declaration.scopes:
            if connection is None:
                found.add(tagging.bulk(declaration.label))
            else:
                scoped = _scoped(declaration, _scope_values(connection, declaration, pks))
        collections = {tagging.collection(declaration.label)} | scoped
        if lists:
            found |= collections
        if activity:
            found |= {tagging.activity(tag) for tag in collections}
        return found
    match = _DELETE.match(sql)
    found = _everything(declaration)
    pks = (
        match
        and match.group(2)
        and _pk_params(match.group(2), declaration.table, declaration.pk_column, params)
    )
    for pk in pks or ():
        found.add(tagging.item(declaration.label, pk))
    return found


# --- retiring ----------------------------------------------------------------------------------


def tag_values(tag_list, *, fresh=False) -> dict:
    """The current value of each tag (one cache read; none for the tags this process remembers
    in a request, unless ``fresh``: ``local``). A tag never retired (or whose key was lost)
    gets a new value that no stored page can hold (so a lost key never brings an old page
    back), negative so that it does not look like a write that just happened."""
    known = {} if fresh else local.known_tags(tag_list)
    keys = {TAG_KEY.format(tag): tag for tag in tag_list if tag not in known}
    if not keys:
        return known
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    if missing:
        now = -time.time_ns()
        for key in missing:
            cache.add(key, now, timeout=None)
        found.update(cache.get_many(missing))
    read = {tag: found.get(key) for key, tag in keys.items()}
    local.remember_tags(read)
    return {**known, **read}


def bump(tag_list) -> None:
    """Retire every stored page and fragment that depends on one of these tags."""
    if tag_list:
        now = time.time_ns()
        tag_list = list(tag_list)
        keys = [TAG_KEY.format(tag) for tag in tag_list]
        if local.bump(keys, tag_list, now):  # Redis: counted and logged in the same step
            return
        cache.set_many(dict.fromkeys(keys, now), timeout=None)
        try:
            cache.incr(RETIRED_KEY)
        except ValueError:  # never counted yet
            cache.add(RETIRED_KEY, 1, timeout=None)


def retired_count():
    """How many retirements happened so far (``None`` while none has)."""
    count = local.retired_count()
    return cache.get(RETIRED_KEY) if count is None else count


class _RetireAtCommit:
    """The ``on_commit`` callback retiring what one transaction wrote (once, all tags)."""

    def __init__(self):
        self.tags = set()

    def __call__(self):
        try:
            bump(self.tags)
        except Exception:  # noqa: BLE001 - a cache that is down must not fail the commit
            logger.warning("Page cache unavailable: %d tags not retired.", len(self.tags))


def retire(tag_list, connection=None) -> None:
    """Retire ``tag_list`` now and again when ``connection``'s transaction commits. Never
    fails: a cache that is down must not fail the write."""
    from django.db import connection as default_connection

    tag_list = set(tag_list)
    if not tag_list:
        return
    connection = connection or default_connection
    try:
        bump(tag_list)
    except Exception:  # noqa: BLE001
        return
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _RetireAtCommit):
                callback.tags |= tag_list
                return
        callback = _RetireAtCommit()
        callback.tags |= tag_list
        transaction.on_commit(callback, using=connection.alias, robust=True)


class WriteObserver:
    """A database execute wrapper: retires the tags of what a statement wrote."""

    def __call__(self, execute, sql, params, many, context):
        from .pages import enabled

        result = execute(sql, params, many, context)
        if isinstance(sql, str) and enabled():
            connection = context["connection"]
            if many:
                found = set()
                for one in params or ():
                    found |= statement_tags(sql, one, connection)
            else:
                found = statement_tags(sql, params, connection)
            retire(found, connection)
        return result

"""What a write retires: each model's cache declaration and the tags built from it.

A *tag* names something a cached page shows:

- ``agenda.event:42`` — one item (every page that loaded event 42 while it was rendered);
- ``agenda.event`` — the collection (lists of events: an event appears, disappears or moves);
- ``groups.message@thread:7`` — a scoped collection (the messages of thread 7);
- ``groups.message@*`` — "some items of this model changed, which ones is unknown" (a bulk
  write); every page that shows any item of the model depends on it.

Apps declare how their models' writes map to tags in their ``content.py`` modules
(``pagecache.declare(Model, ...)``); an undeclared model gets the conservative default (any
change retires its collection). Tags are plain strings: domain apps build the ones their views
declare with ``collection(...)`` and ``scoped(...)`` or literally (``"groups.message@thread:{pk}"``,
formatted with the view's arguments).
"""

import re
import threading
from dataclasses import dataclass, field

from django.apps import apps

#: Every cached page depends on these: territories (names, pickers) rarely change, and what
#: moderation hides or a sanction suspends must disappear at once everywhere.
ALWAYS = (
    "pagecache.all",
    "territories.territory",
    "moderation.moderationcase",
    "moderation.sanction",
)
#: The tag ``clear_page_cache`` retires: every page and fragment.
ALL = "pagecache.all"
#: Apps whose writes no visitor page shows: notifications and their e-mail outbox (written
#: for every e-mail sent), personal-data exports, the admin's log, sessions.
SILENT_APPS = frozenset({"notifications", "privacy", "admin", "sessions", "usersessions"})


def label_of(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def item(label, pk) -> str:
    return f"{label}:{pk}"


def collection(label) -> str:
    return label


def scoped(label, scope, value) -> str:
    return f"{label}@{scope}:{value}"


def bulk(label) -> str:
    return f"{label}@*"


def activity(tag) -> str:
    """Lists of a collection (``groups.group``) or a scoped collection
    (``groups.group@territory:5``) ordered by latest activity (``Declaration.activity_fields``)."""
    return f"{tag}@activity"


@dataclass(frozen=True)
class Declaration:
    """How writes to one model's table retire pages (see ``declare``)."""

    label: str
    table: str
    pk_column: str
    #: ``{scope: column}``: scoped collections this model's rows belong to.
    scopes: dict = field(default_factory=dict)
    #: ``{scope: function}``: scopes derived from a scope's value, e.g. the intercommunality
    #: and arrondissement of a row's commune (``function(value) -> [(scope, value), ...]``).
    derived: dict = field(default_factory=dict)
    #: Columns whose change moves a row in or out of lists, or reorders them (an ``UPDATE``
    #: touching one retires the collections); ``None``: every column.
    list_fields: frozenset | None = None
    #: Columns that only order "latest activity" lists (an ``UPDATE`` touching only these
    #: retires ``<label>@activity``, declared by such lists, and neither the item's pages nor
    #: the other lists): a group's ``last_activity_at``, which every reply writes.
    activity_fields: frozenset = frozenset()
    #: ``{column: value}``: an inserted row shows in lists only when it has these values
    #: (a pending event does not); empty: always.
    listed_if: dict = field(default_factory=dict)
    #: Writes no page shows (tokens, read markers, sessions, notifications...).
    silent: bool = False
    #: Columns whose change no page shows (``last_used_at``, ``last_login``...).
    silent_fields: frozenset = frozenset()
    #: Whether rendering a page records this model's items as tags (off for territories:
    #: hundreds per page, and ``ALWAYS`` covers them).
    collect: bool = True
    #: A many-to-many table, whose writes retire its owner's collection (``label``).
    through: bool = False
    #: Attributes holding instants at which an item's page changes by itself (a date starts
    #: or ends, a post is published or expires): a page that loaded the item is kept until the
    #: first of them to come, never after (``pages.py``).
    times: tuple = ()
    #: Whether items enter lists by themselves when one of ``times`` comes (a post published
    #: later, a consultation opening): a page showing the collection (or a scoped one) is kept
    #: ``pages.RELATIVE_SECONDS`` at most.
    scheduled: bool = False

    def lists_change(self, columns) -> bool:
        columns = set(columns) - self.silent_fields - self.activity_fields
        if self.list_fields is None:
            return bool(columns)
        return bool(columns & self.list_fields)

    def item_changes(self, columns) -> bool:
        columns = set(columns) - self.silent_fields
        return bool(columns - self.activity_fields)

    def insert_listed(self, row: dict) -> bool:
        return all(row.get(column, value) == value for column, value in self.listed_if.items())


_options = {}
_by_table = None
_by_model = None
_lock = threading.Lock()


def declare(
    model,
    *,
    scopes=None,
    derived=None,
    list_fields=None,
    activity_fields=(),
    listed_if=None,
    silent=False,
    silent_fields=(),
    collect=True,
    times=(),
    scheduled=False,
):
    """Declare how writes to ``model`` retire cached pages (from an app's ``content.py``).

    ``scopes`` and ``listed_if`` name model fields (their columns are looked up); ``list_fields``
    and ``silent_fields`` too; ``times`` names date-time fields (see ``Declaration.times``)."""
    global _by_table, _by_model
    _options[model] = {
        "scopes": scopes or {},
        "derived": derived or {},
        "list_fields": list_fields,
        "activity_fields": activity_fields,
        "listed_if": listed_if or {},
        "silent": silent,
        "silent_fields": silent_fields,
        "collect": collect,
        "times": times,
        "scheduled": scheduled,
    }
    _by_table = _by_model = None


def _column(model, name):
    return model._meta.get_field(name).column


def _build(model, options) -> Declaration:
    list_fields = options.get("list_fields")
    return Declaration(
        label=label_of(model),
        table=model._meta.db_table,
        pk_column=model._meta.pk.column,
        scopes={scope: _column(model, name) for scope, name in options.get("scopes", {}).items()},
        derived=options.get("derived", {}),
        list_fields=(
            None if list_fields is None else frozenset(_column(model, n) for n in list_fields)
        ),
        activity_fields=frozenset(_column(model, n) for n in options.get("activity_fields", ())),
        listed_if={_column(model, n): v for n, v in options.get("listed_if", {}).items()},
        silent=options.get("silent", model._meta.app_label in SILENT_APPS),
        silent_fields=frozenset(_column(model, n) for n in options.get("silent_fields", ())),
        collect=options.get("collect", True),
        times=tuple(model._meta.get_field(n).attname for n in options.get("times", ())),
        scheduled=options.get("scheduled", False),
    )


def _ensure():
    global _by_table, _by_model
    if _by_table is None:
        with _lock:
            by_table, by_model = {}, {}
            for model in apps.get_models(include_auto_created=True):
                concrete = model._meta.concrete_model
                if concrete is not model:  # a proxy: its table's declaration
                    continue
                if model._meta.auto_created:
                    # A many-to-many table: a change of the relation is a change of its owner
                    # (an event's audience), for which nothing more precise is known.
                    owner = model._meta.auto_created
                    owner_options = _options.get(owner, {})
                    declaration = Declaration(
                        label=label_of(owner),
                        table=model._meta.db_table,
                        pk_column=model._meta.pk.column,
                        silent=owner_options.get("silent", owner._meta.app_label in SILENT_APPS),
                        collect=False,
                        through=True,
                    )
                else:
                    declaration = _build(model, _options.get(model, {}))
                by_table[declaration.table] = declaration
                by_model[model] = declaration
            for model in apps.get_models():
                if model._meta.proxy:
                    by_model[model] = by_model.get(model._meta.concrete_model)
            _by_model, _by_table = by_model, by_table
    return _by_table, _by_model


def for_table(table):
    return _ensure()[0].get(table)


def for_model(model):
    return _ensure()[1].get(model)


def scoped_tags(declaration, rows) -> set:
    """The scoped collections of ``rows`` (``{column: value}``), derived scopes included."""
    found = set()
    for row in rows:
        for scope, column in declaration.scopes.items():
            value = row.get(column)
            if value is None:
                continue
            found.add(scoped(declaration.label, scope, value))
            derive = declaration.derived.get(scope)
            for derived_scope, derived_value in derive(value) if derive else ():
                found.add(scoped(declaration.label, derived_scope, derived_value))
    return found


def scheduled() -> list:
    """The declarations of models whose items enter or leave lists by themselves
    (``Declaration.scheduled``)."""
    return [
        declaration
        for model, declaration in _ensure()[1].items()
        if declaration is not None and declaration.scheduled and not model._meta.proxy
    ]


_READ_TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)


def read_by(sql) -> set:
    """The collections a ``SELECT`` (its SQL) reads, subqueries included: what may change its
    answer. Each table's collection (an ``INSERT`` and an ``UPDATE`` of a list column retire it;
    a bulk write too) and, for models ordered by activity (``Declaration.activity_fields``),
    ``<label>@activity``; a many-to-many table, its owner's collection."""
    found = set()
    for table in _READ_TABLE.findall(sql):
        declaration = for_table(table)
        if declaration is None or declaration.silent:
            continue
        found.add(collection(declaration.label))
        if declaration.activity_fields:
            found.add(activity(collection(declaration.label)))
    return found

"""Querysets built and compiled once per process, run again with other values.

Django builds a queryset anew on every call (each filter, join and subquery resolved again)
and compiles it to SQL anew on every evaluation. For a page's main query, with its
``select_related`` joins and visibility subqueries, that is 1-3 ms of Python: more than
PostgreSQL takes to run it (docs/performance.md, "Querysets compiled once per process").
A selector whose query has the same shape on every call can be declared *prepared*::

    @prepared("pk")
    def event_page(pk):
        return Event.objects.filter(pk=pk).select_related("category", "commune")

    event_page(pk=12).first()

The function's arguments named in ``prepared(...)`` are *values*: ``int``, ``str`` or an aware
``datetime``, or a list or tuple of them; ``None`` is passed as it is, as part of the shape
(the function may test ``is None``, never a value itself). Its other keyword arguments are
the *shape* (``True``/``False``, a kind...): they must be hashable, and each distinct shape is
built once. The first call of a shape builds the queryset with stand-ins for the values
(negative integers, or just under 2**31 for a positive column; strings holding a NUL
character; datetimes in year 1), and checks that the values only reach the SQL as
parameters: two builds with different stand-ins give the same SQL, each value appears as one
or more parameters, unchanged, and no other parameter looks like a stand-in. A shape that
fails this check (a value that a lookup transforms, as ``icontains`` does; a small positive
column, whose range has room for neither stand-in; a datetime on SQLite, which Django passes
as text) is built normally on every call: slower, never wrong. ``prepares(**arguments)``
tells which (each prepared function's tests check it). A function that uses its values in
Python (``if pk > 0``) rather than in lookups, or calls the database, cannot be prepared.

Each call returns a clone of the shape's queryset carrying its values. Compiled while it still
has the shape's structure (only sliced: a page, ``first()``), it reuses the SQL compiled for
that slice the first time (for 32 slices) and only puts the values in the parameters. Counted,
asked ``exists()``, narrowed to ``values()``, or used as a subquery, it is compiled as Django
would and the stand-ins are replaced in the parameters. It takes no further filter and is not
combined with ``|``, ``&`` or ``^`` (either would mix values that are not stand-ins with the
stand-ins, or the stand-ins into a query that does not replace them): give the function the
condition instead. It cannot be turned into an ``update()``.
"""

import datetime
import functools
import itertools

from django.core.exceptions import EmptyResultSet, FullResultSet, ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql import Query
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property

_INT_FLOOR = -32768  # in the range of every signed integer column, small ones included
_POSITIVE_FLOOR = 2_147_000_000  # for positive columns (not small ones), which refuse those
_MAX_STANDINS = 2000
#: Slices (pages) of a shape whose SQL is kept: a long list's far pages are compiled each time.
MAX_SLICES = 32
_YEAR_ONE = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
_SCALARS = (int, str, datetime.datetime)


class Unprepared(Exception):
    """A shape whose values do not reach the SQL as plain parameters."""


_SIGNED, _POSITIVE = "signed", "positive"


def _standin(kind, number, family=_SIGNED):
    if kind is int:
        return (_INT_FLOOR if family == _SIGNED else _POSITIVE_FLOOR) + number
    if kind is str:
        return f"\x00prepared-{number}\x00"
    return _YEAR_ONE + datetime.timedelta(microseconds=number)


def _kind(name, value):
    if value is None:
        return None  # part of the shape: the function may test ``is None``
    kind = type(value)
    if kind in _SCALARS:
        if kind is datetime.datetime and value.tzinfo is None:
            raise TypeError(f"prepared value {name!r}: a naive datetime")
        return kind
    if kind in (list, tuple):
        kinds = {type(item) for item in value}
        if len(kinds) > 1 or not kinds <= set(_SCALARS):
            raise TypeError(f"prepared value {name!r}: a list of int, str or datetime")
        return (len(value), next(iter(kinds), int))
    raise TypeError(f"prepared value {name!r}: int, str, datetime or a list of them, not {kind}")


def _int_kind(kind):
    return kind is int or (isinstance(kind, tuple) and kind[1] is int)


def _is_standin_type(value):
    """Whether ``value`` may be a stand-in: an int (or a subclass, such as the ``Int4`` that
    Django wraps an integer column's values in with server-side binding), str or datetime."""
    return isinstance(value, _SCALARS)


def _replaced(standin, values):
    """The value for ``standin`` (in the parameter's wrapper, such as ``Int4``)."""
    value = values[standin]
    wrapper = type(standin)
    return value if wrapper in _SCALARS or type(value) is wrapper else wrapper(value)


class _Shape:
    """One shape of a prepared function: its queryset with stand-ins, and the SQL of each of
    its slices once compiled."""

    def __init__(self, build, arguments, names):
        self.names = names
        self.compiled = {}
        ints = {name for name in names if _int_kind(_kind(name, arguments[name]))}
        families = dict.fromkeys(names, _SIGNED)
        for attempt in range(3):
            first = self._standins(arguments, 0, families)
            second = self._standins(arguments, _MAX_STANDINS // 2, families)
            self.queryset = self._built(build, arguments, first)
            self.query = self.queryset.query
            self.query._shape = self
            self.standins = {}  # stand-in -> (name, index or None)
            for name, value in first.items():
                if value is None:
                    continue
                if isinstance(value, list):
                    self.standins.update({item: (name, i) for i, item in enumerate(value)})
                else:
                    self.standins[value] = (name, None)
            try:
                missing = self._check(build(**{**arguments, **second}), first, second)
            except (EmptyResultSet, FullResultSet):
                # An integer out of its column's range made the query empty: the other
                # family for every integer, then back for those the SQL then lacks.
                missing = ints if attempt == 0 else None
            if not missing:
                if missing is None:
                    raise Unprepared("the query is empty with stand-ins")
                return
            if not missing <= ints or attempt == 2:
                raise Unprepared(f"values that do not reach the SQL: {sorted(missing)}")
            for name in missing:
                families[name] = _POSITIVE if families[name] == _SIGNED else _SIGNED

    def _standins(self, arguments, offset, families):
        numbers = itertools.count(offset)
        values = {}
        for name in self.names:
            kind = _kind(name, arguments[name])
            family = families[name]
            if kind is None:
                values[name] = None
            elif isinstance(kind, tuple):
                length, item_kind = kind
                values[name] = [_standin(item_kind, next(numbers), family) for _ in range(length)]
            else:
                values[name] = _standin(kind, next(numbers), family)
        if next(numbers) - offset > _MAX_STANDINS // 2:
            raise TypeError("too many prepared values")
        return values

    def _built(self, build, arguments, values):
        queryset = build(**{**arguments, **values})
        if not isinstance(queryset, QuerySet):
            raise ImproperlyConfigured(f"{build.__qualname__} must return a queryset")
        queryset = queryset._chain()
        queryset.__class__ = _queryset_class(type(queryset))
        queryset.query.__class__ = PreparedQuery
        return queryset

    def _check(self, other, first, second):
        """The names of the values missing from the SQL (an argument the function ignores,
        or an integer out of its column's range, which Django leaves out of the query).

        Raise ``Unprepared`` when the SQL depends on the values or a value reaches it
        transformed, ``EmptyResultSet`` when the stand-ins make the query empty."""
        using = self.queryset.db
        sql, params = _raw_sql(self.queryset, using)
        other_sql, other_params = _raw_sql(other, using)
        if sql != other_sql or len(params) != len(other_params):
            raise Unprepared("the SQL depends on the values")
        seen = set()
        for value, other_value in zip(params, other_params, strict=True):
            is_standin = _is_standin_type(value) and value in self.standins
            if value == other_value and not is_standin:
                continue
            if not is_standin:
                raise Unprepared("a value reaches the SQL transformed")
            name, index = self.standins[value]
            expected = second[name] if index is None else second[name][index]
            if other_value != expected:
                raise Unprepared("a value reaches the SQL transformed")
            seen.add(value)
        return {name for standin, (name, _index) in self.standins.items() if standin not in seen}

    def bind(self, arguments):
        queryset = self.queryset._chain()
        values = {}
        for standin, (name, index) in self.standins.items():
            values[standin] = arguments[name] if index is None else arguments[name][index]
        queryset.query._values = values
        return queryset

    def same_structure(self, query):
        """Whether ``query`` is still this shape's query, sliced or not."""
        mine = self.query.__dict__
        defaults = type(self.query)
        for name, value in query.__dict__.items():
            if name in _FREE:
                continue
            expected = mine.get(name, _MISSING)
            if expected is _MISSING:
                expected = getattr(defaults, name, _MISSING)
            if value is not expected and value != expected:
                return False
        return _same_where(query.where, self.query.where)


_MISSING = object()
#: What a clone or a slice changes without changing the SQL's structure (limits are literal in
#: the SQL: each slice has its own compiled text), and caches derived from the rest.
_FREE = frozenset(
    {
        "low_mark",
        "high_mark",
        "where",
        "used_aliases",
        "filter_is_sticky",
        "_values",
        "_shape",
        "_annotation_select_cache",
        "_extra_select_cache",
    }
    | {name for name, value in vars(Query).items() if isinstance(value, cached_property)}
)


def _same_where(node, other):
    if node is other:
        return True
    if (
        type(node) is not type(other)
        or node.connector != other.connector
        or node.negated != other.negated
        or len(node.children) != len(other.children)
    ):
        return False
    for child, other_child in zip(node.children, other.children, strict=True):
        if child is not other_child and not (
            isinstance(child, WhereNode) and _same_where(child, other_child)
        ):
            return False
    return True


def _raw_sql(queryset, using):
    """The SQL and parameters of ``queryset`` with its stand-ins (the shape's checks)."""
    query = queryset.query.chain()
    query.__class__ = Query
    return query.get_compiler(using=using).as_sql()


class _Compiled:
    __slots__ = (
        "sql",
        "params",
        "positions",
        "select",
        "klass_info",
        "annotation_col_map",
        "col_count",
        "has_extra_select",
    )

    def __init__(self, compiler, sql, params, standins):
        self.sql, self.params = sql, tuple(params)
        self.positions = tuple(
            i
            for i, value in enumerate(self.params)
            if _is_standin_type(value) and value in standins
        )
        self.select, self.klass_info = compiler.select, compiler.klass_info
        self.annotation_col_map = compiler.annotation_col_map
        self.col_count, self.has_extra_select = compiler.col_count, compiler.has_extra_select


class PreparedCompiler:
    """Mixed into the backend's ``SQLCompiler`` for a ``PreparedQuery``."""

    def as_sql(self, with_limits=True, with_col_aliases=False):
        query = self.query
        values = query.__dict__.get("_values")
        if values is None:
            raise ImproperlyConfigured("a prepared query without its values")
        shape = query._shape
        if not shape.same_structure(query):
            sql, params = super().as_sql(with_limits, with_col_aliases)
            return sql, tuple(
                _replaced(value, values) if _is_standin_type(value) and value in values else value
                for value in params
            )
        key = (
            self.connection.alias,
            with_limits,
            with_col_aliases,
            self.elide_empty,
            query.low_mark,
            query.high_mark,
        )
        compiled = shape.compiled.get(key)
        if compiled is None:
            sql, params = super().as_sql(with_limits, with_col_aliases)
            compiled = _Compiled(self, sql, params, shape.standins)
            if len(shape.compiled) < MAX_SLICES:  # the first pages; the others each time
                shape.compiled[key] = compiled
        else:
            self.select, self.klass_info = compiled.select, compiled.klass_info
            self.annotation_col_map = compiled.annotation_col_map
            self.col_count, self.has_extra_select = compiled.col_count, compiled.has_extra_select
        params = list(compiled.params)
        for position in compiled.positions:
            params[position] = _replaced(params[position], values)
        return compiled.sql, tuple(params)


@functools.cache
def _compiler_class(base):
    return type(f"Prepared{base.__name__}", (PreparedCompiler, base), {})


class PreparedQuery(Query):
    """The query of a prepared queryset (see the module's docstring)."""

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        if using is None and connection is None:
            raise ValueError("Need either using or connection")
        if using:
            connection = connections[using]
        base = connection.ops.compiler(self.compiler)
        return _compiler_class(base)(self, connection, using, elide_empty)

    def chain(self, klass=None):
        if klass is not None and not issubclass(klass, PreparedQuery):
            raise TypeError("a prepared queryset is read-only: build the write normally")
        return super().chain()

    def add_q(self, q_object, *args, **kwargs):
        if q_object:
            raise TypeError(
                "a prepared queryset takes no further filter: give its function the value, "
                "or build the queryset normally"
            )
        return super().add_q(q_object, *args, **kwargs)

    def combine(self, rhs, connector):
        raise TypeError(_NOT_COMBINED)


_NOT_COMBINED = (
    "a prepared queryset is not combined with |, & or ^: give its function the condition"
)


class _PreparedQuerySet:
    """Mixed into a prepared queryset's class: Python asks a subclass's reflected operator
    first, so ``plain | prepared`` is refused too (it would merge the stand-ins into a query
    that does not replace them)."""

    def _refuse(self, other):
        raise TypeError(_NOT_COMBINED)

    __ror__ = __rand__ = __rxor__ = _refuse


@functools.cache
def _queryset_class(base):
    return type(f"Prepared{base.__name__}", (_PreparedQuerySet, base), {})


class Prepared:
    """A prepared function: call it with its keyword arguments for a queryset."""

    def __init__(self, build, names):
        self.build, self.names = build, tuple(names)
        self.shapes = {}
        functools.update_wrapper(self, build)

    def _key(self, arguments):
        return tuple(
            sorted(
                (name, _kind(name, value) if name in self.names else value)
                for name, value in arguments.items()
            )
        )

    def __call__(self, **arguments):
        key = self._key(arguments)
        shape = self.shapes.get(key)
        if shape is None:
            try:
                shape = _Shape(self.build, arguments, self.names)
            except Unprepared:
                shape = False
            self.shapes[key] = shape
        if shape is False:
            return self.build(**arguments)
        return shape.bind(arguments)

    def prepares(self, **arguments):
        """Whether the shape of ``arguments`` is prepared (the tests of each function)."""
        self(**arguments)
        return bool(self.shapes[self._key(arguments)])


def prepared(*names):
    """Declare a function returning a queryset as prepared, ``names`` being its values."""

    def decorate(build):
        return Prepared(build, names)

    return decorate

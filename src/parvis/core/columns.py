"""A column's identity without ``inspect``: the same tuple, computed directly.

Django compares and hashes query expressions by their ``identity``: the class and the
arguments of ``__init__``, which ``Expression.identity`` binds to the constructor's signature
with ``inspect.Signature.bind_partial``. Compiling a query with an ``ORDER BY`` hashes every
selected column (``SQLCompiler._order_by_pairs`` maps each to its position), so a page whose
queries select related rows (a discussion's 20 messages with their authors and quotes: some
70 columns) spent several percent of its time binding signatures: each ``Col`` is a new
object at each compilation, its cached ``identity`` computed again.

``Col.__init__(alias, target, output_field=None)`` is fixed: its identity is built here from
the arguments it was given, in the signature's order, with ``Expression._identity`` for each
value, which is what ``Expression.identity`` returns (``tests/core/test_columns.py`` compares
both). Subclasses of ``Col``, whose constructors may differ, keep Django's computation.

Likewise a key's column type: PostgreSQL's ``prepare_join_on_clause`` compares the types of
both sides of each join, and an ``AutoField`` or ``BigAutoField`` answers the type of the
columns that refer to it by building an ``IntegerField()`` (or ``BigIntegerField()``) each
time: ~3% of an event page, whose query joins six tables. The answer depends only on the
database's backend (its ``data_types``): it is remembered per backend class.
"""

from django.db.models import AutoField, BigAutoField, BigIntegerField, Field, IntegerField
from django.db.models.expressions import Col, Expression
from django.utils.functional import cached_property

_PARAMETERS = ("alias", "target", "output_field")
_generic_identity = Expression.identity.func


def _value_identity(value):
    """``Expression._identity(value)`` for a column's argument (a field, an alias or None)."""
    if isinstance(value, Field):
        if value.name and value.model:
            return value.model._meta.label, value.name
        return type(value)
    if value is None or type(value) is str:
        return value
    return Col._identity(value)


def _col_identity(self):
    if type(self) is not Col:
        return _generic_identity(self)
    args, kwargs = self._constructor_args
    if kwargs or not 2 <= len(args) <= 3:
        if len(args) > len(_PARAMETERS) or not kwargs.keys() <= set(_PARAMETERS):
            return _generic_identity(self)  # not a call Col's signature accepts: let Django say
        bound = dict(zip(_PARAMETERS, args, strict=False))
        bound.update(kwargs)
        if "alias" not in bound or "target" not in bound:
            return _generic_identity(self)
        alias, target, output_field = bound["alias"], bound["target"], bound.get("output_field")
    else:
        alias, target, output_field = (*args, None)[:3]
    return (
        Col,
        ("alias", _value_identity(alias)),
        ("target", _value_identity(target)),
        ("output_field", _value_identity(output_field)),
    )


def _remembered_rel_db_type(field_class):
    types = {}

    def rel_db_type(self, connection):
        backend = type(connection)
        try:
            return types[backend]
        except KeyError:
            types[backend] = field_class().db_type(connection=connection)
            return types[backend]

    rel_db_type.remembered = True
    return rel_db_type


def install():
    """Give ``Col`` its direct ``identity`` and the automatic keys their remembered column
    type (once; from ``CoreConfig.ready``)."""
    if getattr(Col.identity, "func", None) is not _col_identity:
        identity = cached_property(_col_identity)
        identity.__set_name__(Col, "identity")
        Col.identity = identity
    for auto_field, field_class in ((AutoField, IntegerField), (BigAutoField, BigIntegerField)):
        if not getattr(auto_field.rel_db_type, "remembered", False):
            auto_field.rel_db_type = _remembered_rel_db_type(field_class)

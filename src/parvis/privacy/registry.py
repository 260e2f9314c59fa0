"""How every relation to a member is exported and erased: one declaration per relation.

A *relation* is a foreign key (or one-to-one field) from any model to the member model, named
``"<app_label>.<Model>.<field>"`` (``"agenda.Rsvp.user"``; many-to-many fields are reached
through their through model: ``"accounts.User_groups.user"``). ``user_relations()`` lists them
all by introspection; the completeness tests (``tests/privacy/test_completeness.py``) fail as
soon as one is neither exported nor declared "not exported" with a reason, or has no erasure
rule. A new model joins by declaring its relations in its app's ``content.py`` (found at
start-up: ``parvis.core.content``), with the shared reasons of ``parvis.privacy.helpers``::

    from parvis.privacy import registry

    registry.export(
        "agenda.Rsvp.user",
        section="rsvps",                                  # its key in the archive's JSON
        fields=("occurrence__event__title", "occurrence__start", "created_at"),
        queryset=lambda member: Rsvp.objects.filter(user=member).select_related(...),
    )
    registry.erase("agenda.Rsvp.user", action=registry.DELETE)

    registry.not_exported("agenda.Event.reviewed_by", reason=STAFF_WORK)
    registry.erase("agenda.Event.reviewed_by", action=registry.KEEP, reason=STAFF_WORK)

An app whose erasure needs planning (a hand-over, counts shown before the member confirms)
adds a step to the erasure plan (``plan_step``, see ``selectors.ErasurePlan``).

See docs/privacy.md.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

#: Erasure actions.
DELETE = "delete"  # the rows are deleted
SET_NULL = "set_null"  # the field is emptied (the rows stay, without the member)
KEEP = "keep"  # the rows stay, pointing to the anonymised account ("former member")
CUSTOM = "custom"  # a handler decides (hand-over, the member's choice, counters...)
ACTIONS = (DELETE, SET_NULL, KEEP, CUSTOM)

#: Order of the erasure steps: hand-overs first (they need the memberships), the member's
#: own row last (the others may read it).
HANDOVER, CONTRIBUTIONS, DEFAULT, LAST = 10, 20, 50, 90


@dataclass(frozen=True)
class Export:
    """Rows of ``relation`` that go into the archive, under ``section``.

    ``fields``: what each row gives, in order; a name (``"title"``), a path through relations
    (``"thread__group__name"``) or a ``(label, function(row))`` pair. Relations give their
    text (``str()``), files their name, dates ISO 8601. Only the listed fields are exported:
    never another member's personal data. ``files``: file fields whose files are copied into
    the archive. ``queryset``: ``function(member)`` giving the rows (default: the rows whose
    field is the member)."""

    relation: str
    section: str
    fields: tuple
    files: tuple[str, ...] = ()
    queryset: Callable[[Any], models.QuerySet] | None = None

    @property
    def model(self):
        return _model_of(self.relation)

    def rows(self, member):
        if self.queryset is not None:
            return self.queryset(member)
        field = self.relation.rsplit(".", 1)[1]
        return self.model._default_manager.filter(**{field: member}).order_by("pk")


@dataclass(frozen=True)
class NotExported:
    relation: str
    reason: str


@dataclass(frozen=True)
class Erasure:
    """What erasing a member does to ``relation``: ``action`` is ``DELETE``, ``SET_NULL``,
    ``KEEP`` (``reason`` required) or ``CUSTOM`` (``handler(context)``, see
    ``services.ErasureContext``). ``order``: when it runs (lower first)."""

    relation: str
    action: str
    reason: str = ""
    handler: Callable[[Any], None] | None = None
    order: int = DEFAULT


_exports: dict[str, Export] = {}
_not_exported: dict[str, NotExported] = {}
_erasures: dict[str, Erasure] = {}


def _model_of(relation):
    app_label, model_name, _field = _split(relation)
    return apps.get_model(app_label, model_name)


def _split(relation):
    parts = relation.split(".")
    if len(parts) != 3:
        raise ImproperlyConfigured(
            f"Privacy relation {relation!r}: write it '<app_label>.<Model>.<field>'."
        )
    return parts


def export(relation: str, *, section: str, fields, files=(), queryset=None) -> Export:
    """Declare that the rows of ``relation`` are exported (see ``Export``)."""
    _split(relation)
    if relation in _not_exported:
        raise ImproperlyConfigured(f"{relation!r} is already declared not exported.")
    for other in _exports.values():
        if other.section == section and other.relation != relation:
            raise ImproperlyConfigured(
                f"Export section {section!r} is used by {other.relation!r} already."
            )
    entry = Export(
        relation=relation,
        section=section,
        fields=tuple(fields),
        files=tuple(files),
        queryset=queryset,
    )
    _exports[relation] = entry
    return entry


def not_exported(relation: str, *, reason: str) -> NotExported:
    """Declare that ``relation`` is deliberately left out of the archive, and why (another
    member's data, staff work, covered by another section...)."""
    _split(relation)
    if not reason.strip():
        raise ImproperlyConfigured(f"{relation!r}: say why it is not exported.")
    if relation in _exports:
        raise ImproperlyConfigured(f"{relation!r} is already exported.")
    entry = NotExported(relation=relation, reason=reason)
    _not_exported[relation] = entry
    return entry


def erase(relation: str, *, action: str, reason: str = "", handler=None, order=None) -> Erasure:
    """Declare what erasing a member does to ``relation`` (see ``Erasure``)."""
    _split(relation)
    if action not in ACTIONS:
        raise ImproperlyConfigured(f"{relation!r}: the action must be one of {ACTIONS}.")
    if action == KEEP and not reason.strip():
        raise ImproperlyConfigured(f"{relation!r}: say why the rows are kept.")
    if action == CUSTOM and handler is None:
        raise ImproperlyConfigured(f"{relation!r}: a custom erasure needs a handler.")
    if order is None:
        order = CONTRIBUTIONS if action == CUSTOM else DEFAULT
    entry = Erasure(relation=relation, action=action, reason=reason, handler=handler, order=order)
    _erasures[relation] = entry
    return entry


@dataclass(frozen=True)
class MemberField:
    """What erasing does to one field of the member's own row: write ``value`` (a value, or
    ``function(member)`` returning one), or keep it, saying why (``keep``)."""

    name: str
    value: Any = None
    keep: str = ""


_member_fields: dict[str, MemberField] = {}


def erase_member_field(name: str, *, value=None, keep: str = "") -> MemberField:
    """Declare what erasing does to the member's own field ``name`` (every concrete field of
    the member model needs a rule: the completeness test checks it)."""
    entry = MemberField(name=name, value=value, keep=keep)
    _member_fields[name] = entry
    return entry


def member_field_rules() -> dict[str, MemberField]:
    return dict(_member_fields)


@dataclass(frozen=True)
class PlanStep:
    """A part of the erasure plan (``selectors.erasure_plan``): ``function(plan)`` fills
    ``plan`` (its hand-overs, its ``counts``); steps run by ``order``, then name."""

    name: str
    function: Callable[[Any], None]
    order: int = DEFAULT


_plan_steps: dict[str, PlanStep] = {}


def plan_step(function=None, *, order=DEFAULT):
    """Add ``function(plan)`` to the erasure plan (usable as a decorator, with or without
    ``order``: ``HANDOVER`` for a hand-over, which later steps may read)."""

    def decorator(function):
        name = f"{function.__module__}.{function.__qualname__}"
        _plan_steps[name] = PlanStep(name=name, function=function, order=order)
        return function

    return decorator(function) if function is not None else decorator


def plan_steps() -> list[PlanStep]:
    """The erasure plan's steps, in the order they run."""
    return sorted(_plan_steps.values(), key=lambda step: (step.order, step.name))


def unregister(relation: str) -> None:
    """Forget every declaration about ``relation`` (for tests)."""
    _exports.pop(relation, None)
    _not_exported.pop(relation, None)
    _erasures.pop(relation, None)


def exports() -> list[Export]:
    """The exports, in the order of their section names (the archive's order)."""
    return sorted(_exports.values(), key=lambda entry: entry.section)


def exported_relations() -> set[str]:
    return set(_exports)


def not_exported_relations() -> dict[str, NotExported]:
    return dict(_not_exported)


def erasures() -> list[Erasure]:
    """The erasure rules, in the order they run."""
    return sorted(_erasures.values(), key=lambda entry: (entry.order, entry.relation))


def erased_relations() -> set[str]:
    return set(_erasures)


def user_relations() -> list[str]:
    """Every foreign key and one-to-one field that points to the member model, in every
    installed model (through models of many-to-many fields included; proxies and unmanaged
    models left out: their table is another model's)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for field in meta.get_fields(include_hidden=True):
            if (
                field.concrete
                and (field.many_to_one or field.one_to_one)
                and field.related_model is user_model
            ):
                found.append(f"{meta.label}.{field.name}")
    return sorted(found)

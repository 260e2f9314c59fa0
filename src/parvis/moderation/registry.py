"""The reportable content types: a model joins moderation by registering once.

::

    from parvis.moderation import registry

    registry.register(
        Message,
        author=lambda message: message.author,         # who answers for it (or None)
        author_field="author",                         # the same, as a queryset lookup
        is_visible_to=message_is_visible_to,           # (item, user) -> bool: who may report it
        template="groups/moderation/_message.html",    # how the admin queue shows it
        select_related=("author", "thread__group"),
    )

A registered item can then be reported (``{% report_link item %}``), appears in the
moderators' queue, can be hidden, restored or deleted by a decision, and is filtered by the
visibility helpers of ``selectors.py`` (``visible``, ``exclude_hidden``, ``hidden_from``).
The moderation state lives in ``ModerationCase`` (content type + primary key): the model
needs no field and no migration. Its primary key must be an integer. See docs/moderation.md.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _


def _always(obj, user):
    return True


def _delete(obj, decision):
    """Delete the row; refuse with a message when other rows still need it."""
    try:
        obj.delete()
    except (ProtectedError, RestrictedError):
        raise ValidationError(
            _("This item cannot be deleted: other content still depends on it. Hide it instead."),
            code="protected",
        ) from None


def _url(obj):
    get_url = getattr(obj, "get_absolute_url", None)
    return get_url() if get_url else ""


@dataclass(frozen=True)
class Reportable:
    """How moderation handles one model. Build it with ``register``."""

    model: type[Model]
    key: str
    label: Any
    author: Callable[[Any], Any]
    author_field: str | None = None
    is_visible_to: Callable[[Any, Any], bool] = _always
    public_url: Callable[[Any], str] = _url
    template: str = "moderation/items/default.html"
    delete: Callable[[Any, Any], None] = _delete
    on_hide: Callable[[Any], None] | None = None
    on_restore: Callable[[Any], None] | None = None
    select_related: tuple[str, ...] = field(default_factory=tuple)
    title: Callable[[Any], str] = str
    is_author: Callable[[Any, Any], bool] | None = None
    author_filter: Callable[[Any], Any] | None = None
    verified_source: Callable[[Any], bool] | None = None

    def get(self, pk):
        """The item ``pk`` with what the queue shows of it, or ``None``."""
        queryset = self.model._default_manager.all()
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset.filter(pk=pk).first()

    def author_of(self, obj):
        return self.author(obj) if obj is not None else None

    def speaks_for_verified_source(self, obj) -> bool:
        """Whether ``obj`` speaks for a verified institution or official: reports send it to
        review and never hide it by themselves (``weighing``)."""
        if self.verified_source is not None:
            return bool(self.verified_source(obj))
        from .weighing import is_verified_official

        return is_verified_official(self.author_of(obj))


_by_model: dict[type[Model], Reportable] = {}
_by_key: dict[str, Reportable] = {}


def register(
    model: type[Model],
    *,
    author: Callable[[Any], Any],
    author_field: str | None = None,
    label=None,
    is_visible_to: Callable[[Any, Any], bool] | None = None,
    public_url: Callable[[Any], str] | None = None,
    template: str | None = None,
    delete: Callable[[Any, Any], None] | None = None,
    on_hide: Callable[[Any], None] | None = None,
    on_restore: Callable[[Any], None] | None = None,
    select_related: tuple[str, ...] = (),
    title: Callable[[Any], str] | None = None,
    is_author: Callable[[Any, Any], bool] | None = None,
    author_filter: Callable[[Any], Any] | None = None,
    verified_source: Callable[[Any], bool] | None = None,
) -> Reportable:
    """Make ``model`` reportable (see the module's docstring). Returns its ``Reportable``.

    - ``author(item)``: the member who answers for the item (receives the statements of
      reasons, may be warned, suspended or banned), or ``None``.
    - ``author_field``: the same as a lookup from the model (``"created_by"``, ``"pk"`` for
      the member model itself, ``"memberships__user"``): authors still see their hidden items
      in lists filtered by ``selectors.visible``.
    - ``is_visible_to(item, user)``: whether ``user`` may see (so report) the item; the report
      page answers 404 otherwise. Default: everyone.
    - ``public_url(item)``: its public address (default ``get_absolute_url()``).
    - ``template``: rendered in the admin queue with ``object`` — the item as its public sees
      it (default: its title and a link).
    - ``delete(item, decision)``: what "delete" does (default: ``item.delete()``, refused with
      a message when protected); ``decision`` gives the moderator and the facts, for a content
      type that keeps a placeholder ("removed by a moderator"). ``on_hide`` / ``on_restore``:
      optional extra work (e.g. a cache).
    - ``select_related``: what the queue loads with the item, for a fixed number of queries.
    - ``title(item)``: how the queue and the statements name it (default ``str``).
    - ``is_author(item, user)``: whether ``user`` answers for the item and so still sees it
      hidden (default: ``author(item)`` is ``user``), e.g. any member of an organisation's team.
    - ``author_filter(user)``: the same as a ``Q`` on the model (the items ``user`` answers
      for), used by ``selectors.visible`` instead of ``author_field``; give it with
      ``is_author`` so that lists and pages agree (a post's team, a group's moderators).
    - ``verified_source(item)``: whether the item speaks for a verified institution or
      official; reports then send it to review and never hide it automatically (default: its
      author holds a verified mandate).
    """
    concrete = model._meta.concrete_model
    key = f"{concrete._meta.app_label}.{concrete._meta.model_name}"
    entry = Reportable(
        model=concrete,
        key=key,
        label=label or concrete._meta.verbose_name,
        author=author,
        author_field=author_field,
        is_visible_to=is_visible_to or _always,
        public_url=public_url or _url,
        template=template or "moderation/items/default.html",
        delete=delete or _delete,
        on_hide=on_hide,
        on_restore=on_restore,
        select_related=tuple(select_related),
        title=title or str,
        is_author=is_author,
        author_filter=author_filter,
        verified_source=verified_source,
    )
    _by_model[concrete] = entry
    _by_key[key] = entry
    return entry


def unregister(model: type[Model]) -> None:
    entry = _by_model.pop(model._meta.concrete_model, None)
    if entry is not None:
        _by_key.pop(entry.key, None)


def get_for_model(model_or_obj) -> Reportable | None:
    """The registration of a model (or of an instance's model), proxies included."""
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    return _by_model.get(model._meta.concrete_model)


def get_for_key(key: str) -> Reportable | None:
    """The registration named ``"<app_label>.<model_name>"`` (as in report addresses)."""
    return _by_key.get(key)


def is_reportable(obj) -> bool:
    return obj is not None and get_for_model(obj) is not None


def entries() -> list[Reportable]:
    return list(_by_model.values())

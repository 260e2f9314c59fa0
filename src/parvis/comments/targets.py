"""What can be commented on and reacted to: a small registry of the items' types.

An item is named by a plain key, ``"<app_label>.<model>:<pk>"`` (``agenda.event:42``), stored
on comments and reactions. Each type says who may see an item, who answers for it (told of
comments and reactions), whose followers hear of its comments, which page shows it (what a
comment or a reaction retires from the page cache), and whether members may comment on it
(with, optionally, a rule of its own and the people who may remove its comments).
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model

from parvis.moderation.selectors import hidden_from


@dataclass(frozen=True)
class TargetType:
    key: str  # "agenda.event"
    model: type[Model]
    #: (item, user) -> bool: may ``user`` see the item (so comment on it, react to it).
    is_visible_to: Any
    #: item -> the member who answers for it (told of comments and reactions), or None.
    author: Any
    #: item -> the page key that shows it and its comments' reactions ("agenda.event:42").
    page: Any
    #: item -> its title in notifications.
    title: Any
    #: item -> whether members may comment on it now (``None``: not commentable at all).
    open_for_comments: Any = None
    #: item -> the publisher whose followers hear of its comments (organisation or member).
    publisher: Any = None
    #: (item, user) -> why ``user`` may not comment on it (a sentence), or None: a rule of the
    #: item's own on top of the common ones (consultations: identified members only).
    comment_refusal: Any = None
    #: (item, user) -> whether ``user`` answers for the item's discussion and may remove a
    #: comment with a reason, like a moderator (consultations: the institution's agents).
    removes_comments: Any = None
    select_related: tuple = field(default_factory=tuple)

    @property
    def commentable(self):
        return self.open_for_comments is not None


_types: dict[str, TargetType] = {}


def register(target_type: TargetType) -> TargetType:
    _types[target_type.key] = target_type
    return target_type


def type_for(obj) -> TargetType | None:
    model = obj._meta.concrete_model
    return _types.get(f"{model._meta.app_label}.{model._meta.model_name}")


def key_of(obj) -> str:
    """``"agenda.event:42"`` for event 42."""
    model = obj._meta.concrete_model
    return f"{model._meta.app_label}.{model._meta.model_name}:{obj.pk}"


def split(key: str):
    """``(type, pk)`` for a key, or ``(None, None)`` when it names no registered type."""
    label, _sep, pk = (key or "").rpartition(":")
    target_type = _types.get(label)
    try:
        pk = int(pk)
    except ValueError:
        return None, None
    if target_type is None or pk <= 0:
        return None, None
    return target_type, pk


def resolve(key: str):
    """``(type, item)`` for a key whose item exists, else ``(None, None)``."""
    target_type, pk = split(key)
    if target_type is None:
        return None, None
    queryset = target_type.model._default_manager.all()
    if target_type.select_related:
        queryset = queryset.select_related(*target_type.select_related)
    item = queryset.filter(pk=pk).first()
    return (target_type, item) if item is not None else (None, None)


def visible_item(key: str, user):
    """``(type, item)`` when ``user`` may see the item (not hidden by moderation from them),
    else ``(None, None)``: the caller answers 404."""
    target_type, item = resolve(key)
    if item is None or not target_type.is_visible_to(item, user) or hidden_from(item, user):
        return None, None
    return target_type, item


def url_of(key: str) -> str:
    """The address of the item ``key`` names ("" when it is gone)."""
    _type, item = resolve(key)
    return item.get_absolute_url() if item is not None else ""


def is_public(obj) -> bool:
    """Whether a visitor may see ``obj`` (its share controls and counts are public)."""
    target_type = type_for(obj)
    return target_type is not None and bool(target_type.is_visible_to(obj, AnonymousUser()))

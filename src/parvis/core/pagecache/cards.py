"""Cards: an item's template in a list (an event's date, an information, a group), rendered
once for every page, visitor and member that shows the same item in the same state.

A card is kept under what its template can read (``content_of``): the item's fields, the
related items loaded with it (``select_related``, ``prefetch_related``) and the values a view
attached to it (``is_mine``, an annotation...), with the language, the time zone and the
values of the ``ALWAYS`` tags (moderation, territories, ``clear_page_cache``). Whatever
changes what the card shows changes its key, so a card needs no tag of its own and no write
retires it: an edited item gets a new card, and the old one expires
(``PARVIS_FRAGMENT_CACHE_SECONDS``). A card whose render ran a query (a relation the list
did not load) is shown but not kept: what it read is not in its key.

The template must show only what it reads of the item and of the values passed with it: no
clock (``now``, "3 days ago"), no request; the member only when passed with it (``user=user``:
their content is then part of the key, a visitor's is "a visitor").

``shared`` does the same for any value an item gives (the API's representations). The process
that read or rendered a card remembers it (``local.py``): a card's key being its content, no
write makes it wrong, and the next page showing it does not read Redis.
"""

import dataclasses
import datetime as dt
import decimal
import enum
import functools
import hashlib
import uuid
from contextlib import suppress

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe

from . import local
from . import tags as tagging
from .pages import fragments_enabled
from .writes import tag_values

CARD_KEY = "pagecache:card:v1:{}"
#: How deep related items are followed (a message's discussion's group's territory...).
DEPTH = 6
#: What Django keeps on an instance besides its values (followed above, or not shown).
INTERNAL = {"_state", "_prefetched_objects_cache"}
SIMPLE = (
    str,
    int,
    float,
    bool,
    decimal.Decimal,
    dt.date,
    dt.time,
    dt.timedelta,
    uuid.UUID,
    type(None),
)
#: SIMPLE's exact types (and datetime's, a date's subclass), told apart by one set lookup: most
#: values a card shows. An enum member (a choice) is not one of them, whatever it derives from.
SIMPLE_TYPES = frozenset((*SIMPLE, dt.datetime))


class Unshareable(Exception):
    """A value whose content cannot be told (the card is rendered and not kept)."""


def content_of(value, depth=DEPTH, memo=None):
    """What a template can read of ``value``, as plain values (see the module's doc).
    ``memo`` keeps each instance's content for the other values of a list (their discussion,
    its group...)."""
    if type(value) in SIMPLE_TYPES:
        return value
    if isinstance(value, enum.Enum):
        return content_of(value.value, depth, memo)
    if isinstance(value, SIMPLE):  # datetime is a date
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, Model):
        return _model_content(value, depth, {} if memo is None else memo)
    if isinstance(value, AnonymousUser):
        return "a visitor"
    if isinstance(value, (list, tuple)):
        return tuple(content_of(part, depth, memo) for part in value)
    if isinstance(value, dict):
        return tuple(
            sorted((str(key), content_of(part, depth, memo)) for key, part in value.items())
        )
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return content_of(dataclasses.asdict(value), depth, memo)
    raise Unshareable(type(value).__name__)


@functools.cache
def _field_names(model):
    """``model``'s concrete fields' attribute names, as a set and in order."""
    names = {field.attname for field in model._meta.concrete_fields}
    return frozenset(names), tuple(sorted(names))


def _model_content(instance, depth, memo, skip=()):
    known = memo.get(id(instance))
    if known is not None and not skip:
        return known
    if depth <= 0:
        raise Unshareable("too deep")
    # Met again inside itself (a discussion's last message...): its content is already there.
    memo[id(instance)] = (instance._meta.label, instance.pk)
    values = instance.__dict__
    fields, ordered = _field_names(type(instance))
    content = [instance._meta.label, instance.pk]
    for name in ordered:
        if name in values:
            value = values[name]
            content.append(value if type(value) in SIMPLE_TYPES else content_of(value, depth, memo))
    for name, related in sorted(instance._state.fields_cache.items()):
        if name not in skip:
            content.append((name, content_of(related, depth - 1, memo)))
    prefetched = values.get("_prefetched_objects_cache", {})
    for name, queryset in sorted(prefetched.items()):
        content.append((name, tuple(content_of(item, depth - 1, memo) for item in queryset)))
    for name, value in sorted(values.items()):
        if name not in fields and name not in INTERNAL:
            content.append((name, content_of(value, depth, memo)))
    memo[id(instance)] = result = (
        instance._meta.label,
        instance.pk,
        hashlib.sha256(repr(content).encode()).hexdigest(),
    )
    return result


def cards(items, template_name, name, wrapper=("", ""), ignore="", **extra) -> str:
    """The HTML of ``template_name`` for each of ``items`` (seen as ``name``, with ``extra``),
    each between ``wrapper``'s two strings: one cache read for them all. ``ignore`` names
    relations of the items left out of their key (comma-separated): the template must not
    read them (a message's discussion, whose counts change with each reply)."""
    template = get_template(template_name)
    skip = {relation.strip() for relation in ignore.split(",") if relation.strip()}
    rendered = shared(
        items,
        lambda item: template.render({name: item, **extra}),
        template_name,
        extra=extra,
        ignore=skip,
    )
    opening, closing = wrapper
    return mark_safe("".join(f"{opening}{html}{closing}" for html in rendered))  # noqa: S308


def shared(items, render, name, *, extra=None, ignore=()) -> list:
    """``[render(item) for item in items]``, each value kept under ``name``, the content of
    ``extra`` (what ``render`` reads besides the item) and of the item, less its relations
    ``ignore`` (see the module's doc): one cache read for them all. The values must pickle
    (HTML, an API's dict)."""
    items = list(items)
    if not items or not fragments_enabled():
        return [render(item) for item in items]
    return _shared(items, render, name, extra or {}, set(ignore))


def _shared(items, render, template_name, extra, skip):
    memo = {}
    try:
        common = (
            template_name,
            content_of(extra, memo=memo),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            tuple(sorted(tag_values(tagging.ALWAYS).items())),
        )
    except Exception:  # noqa: BLE001 - no cache, or values that cannot be told: render
        return [render(item) for item in items]
    keys = []
    for item in items:
        try:
            shown = (
                _model_content(item, DEPTH, memo, skip)
                if isinstance(item, Model)
                else content_of(item, memo=memo)
            )
            parts = (*common, shown)
        except Unshareable:
            keys.append(None)
        else:
            keys.append(CARD_KEY.format(hashlib.sha256(repr(parts).encode()).hexdigest()))
    try:
        stored = local.entries([key for key in keys if key is not None])
        missing = [key for key in keys if key is not None and key not in stored]
        read = cache.get_many(missing) if missing else {}
        local.keep(read)
        stored.update(read)
    except Exception:  # noqa: BLE001 - no cache: render
        stored = {}
    rendered, new = [], {}
    for item, key in zip(items, keys, strict=True):
        if key in stored:
            rendered.append(stored[key])
            continue
        counter = _Queries()
        with connection.execute_wrapper(counter):
            html = render(item)
        rendered.append(html)
        if key is not None and not counter.count:
            new[key] = html
    if new:
        with suppress(Exception):  # no cache: shown, not kept
            cache.set_many(new, timeout=settings.PARVIS_FRAGMENT_CACHE_SECONDS)
            local.keep(new)
    return rendered


class _Queries:
    """A database execute wrapper counting the statements run."""

    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

"""Pieces of HTML built from every territory (the options of a commune ``<select>``, the
suggestions of a commune field), kept in process memory while the territories do not change.

Hundreds of communes show in the filter forms of the directory, the agenda and the groups:
reading and rendering them on every request cost more than the rest of those pages. They
change only when the territories are imported again, and every write to the territories'
table, whatever its path, retires the page cache's ``territories.territory`` tag
(``core.pagecache``): its value (with ``pagecache.all``) is the version of what is kept here,
read from the shared cache once per use (one Redis read). With the database cache (the
embedded first run without Redis) nothing is kept: that read would be a query.
"""

import threading

from django.core.cache import caches
from django.core.cache.backends.db import BaseDatabaseCache
from django.utils.html import escape

from parvis.core import pagecache

from .models import Territory

#: ``{name: (version, value)}``.
_kept = {}
_lock = threading.Lock()


def version(tags=()):
    """What changes whenever a territory (or a row of the collections ``tags``) is written;
    ``None``: nothing may be kept."""
    if isinstance(caches["default"], BaseDatabaseCache):
        return None
    values = pagecache.tag_values(
        [pagecache.ALL, pagecache.collection("territories.territory"), *tags]
    )
    return tuple(sorted(values.items()))


def kept(name, build, tags=()):
    """``build()``, computed once per version of the territories (per process); with
    ``tags`` (collections, e.g. ``"agenda.category"``), once per version of those too, and the
    page being rendered depends on them (as if it had loaded their rows)."""
    if tags and pagecache.recording():
        pagecache.depends_on(*tags)
    current = version(tags)
    if current is None:
        return build()
    found = _kept.get(name)
    if found is not None and found[0] == current:
        return found[1]
    value = build()
    with _lock:
        _kept[name] = (current, value)
    return value


def forget():
    """Drop what is kept (tests)."""
    with _lock:
        _kept.clear()


def territory_queryset(kind):
    """The territories of ``kind`` in the order of the pickers (by name)."""
    return Territory.objects.filter(kind=kind).order_by("name", "pk")


def _select_options(kind):
    """``(by value, [(unselected html, selected html)])`` for the territories of ``kind``,
    each as Django's ``select_option.html`` renders it in ``select.html``."""
    by_value, options = {}, []
    for territory in territory_queryset(kind):
        value, label = str(territory.pk), escape(str(territory))
        by_value.setdefault(value, len(options))
        options.append(
            (
                f'\n  <option value="{value}">{label}</option>\n',
                f'\n  <option value="{value}" selected>{label}</option>\n',
            )
        )
    return by_value, options


def select_options(kind):
    """The options of a ``<select>`` of the territories of ``kind`` (see ``_select_options``)."""
    return kept(f"select:{kind}", lambda: _select_options(kind))


def commune_suggestions():
    """The ``<option>`` elements of the communes' ``<datalist>`` (labels "Name (60000)")."""
    from .forms import commune_label
    from .selectors import commune_choices

    def build():
        return "".join(
            f'<option value="{escape(commune_label(name, postal))}"></option>'
            for _pk, name, postal in commune_choices()
        )

    return kept("datalist:commune", build)

"""Reads of territories."""

import re
import unicodedata

from django.db.models import Q

from parvis.core.prepared import prepared

from .models import Territory, TerritoryKind

LABEL_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<postal>\d{5})\)\s*$")
SEPARATORS_RE = re.compile(r"[\s\-‐–—'’]+")


def fold(text):
    """Lower-case ``text``, strip its accents and treat hyphens, apostrophes and spaces alike,
    for comparisons: "saint just en chaussee" matches "Saint-Just-en-Chaussée"."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    plain = plain.replace("œ", "oe").replace("æ", "ae")
    return SEPARATORS_RE.sub(" ", plain).strip()


def commune_choices():
    """Every commune as (pk, name, postal codes), in one query, for pickers."""
    return list(
        Territory.objects.filter(kind=TerritoryKind.COMMUNE)
        .order_by("name")
        .values_list("pk", "name", "postal_codes")
    )


def commune_lookup(text):
    """The communes matching what a person typed: "Name (60000)", a name, a postal code or an
    INSEE code. Returns a list; one element means the commune is found."""
    text = " ".join((text or "").split())
    if not text:
        return []
    communes = Territory.objects.filter(kind=TerritoryKind.COMMUNE)
    match = LABEL_RE.match(text)
    if match:
        wanted = fold(match["name"])
        candidates = communes.filter(postal_codes__contains=match["postal"])
        exact = [c for c in candidates if fold(c.name) == wanted]
        if exact:
            return exact
        text = match["name"]
    if text.isdigit():
        if len(text) != 5:
            return []
        # A postal code or an INSEE code. They overlap (60130 is the postal code of
        # Saint-Just-en-Chaussée and the INSEE code of Catenoy): then all are candidates.
        found = communes.filter(Q(postal_codes__contains=text) | Q(code=text)).order_by("name")
        return [c for c in found if c.code == text or text in c.postal_code_list]
    # Names are compared accent-, case- and hyphen-insensitively, in Python: two short
    # columns of a few hundred rows are read, then the matching communes.
    wanted = fold(text)
    names = [(pk, fold(name)) for pk, name in communes.values_list("pk", "name")]
    pks = [pk for pk, name in names if name == wanted] or [
        pk for pk, name in names if name.startswith(wanted)
    ][:20]
    return list(communes.filter(pk__in=pks).order_by("name")) if pks else []


def territories_containing(commune):
    """The territories that contain ``commune`` (its EPCI, arrondissement and département)."""
    return list(Territory.objects.filter(pk__in=commune.lineage_ids[1:]))


# --- Territory pages (the local portal) -------------------------------------------------------

#: The order in which territories are named: the widest first.
KIND_RANK = {
    TerritoryKind.DEPARTEMENT: 0,
    TerritoryKind.ARRONDISSEMENT: 1,
    TerritoryKind.EPCI: 2,
    TerritoryKind.COMMUNE: 3,
}


_CONTAINER_FIELD = {
    TerritoryKind.EPCI: "epci",
    TerritoryKind.ARRONDISSEMENT: "arrondissement",
    TerritoryKind.DEPARTEMENT: "departement",
}


def in_territory(field, territory):
    """``Q`` for rows whose ``field`` (a foreign key to ``Territory``) is ``territory`` or a
    territory inside it: a commune of an EPCI, anything of a département..."""
    if territory.kind == TerritoryKind.COMMUNE:
        return Q(**{field: territory})
    container = _CONTAINER_FIELD[territory.kind]
    return Q(**{field: territory}) | Q(**{f"{field}__{container}": territory})


def commune_in(field, territory):
    """``Q`` for rows whose ``field`` (a commune foreign key) lies in ``territory``."""
    if territory.kind == TerritoryKind.COMMUNE:
        return Q(**{field: territory})
    return Q(**{f"{field}__{_CONTAINER_FIELD[territory.kind]}": territory})


def territory_for_page(kind, code):
    """The territory of ``kind`` with official ``code``, with the territories that contain it
    (one query), or ``None``."""
    if kind not in TerritoryKind.values or not code:
        return None
    found = _territory_for_page(kind=str(kind), code=str(code))[:1]
    return next(iter(found), None)


@prepared("kind", "code")
def _territory_for_page(kind, code):
    # ``(kind, code)`` is unique: no ``ORDER BY`` (``first()`` would sort by name).
    return (
        Territory.objects.filter(kind=kind, code=code)
        .select_related("epci", "arrondissement", "departement")
        .order_by()
    )


def territory_parts(territory):
    """What a territory page lists inside ``territory``, by name (one query): the communes of
    an EPCI or an arrondissement, the arrondissements and EPCI of a département; nothing for
    a commune."""
    fields = ("pk", "kind", "code", "name", "slug", "postal_codes", "population")
    if territory.kind in (TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT):
        parts = Territory.objects.filter(
            Q(kind=TerritoryKind.COMMUNE) & Q(**{territory.kind: territory})
        )
    elif territory.kind == TerritoryKind.DEPARTEMENT:
        parts = Territory.objects.filter(
            kind__in=[TerritoryKind.ARRONDISSEMENT, TerritoryKind.EPCI], departement=territory
        )
    else:
        return []
    return list(parts.only(*fields).order_by("name", "pk"))


def territories_to_explore():
    """The département(s), arrondissements and EPCI of the territory, widest first then by
    name (one query), for the index of territory pages."""
    rows = Territory.objects.exclude(kind=TerritoryKind.COMMUNE).order_by("name", "pk")
    return sorted(rows, key=lambda territory: KIND_RANK[territory.kind])


_containers = {}


def territory_containers(territory_id):
    """``[(kind, pk), ...]`` of the territories containing territory ``territory_id`` (a
    commune's EPCI, arrondissement and département...), from a map read once per process
    (territories change only with an import, which restarts the servers): the page cache's
    derived scopes."""
    if territory_id not in _containers:
        rows = Territory.objects.values_list("pk", "epci_id", "arrondissement_id", "departement_id")
        _containers.update(
            {
                pk: [
                    (kind, value)
                    for kind, value in zip(CONTAINER_KINDS, containers, strict=True)
                    if value is not None
                ]
                for pk, *containers in rows
            }
        )
    return _containers.get(territory_id, [])


CONTAINER_KINDS = (TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT, TerritoryKind.DEPARTEMENT)


def territory_scope(label, territory) -> str:
    """The page cache's tag for the ``label`` items placed in ``territory``, declared with
    ``scopes={"commune": ...}, derived={"commune": territory_containers}``."""
    from parvis.core.pagecache import scoped

    return scoped(label, str(territory.kind), territory.pk)


def audience_text(item) -> str:
    """The territories ``item`` is aimed at (its ``audience``), five names at most, for an
    announcement: the département's name when it is aimed at everyone."""
    names = list(item.audience.order_by("kind", "name").values_list("name", flat=True)[:6])
    if not names:
        names = list(
            Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT).values_list("name", flat=True)
        )
    return ", ".join(names[:5]) + (", …" if len(names) > 5 else "")

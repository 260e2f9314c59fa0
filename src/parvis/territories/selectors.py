"""Reads of territories."""

import re
import unicodedata

from django.db.models import Q

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

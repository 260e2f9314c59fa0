"""Reads of territories."""

import re
import unicodedata

from .models import Territory, TerritoryKind

LABEL_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<postal>\d{5})\)\s*$")


def fold(text):
    """Lower-case ``text`` and strip its accents, for accent-insensitive comparisons."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


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
        if len(text) == 5:
            by_code = list(communes.filter(code=text))
            by_postal = [
                c for c in communes.filter(postal_codes__contains=text) if text in c.postal_codes
            ]
            return by_code or by_postal
        return []
    wanted = fold(text)
    # Names are compared accent- and case-insensitively; 680 short rows are read at most.
    rows = [(c, fold(c.name)) for c in communes.only("pk", "name", "postal_codes", "code")]
    exact = [c for c, name in rows if name == wanted]
    if exact:
        return exact
    return [c for c, name in rows if name.startswith(wanted)][:20]


def territories_containing(commune):
    """The territories that contain ``commune`` (its EPCI, arrondissement and département)."""
    return list(Territory.objects.filter(pk__in=commune.lineage_ids[1:]))

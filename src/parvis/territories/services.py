"""Writes of territories: the import of one département from Etalab's open data."""

import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.text import slugify

from .models import Territory, TerritoryKind
from .signals import communes_regrouped

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE_FILES = ("departements", "arrondissements", "epci", "communes")
# Metropolitan départements (Corsica is 2A and 2B) and the overseas ones.
DEPARTEMENT_CODE_RE = re.compile(r"^(0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-6])$")
POSTAL_CODE_RE = re.compile(r"^\d{5}$")
# Fields written by the import, as attribute names (foreign keys by their "_id").
IMPORTED_FIELDS = (
    "name",
    "slug",
    "siren",
    "epci_type",
    "postal_codes",
    "population",
    "departement_id",
    "arrondissement_id",
    "epci_id",
)
COMMUNE_BATCH = 100


class TerritoryDataError(Exception):
    """The data cannot be imported; the message is meant for the person running the import."""


@dataclass
class ImportReport:
    name: str = ""
    code: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    counts: dict = field(default_factory=dict)
    population: int = 0
    missing: list = field(default_factory=list)

    def summary(self):
        return (
            f"Imported {self.name} ({self.code}): {self.counts['departement']} département, "
            f"{self.counts['arrondissement']} arrondissements, {self.counts['epci']} EPCI, "
            f"{self.counts['commune']} communes, {self.population} inhabitants "
            f"({self.created} created, {self.updated} updated, {self.unchanged} unchanged)."
        )


def normalise_departement_code(code):
    """``"60"`` for ``" 60 "``, ``"2A"`` for ``"2a"``, ``"01"`` for ``"1"``."""
    code = str(code).strip().upper()
    return code.zfill(2) if code.isdigit() and len(code) == 1 else code


def territory_data_load(*, code, source=None):
    """Read the data for département ``code``: the shipped file, or the four Etalab files of
    the directory ``source``. Raises ``TerritoryDataError`` with a one-line message."""
    code = normalise_departement_code(code)
    if source is None:
        if not DEPARTEMENT_CODE_RE.match(code):
            raise TerritoryDataError(f"Unknown département code: {code}")
        path = DATA_DIR / f"territory-{code}.json.gz"
        if not path.exists():
            raise TerritoryDataError(
                f"No shipped data for département {code}; use --source DIR "
                "(the data/ directory of @etalab/decoupage-administratif)."
            )
        try:
            return json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
        except (OSError, EOFError, ValueError) as exc:
            raise TerritoryDataError(f"{path}: corrupt data file ({exc}).") from None
    source = Path(source)
    if not source.is_dir():
        raise TerritoryDataError(f"{source}: no such directory.")
    data = {}
    for name in SOURCE_FILES:
        path = source / f"{name}.json"
        try:
            data[name] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise TerritoryDataError(f"{path}: file not found.") from None
        except (OSError, ValueError) as exc:
            raise TerritoryDataError(f"{path}: not valid JSON ({exc}).") from None
    return data


def _list(data, name):
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, list):
        raise TerritoryDataError(f"Unexpected data: “{name}” is missing or is not a list.")
    return value


def _require(record, keys, what):
    """``record`` must be an object whose ``keys`` are non-empty strings."""
    entry = f"{'an' if what[0] in 'aeiouAEIOU' else 'a'} {what} entry"
    if not isinstance(record, dict):
        raise TerritoryDataError(f"Unexpected data: {entry} is not an object.")
    for key in keys:
        value = record.get(key)
        if value in (None, ""):
            raise TerritoryDataError(f"Unexpected data: {entry} has no “{key}”.")
        if not isinstance(value, str):
            raise TerritoryDataError(
                f"Unexpected data: {entry} has a “{key}” that is not a string."
            )
    return record


def _optional_text(record, key, what):
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TerritoryDataError(f"Unexpected data: {what} has a “{key}” that is not a string.")
    return value


def _population(record, what):
    value = record.get("population", 0)
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TerritoryDataError(f"Unexpected data: {what} has an invalid population.")
    return value


def _postal_codes(record, what):
    value = record.get("codesPostaux") or []
    if not isinstance(value, list) or not all(
        isinstance(p, str) and POSTAL_CODE_RE.match(p) for p in value
    ):
        raise TerritoryDataError(f"Unexpected data: {what} has invalid postal codes.")
    return " ".join(dict.fromkeys(value))


def _rows(code, data):
    """Check the data and shape the rows to write, per kind, as {code: {attribute: value}}.

    Foreign keys are filled in later, once their targets exist."""
    departements = [
        d
        for d in _list(data, "departements")
        if _require(d, ("code", "nom"), "département")["code"] == code
    ]
    if not departements:
        raise TerritoryDataError(f"Unknown département code: {code}")
    arrondissements = [
        a
        for a in _list(data, "arrondissements")
        if _require(a, ("code", "nom", "departement"), "arrondissement")["departement"] == code
    ]
    communes = {}
    for c in _list(data, "communes"):
        _require(c, ("code", "nom", "type"), "commune")
        if c.get("departement") != code or c["type"] != "commune-actuelle":
            continue
        what = f"commune {c['code']}"
        communes[c["code"]] = {
            "name": c["nom"],
            "slug": slugify(c["nom"]),
            "siren": _optional_text(c, "siren", what),
            "postal_codes": _postal_codes(c, what),
            "population": _population(c, what),
            "arrondissement": _optional_text(c, "arrondissement", what),
        }
    if not communes:
        raise TerritoryDataError(f"Unexpected data: no current commune in département {code}.")

    epcis = {}
    epci_of = {}
    for e in _list(data, "epci"):
        _require(e, ("code", "nom"), "EPCI")
        members = e.get("membres")
        if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
            raise TerritoryDataError(f"Unexpected data: EPCI {e['code']} has no member list.")
        here = [m.get("code") for m in members if m.get("code") in communes]
        if not here:
            continue
        for member in here:
            epci_of[member] = e["code"]
        epcis[e["code"]] = {
            "name": e["nom"],
            "slug": slugify(e["nom"]),
            "siren": e["code"],
            "epci_type": _optional_text(e, "type", f"EPCI {e['code']}"),
            # Members in this département; those of other départements are added at import.
            "population": sum(communes[m]["population"] for m in here),
        }
    for commune_code, row in communes.items():
        row["epci"] = epci_of.get(commune_code)

    return {
        TerritoryKind.DEPARTEMENT: {
            code: {
                "name": departements[0]["nom"],
                "slug": slugify(departements[0]["nom"]),
                "population": sum(row["population"] for row in communes.values()),
            }
        },
        TerritoryKind.ARRONDISSEMENT: {
            a["code"]: {
                "name": a["nom"],
                "slug": slugify(a["nom"]),
                "population": sum(
                    row["population"]
                    for row in communes.values()
                    if row["arrondissement"] == a["code"]
                ),
            }
            for a in arrondissements
        },
        TerritoryKind.EPCI: epcis,
        TerritoryKind.COMMUNE: communes,
    }


def _validate(territory):
    try:
        territory.full_clean(
            exclude=["departement", "arrondissement", "epci"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        problems = "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items()
        )
        raise TerritoryDataError(
            f"Unexpected data: {territory.kind} {territory.code}: {problems}"
        ) from None


#: A commune changing one of these is regrouped (``signals.communes_regrouped``).
GROUPINGS = frozenset({"epci_id", "arrondissement_id"})


def _sync(report, kind, rows, regrouped=None):
    """Create the rows of ``kind`` that are missing and update those that changed, in a few
    queries whatever their number; the primary keys of those whose ``GROUPINGS`` changed are
    added to ``regrouped``. Returns {code: primary key}."""
    existing = {t.code: t for t in Territory.objects.filter(kind=kind, code__in=list(rows))}
    to_create, to_update, changed_fields = [], [], set()
    for code, values in rows.items():
        territory = existing.get(code)
        if territory is None:
            territory = Territory(kind=kind, code=code, **values)
            _validate(territory)
            to_create.append(territory)
            continue
        changed = [name for name, value in values.items() if getattr(territory, name) != value]
        if not changed:
            report.unchanged += 1
            continue
        for name in changed:
            setattr(territory, name, values[name])
        if regrouped is not None and GROUPINGS.intersection(changed):
            regrouped.append(territory.pk)
        _validate(territory)
        to_update.append(territory)
        changed_fields.update(changed)
    Territory.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        fields = sorted(name.removesuffix("_id") for name in changed_fields)
        Territory.objects.bulk_update(to_update, fields, batch_size=500)
    report.created += len(to_create)
    report.updated += len(to_update)
    return dict(Territory.objects.filter(kind=kind, code__in=list(rows)).values_list("code", "pk"))


def territory_import(*, code, data, progress=None):
    """Create or update département ``code``, its arrondissements, EPCI and current communes.

    Idempotent (rows are matched on kind and official code; only changed rows are written)
    and atomic: any error leaves the database as it was. The data is the shape of
    ``territory_data_load``. ``progress(done, total)`` is called as communes are written.
    Communes of the département that are no longer in the data are kept and listed in the
    report's ``missing``.
    """
    code = normalise_departement_code(code)
    rows = _rows(code, data)
    fields = set(IMPORTED_FIELDS)

    def shaped(values, **links):
        values = {**values, **links}
        return {name: value for name, value in values.items() if name in fields}

    departement_row = rows[TerritoryKind.DEPARTEMENT][code]
    communes = rows[TerritoryKind.COMMUNE]
    report = ImportReport(code=code, name=departement_row["name"])
    with transaction.atomic():
        dep = _sync(report, TerritoryKind.DEPARTEMENT, {code: shaped(departement_row)})[code]
        arrondissements = _sync(
            report,
            TerritoryKind.ARRONDISSEMENT,
            {
                key: shaped(values, departement_id=dep)
                for key, values in rows[TerritoryKind.ARRONDISSEMENT].items()
            },
        )
        # An EPCI straddling two départements keeps the one it was first imported with.
        epci_departements = dict(
            Territory.objects.filter(
                kind=TerritoryKind.EPCI, code__in=list(rows[TerritoryKind.EPCI])
            ).values_list("code", "departement_id")
        )
        # Its population counts its member communes of every imported département.
        elsewhere = dict(
            Territory.objects.filter(
                kind=TerritoryKind.COMMUNE, epci__code__in=list(rows[TerritoryKind.EPCI])
            )
            .exclude(departement_id=dep)
            .values("epci__code")
            .annotate(total=Sum("population"))
            .values_list("epci__code", "total")
        )
        epcis = _sync(
            report,
            TerritoryKind.EPCI,
            {
                key: shaped(
                    values,
                    departement_id=epci_departements.get(key) or dep,
                    population=values["population"] + elsewhere.get(key, 0),
                )
                for key, values in rows[TerritoryKind.EPCI].items()
            },
        )
        codes = list(communes)
        regrouped = []
        for start in range(0, len(codes), COMMUNE_BATCH):
            batch = codes[start : start + COMMUNE_BATCH]
            _sync(
                report,
                TerritoryKind.COMMUNE,
                {
                    key: shaped(
                        communes[key],
                        departement_id=dep,
                        arrondissement_id=arrondissements.get(communes[key]["arrondissement"]),
                        epci_id=epcis.get(communes[key]["epci"]),
                    )
                    for key in batch
                },
                regrouped,
            )
            if progress:
                progress(start + len(batch), len(codes))
        if regrouped:
            communes_regrouped.send(sender=Territory, communes=regrouped)
        report.missing = sorted(
            Territory.objects.filter(kind=TerritoryKind.COMMUNE, departement_id=dep)
            .exclude(code__in=codes)
            .values_list("code", flat=True)
        )
    report.counts = {
        "departement": 1,
        "arrondissement": len(arrondissements),
        "epci": len(epcis),
        "commune": len(communes),
    }
    report.population = departement_row["population"]
    return report

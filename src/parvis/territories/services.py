"""Writes of territories: the import of one département from Etalab's open data."""

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from .models import Territory, TerritoryKind

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE_FILES = ("departements", "arrondissements", "epci", "communes")


class TerritoryDataError(Exception):
    """The data cannot be imported; the message is meant for the person running the import."""


@dataclass
class ImportReport:
    name: str = ""
    code: str = ""
    created: int = 0
    updated: int = 0
    counts: dict = field(default_factory=dict)
    population: int = 0
    missing: list = field(default_factory=list)

    def summary(self):
        return (
            f"Imported {self.name} ({self.code}): {self.counts['departement']} département, "
            f"{self.counts['arrondissement']} arrondissements, {self.counts['epci']} EPCI, "
            f"{self.counts['commune']} communes, {self.population} inhabitants "
            f"({self.created} created, {self.updated} updated)."
        )


def territory_data_load(*, code, source=None):
    """Read the data for département ``code``: the shipped file, or the four Etalab files of
    the directory ``source``. Raises ``TerritoryDataError`` with a one-line message."""
    if source is None:
        path = DATA_DIR / f"territory-{code}.json.gz"
        if not path.exists():
            raise TerritoryDataError(
                f"No data is shipped for département {code}; "
                "use --source DIR with the Etalab files."
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


def _require(record, keys, what):
    if not isinstance(record, dict):
        raise TerritoryDataError(f"Unexpected data: a {what} entry is not an object.")
    for key in keys:
        if record.get(key) in (None, ""):
            raise TerritoryDataError(f"Unexpected data: a {what} entry has no “{key}”.")
    return record


def _list(data, name):
    value = data.get(name) if isinstance(data, dict) else None
    if not isinstance(value, list):
        raise TerritoryDataError(f"Unexpected data: “{name}” is missing or is not a list.")
    return value


def _upsert(report, kind, code, values):
    obj, created = Territory.objects.update_or_create(kind=kind, code=code, defaults=values)
    if created:
        report.created += 1
    else:
        report.updated += 1
    return obj


def territory_import(*, code, data, progress=None):
    """Create or update département ``code``, its arrondissements, EPCI and current communes.

    Idempotent (rows are matched on kind and official code) and atomic: any error leaves the
    database as it was. ``progress(done, total)`` is called as communes are written.
    """
    code = str(code).strip().upper()
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
    communes = [
        c
        for c in _list(data, "communes")
        if _require(c, ("code", "nom", "type"), "commune").get("departement") == code
        and c["type"] == "commune-actuelle"
    ]
    if not communes:
        raise TerritoryDataError(f"Unexpected data: no current commune in département {code}.")
    commune_codes = {c["code"] for c in communes}
    epcis = []
    for e in _list(data, "epci"):
        _require(e, ("code", "nom"), "EPCI")
        members = e.get("membres")
        if not isinstance(members, list):
            raise TerritoryDataError(f"Unexpected data: EPCI {e['code']} has no member list.")
        if any(isinstance(m, dict) and m.get("code") in commune_codes for m in members):
            epcis.append(e)
    epci_of = {
        m["code"]: e["code"] for e in epcis for m in e["membres"] if m.get("code") in commune_codes
    }
    population = {}
    for c in communes:
        try:
            population[c["code"]] = int(c.get("population") or 0)
        except (TypeError, ValueError):
            raise TerritoryDataError(
                f"Unexpected data: commune {c['code']} has an invalid population."
            ) from None

    report = ImportReport(code=code, name=departements[0]["nom"])
    total = len(communes)
    with transaction.atomic():
        dep = _upsert(
            report,
            TerritoryKind.DEPARTEMENT,
            code,
            {
                "name": departements[0]["nom"],
                "slug": slugify(departements[0]["nom"]),
                "population": sum(population.values()),
            },
        )
        arr_by_code = {}
        for a in arrondissements:
            arr_by_code[a["code"]] = _upsert(
                report,
                TerritoryKind.ARRONDISSEMENT,
                a["code"],
                {"name": a["nom"], "slug": slugify(a["nom"]), "departement": dep, "population": 0},
            )
        epci_by_code = {}
        for e in epcis:
            members = [m["code"] for m in e["membres"] if m.get("code") in commune_codes]
            epci_by_code[e["code"]] = _upsert(
                report,
                TerritoryKind.EPCI,
                e["code"],
                {
                    "name": e["nom"],
                    "slug": slugify(e["nom"]),
                    "siren": e["code"],
                    "epci_type": e.get("type") or "",
                    "departement": dep,
                    "population": sum(population[m] for m in members),
                },
            )
        for done, c in enumerate(communes, start=1):
            postal_codes = c.get("codesPostaux") or []
            if not isinstance(postal_codes, list):
                raise TerritoryDataError(
                    f"Unexpected data: commune {c['code']} has invalid postal codes."
                )
            arrondissement = arr_by_code.get(c.get("arrondissement"))
            _upsert(
                report,
                TerritoryKind.COMMUNE,
                c["code"],
                {
                    "name": c["nom"],
                    "slug": slugify(c["nom"]),
                    "siren": c.get("siren") or "",
                    "postal_codes": " ".join(postal_codes),
                    "population": population[c["code"]],
                    "departement": dep,
                    "arrondissement": arrondissement,
                    "epci": epci_by_code.get(epci_of.get(c["code"])),
                },
            )
            if progress:
                progress(done, total)
        for arr in arr_by_code.values():
            arr.population = sum(
                population[c["code"]] for c in communes if c.get("arrondissement") == arr.code
            )
            arr.save(update_fields=["population"])
        report.missing = list(
            Territory.objects.filter(kind=TerritoryKind.COMMUNE, departement=dep)
            .exclude(code__in=commune_codes)
            .values_list("code", flat=True)
        )
    report.counts = {
        "departement": 1,
        "arrondissement": len(arr_by_code),
        "epci": len(epci_by_code),
        "commune": total,
    }
    report.population = sum(population.values())
    return report

"""Build the compact territory file that Parvis ships for one département.

Source: the Etalab open data package @etalab/decoupage-administratif (MIT licence), e.g.
    npm pack @etalab/decoupage-administratif@6.0.0
    tar xzf etalab-decoupage-administratif-6.0.0.tgz
    python scripts/build_territory_data.py 60 package/data

It keeps, in the package's own shape, the département, its arrondissements, the EPCI with at
least one member commune in it (members outside it removed) and its current communes, with
only the fields Parvis reads (EPCI populations are recomputed from the communes), and
writes src/parvis/territories/data/territory-<code>.json.gz (reproducibly: sorted keys, no
gzip timestamp).
"""

import gzip
import json
import sys
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent.parent / "src" / "parvis" / "territories" / "data"
COMMUNE_FIELDS = (
    "code",
    "nom",
    "type",
    "departement",
    "arrondissement",
    "siren",
    "codesPostaux",
    "population",
)


def load(source, name):
    path = source / f"{name}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SystemExit(f"{path}: {exc}") from None


def build(code, source):
    departements = [d for d in load(source, "departements") if d["code"] == code]
    if not departements:
        raise SystemExit(f"Unknown département code: {code}")
    communes = [
        {key: c[key] for key in COMMUNE_FIELDS if key in c}
        for c in load(source, "communes")
        if c.get("departement") == code and c.get("type") == "commune-actuelle"
    ]
    codes = {c["code"] for c in communes}
    epcis = [
        {
            "code": e["code"],
            "nom": e["nom"],
            "type": e["type"],
            "membres": [{"code": m["code"]} for m in e["membres"] if m["code"] in codes],
        }
        for e in load(source, "epci")
        if any(m["code"] in codes for m in e["membres"])
    ]
    arrondissements = [
        {"code": a["code"], "nom": a["nom"], "departement": a["departement"]}
        for a in load(source, "arrondissements")
        if a["departement"] == code
    ]
    return {
        "source": "@etalab/decoupage-administratif 6.0.0 (MIT licence)",
        "departements": [{"code": d["code"], "nom": d["nom"]} for d in departements],
        "arrondissements": arrondissements,
        "epci": epcis,
        "communes": communes,
    }


def main(code, source):
    data = build(code, Path(source))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUT_DIR / f"territory-{code}.json.gz"
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # mtime=0 keeps the file byte-identical from one build to the next.
    out.write_bytes(gzip.compress(payload.encode("utf-8"), mtime=0))
    print(
        f"{out}: {len(data['communes'])} communes, {len(data['arrondissements'])} arrondissements,"
        f" {len(data['epci'])} EPCI, {out.stat().st_size} bytes"
    )


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: build_territory_data.py <département code> <package data dir>")
    main(sys.argv[1], sys.argv[2])

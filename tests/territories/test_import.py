import copy
import gzip
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parvis.territories.models import Commune, Epci, Territory, TerritoryKind
from parvis.territories.services import DATA_DIR

from ..factories import UserFactory

OISE = {"departement": 1, "arrondissement": 4, "epci": 21, "commune": 680}

# A small but complete extract in the shape of @etalab/decoupage-administratif's data/ files.
MINIMAL = {
    "departements": [
        {"code": "60", "nom": "Oise", "region": "32"},
        {"code": "80", "nom": "Somme", "region": "32"},
    ],
    "arrondissements": [
        {"code": "601", "nom": "Beauvais", "departement": "60"},
        {"code": "801", "nom": "Abbeville", "departement": "80"},
    ],
    "epci": [
        {
            "code": "200067999",
            "nom": "CA du Beauvaisis",
            "type": "CA",
            "membres": [{"code": "60057"}, {"code": "60001"}],
        },
        {
            "code": "200000001",
            "nom": "CC des Deux Rives",
            "type": "CC",
            "membres": [{"code": "60002"}, {"code": "80001"}],
        },
    ],
    "communes": [
        {
            "code": "60057",
            "nom": "Beauvais",
            "type": "commune-actuelle",
            "departement": "60",
            "arrondissement": "601",
            "siren": "216000562",
            "codesPostaux": ["60000"],
            "population": 56020,
        },
        {
            "code": "60001",
            "nom": "Abancourt",
            "type": "commune-actuelle",
            "departement": "60",
            "arrondissement": "601",
            "siren": "216000018",
            "codesPostaux": ["60220"],
            "population": 700,
        },
        {
            "code": "60002",
            "nom": "Abbecourt",
            "type": "commune-actuelle",
            "departement": "60",
            "arrondissement": "601",
            "siren": "216000026",
            "codesPostaux": ["60430"],
            "population": 680,
        },
        {
            "code": "60999",
            "nom": "Ancienne commune",
            "type": "commune-deleguee",
            "departement": "60",
            "population": 100,
        },
        {
            "code": "80001",
            "nom": "Abbeville",
            "type": "commune-actuelle",
            "departement": "80",
            "arrondissement": "801",
            "siren": "218000016",
            "codesPostaux": ["80100"],
            "population": 22000,
        },
    ],
}


class Terminal(StringIO):
    def isatty(self):
        return True


def run_import(*args, stdout=None):
    out = stdout or StringIO()
    call_command("import_territory", *args, stdout=out)
    return out.getvalue()


def counts():
    return {kind: Territory.objects.filter(kind=kind).count() for kind in TerritoryKind.values}


def snapshot():
    return list(Territory.objects.order_by("kind", "code").values())


@pytest.fixture
def shipped_data():
    return json.loads(gzip.decompress((DATA_DIR / "territory-60.json.gz").read_bytes()))


@pytest.fixture
def minimal():
    return copy.deepcopy(MINIMAL)


def write_source(directory, data):
    directory.mkdir(exist_ok=True)
    for name in ("departements", "arrondissements", "epci", "communes"):
        (directory / f"{name}.json").write_text(json.dumps(data[name]), encoding="utf-8")
    return directory


# The shipped Oise file


@pytest.mark.django_db
def test_import_of_the_shipped_oise_file_gives_the_official_figures():
    output = run_import("60")
    assert counts() == OISE
    assert sum(Commune.objects.values_list("population", flat=True)) == 829_899
    oise = Territory.objects.get(kind=TerritoryKind.DEPARTEMENT, code="60")
    assert oise.name == "Oise"
    assert oise.population == 829_899
    assert output.strip() == (
        "Imported Oise (60): 1 département, 4 arrondissements, 21 EPCI, 680 communes, "
        "829899 inhabitants (706 created, 0 updated, 0 unchanged)."
    )


@pytest.mark.django_db
def test_imported_commune_knows_the_territories_that_contain_it():
    run_import("60")
    beauvais = Commune.objects.get(code="60057")
    assert beauvais.name == "Beauvais"
    assert beauvais.slug == "beauvais"
    assert str(beauvais) == "Beauvais (60000)"
    assert beauvais.postal_code_list == ["60000"]
    assert beauvais.siren == "216000562"
    assert beauvais.arrondissement.code == "601"
    assert beauvais.arrondissement.name == "Beauvais"
    assert beauvais.epci.name == "CA du Beauvaisis"
    assert beauvais.epci.code == beauvais.epci.siren == "200067999"
    assert beauvais.epci.epci_type == "CA"
    assert beauvais.departement.code == "60"
    contained_in = set(beauvais.containers().values_list("kind", "code"))
    assert contained_in == {
        ("departement", "60"),
        ("arrondissement", "601"),
        ("epci", "200067999"),
    }
    assert len(beauvais.lineage_ids) == 4


@pytest.mark.django_db
def test_every_current_commune_has_an_epci_and_an_arrondissement():
    run_import("60")
    assert not Commune.objects.filter(epci=None).exists()
    assert not Commune.objects.filter(arrondissement=None).exists()
    assert not Commune.objects.filter(postal_codes="").exists()
    assert sum(Epci.objects.values_list("population", flat=True)) == 829_899
    arrondissements = Territory.objects.filter(kind=TerritoryKind.ARRONDISSEMENT)
    assert sum(arrondissements.values_list("population", flat=True)) == 829_899


@pytest.mark.django_db
def test_communes_with_several_postal_codes_keep_them_all():
    run_import("60")
    several = Commune.objects.filter(postal_codes__contains=" ")
    assert several.exists()
    assert all(len(c.postal_code_list) > 1 for c in several)


@pytest.mark.django_db
def test_reimporting_twice_changes_nothing_and_duplicates_nothing(django_assert_max_num_queries):
    run_import("60")
    before = snapshot()
    run_import("60")
    # The number of queries does not grow with the number of communes (batches of 100).
    with django_assert_max_num_queries(40):
        output = run_import("60")
    assert counts() == OISE
    assert snapshot() == before
    assert "(0 created, 0 updated, 706 unchanged)" in output


@pytest.mark.django_db
def test_reimport_updates_a_changed_value(tmp_path, shipped_data):
    run_import("60")
    beauvaisis = Epci.objects.get(code="200067999").population
    for commune in shipped_data["communes"]:
        if commune["code"] == "60057":
            growth = 60_000 - commune["population"]
            commune["population"] = 60_000
            commune["codesPostaux"] = ["60000", "60001"]
    source = write_source(tmp_path / "data", shipped_data)
    output = run_import("60", "--source", str(source))
    assert counts() == OISE
    beauvais = Commune.objects.get(code="60057")
    assert beauvais.population == 60_000
    assert beauvais.postal_codes == "60000 60001"
    assert beauvais.epci.population == beauvaisis + growth
    assert Territory.objects.get(kind="departement").population == 829_899 + growth
    # Beauvais, its EPCI, its arrondissement and the département changed.
    assert "(0 created, 4 updated, 702 unchanged)" in output


@pytest.mark.django_db
def test_commune_gone_from_the_data_is_reported_and_kept(tmp_path, shipped_data):
    run_import("60")
    resident = UserFactory(commune=Commune.objects.get(code="60057"))
    shipped_data["communes"] = [c for c in shipped_data["communes"] if c["code"] != "60057"]
    source = write_source(tmp_path / "data", shipped_data)
    output = run_import("60", "--source", str(source))
    assert "1 communes in the database are no longer in the data (kept): 60057" in output
    resident.refresh_from_db()
    assert resident.commune.code == "60057"


@pytest.mark.django_db
def test_progress_bar_is_shown_on_a_terminal_only():
    assert "680/680 communes" in run_import("60", stdout=Terminal())
    assert "communes]" not in run_import("60")
    assert "/680" not in run_import("60")


# --source with a directory of Etalab files


@pytest.mark.django_db
def test_source_directory_import_keeps_current_communes_of_the_departement(tmp_path, minimal):
    source = write_source(tmp_path / "data", minimal)
    output = run_import("60", "--source", str(source))
    assert counts() == {"departement": 1, "arrondissement": 1, "epci": 2, "commune": 3}
    assert "Imported Oise (60): 1 département, 1 arrondissements, 2 EPCI, 3 communes" in output
    assert "57400 inhabitants" in output
    assert not Territory.objects.filter(code__in=["60999", "80001", "801"]).exists()
    assert Epci.objects.get(code="200000001").population == 680


@pytest.mark.django_db
def test_epci_straddling_two_departements_keeps_the_first_and_counts_both(tmp_path, minimal):
    source = write_source(tmp_path / "data", minimal)
    run_import("60", "--source", str(source))
    run_import("80", "--source", str(source))
    straddling = Epci.objects.get(code="200000001")
    assert straddling.departement.code == "60"
    assert straddling.population == 680 + 22_000
    assert Commune.objects.get(code="80001").epci == straddling
    run_import("60", "--source", str(source))
    straddling.refresh_from_db()
    assert straddling.population == 680 + 22_000
    assert Epci.objects.filter(code="200000001").count() == 1


@pytest.mark.django_db
def test_departement_code_is_normalised(tmp_path, minimal):
    minimal["departements"].append({"code": "2A", "nom": "Corse-du-Sud"})
    minimal["communes"].append(
        {"code": "2A004", "nom": "Ajaccio", "type": "commune-actuelle", "departement": "2A"}
    )
    source = write_source(tmp_path / "data", minimal)
    output = run_import("2a", "--source", str(source))
    assert "Imported Corse-du-Sud (2A)" in output
    assert Commune.objects.get(code="2A004").departement.code == "2A"


# Errors: one line, nothing changed


@pytest.mark.django_db
def test_unknown_departement_code_is_refused_and_changes_nothing(tmp_path, minimal):
    with pytest.raises(CommandError, match="^Unknown département code: 99$"):
        run_import("99")
    source = write_source(tmp_path / "data", minimal)
    with pytest.raises(CommandError, match="^Unknown département code: 99$"):
        run_import("99", "--source", str(source))
    with pytest.raises(CommandError, match="^Unknown département code: OISE$"):
        run_import("oise")
    assert Territory.objects.count() == 0


@pytest.mark.django_db
def test_departement_without_shipped_data_asks_for_a_source():
    with pytest.raises(CommandError, match="^No shipped data for département 80; use --source DIR"):
        run_import("80")
    assert Territory.objects.count() == 0


@pytest.mark.django_db
def test_missing_directory_or_file_gives_one_line_error(tmp_path, minimal):
    with pytest.raises(CommandError, match="absent: no such directory"):
        run_import("60", "--source", str(tmp_path / "absent"))
    source = write_source(tmp_path / "data", minimal)
    (source / "epci.json").unlink()
    with pytest.raises(CommandError, match=r"epci\.json: file not found"):
        run_import("60", "--source", str(source))
    assert Territory.objects.count() == 0


@pytest.mark.django_db
def test_corrupt_json_gives_one_line_error_and_changes_nothing(tmp_path, minimal):
    run_import("60")
    before = snapshot()
    source = write_source(tmp_path / "data", minimal)
    (source / "communes.json").write_text('[{"code": "60057", "nom": ', encoding="utf-8")
    with pytest.raises(CommandError, match=r"communes\.json: not valid JSON") as error:
        run_import("60", "--source", str(source))
    assert "\n" not in str(error.value)
    (source / "communes.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match=r"communes\.json: not valid JSON"):
        run_import("60", "--source", str(source))
    assert snapshot() == before


@pytest.mark.django_db
def test_corrupt_shipped_file_is_reported(tmp_path, monkeypatch):
    broken = tmp_path / "territory-60.json.gz"
    broken.write_bytes(b"not gzip at all")
    monkeypatch.setattr("parvis.territories.services.DATA_DIR", tmp_path)
    with pytest.raises(CommandError, match="corrupt data file"):
        run_import("60")
    broken.write_bytes(gzip.compress(b"{not json"))
    with pytest.raises(CommandError, match="corrupt data file"):
        run_import("60")
    assert Territory.objects.count() == 0


@pytest.mark.django_db
def test_a_bad_commune_late_in_the_file_rolls_back_the_whole_import(tmp_path, shipped_data):
    run_import("60")
    before = snapshot()
    # The first commune changes, the last one is invalid: the first must not be updated either.
    shipped_data["communes"][0]["population"] = 1
    shipped_data["communes"][-1]["nom"] = "x" * 151
    source = write_source(tmp_path / "data", shipped_data)
    with pytest.raises(CommandError, match="Unexpected data: commune .*name: "):
        run_import("60", "--source", str(source))
    assert snapshot() == before


@pytest.mark.django_db
def test_a_bad_commune_on_first_import_leaves_the_database_empty(tmp_path, minimal):
    minimal["communes"][2]["codesPostaux"] = "60430"
    source = write_source(tmp_path / "data", minimal)
    with pytest.raises(CommandError, match="commune 60002 has invalid postal codes"):
        run_import("60", "--source", str(source))
    assert Territory.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["communes"].append({"nom": "Sans code"}), "a commune entry has no “code”"),
        (
            lambda d: d["communes"][0].update(code=60057),
            "a commune entry has a “code” that is not a string",
        ),
        (lambda d: d["communes"][0].update(population="beaucoup"), "invalid population"),
        (lambda d: d["communes"][0].update(population=-3), "invalid population"),
        (lambda d: d["communes"][0].update(codesPostaux=[60000]), "invalid postal codes"),
        (lambda d: d["communes"].append("60057"), "a commune entry is not an object"),
        (lambda d: d.update(epci={"not": "a list"}), "“epci” is missing or is not a list"),
        (lambda d: d["epci"][0].pop("membres"), "EPCI 200067999 has no member list"),
        (lambda d: d["departements"][0].pop("nom"), "a département entry has no “nom”"),
        (
            lambda d: d["arrondissements"][0].pop("departement"),
            "an arrondissement entry has no “departement”",
        ),
        (
            lambda d: d.update(communes=[c for c in d["communes"] if c["departement"] != "60"]),
            "no current commune in département 60",
        ),
    ],
)
@pytest.mark.django_db
def test_data_of_the_wrong_shape_is_refused_and_changes_nothing(tmp_path, minimal, change, message):
    source = write_source(tmp_path / "before", minimal)
    run_import("60", "--source", str(source))
    before = snapshot()
    change(minimal)
    source = write_source(tmp_path / "after", minimal)
    with pytest.raises(CommandError, match=message):
        run_import("60", "--source", str(source))
    assert snapshot() == before

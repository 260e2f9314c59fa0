import gzip
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parvis.territories.models import Commune, Epci, Territory, TerritoryKind
from parvis.territories.services import DATA_DIR


def run_import(*args):
    out = StringIO()
    call_command("import_territory", *args, stdout=out)
    return out.getvalue()


def counts():
    return {kind: Territory.objects.filter(kind=kind).count() for kind in TerritoryKind.values}


@pytest.fixture
def shipped_data():
    return json.loads(gzip.decompress((DATA_DIR / "territory-60.json.gz").read_bytes()))


def write_source(directory, data):
    directory.mkdir(exist_ok=True)
    for name in ("departements", "arrondissements", "epci", "communes"):
        (directory / f"{name}.json").write_text(json.dumps(data[name]), encoding="utf-8")
    return directory


@pytest.mark.django_db
def test_import_of_the_shipped_oise_file_gives_the_official_figures():
    output = run_import("60")
    assert counts() == {"departement": 1, "arrondissement": 4, "epci": 21, "commune": 680}
    assert sum(Commune.objects.values_list("population", flat=True)) == 829_899
    oise = Territory.objects.get(kind=TerritoryKind.DEPARTEMENT, code="60")
    assert oise.name == "Oise"
    assert oise.population == 829_899
    assert "680 communes, 829899 inhabitants" in output


@pytest.mark.django_db
def test_imported_commune_knows_the_territories_that_contain_it():
    run_import("60")
    beauvais = Commune.objects.get(code="60057")
    assert beauvais.name == "Beauvais"
    assert beauvais.postal_code_list == ["60000"]
    assert beauvais.siren == "216000562"
    assert beauvais.arrondissement.code == "601"
    assert beauvais.epci.name == "CA du Beauvaisis"
    assert beauvais.departement.code == "60"
    contained_in = set(beauvais.containers().values_list("kind", "code"))
    assert contained_in == {
        ("departement", "60"),
        ("arrondissement", "601"),
        ("epci", beauvais.epci.code),
    }
    assert len(beauvais.lineage_ids) == 4


@pytest.mark.django_db
def test_every_current_commune_has_an_epci_and_an_arrondissement():
    run_import("60")
    assert not Commune.objects.filter(epci=None).exists()
    assert not Commune.objects.filter(arrondissement=None).exists()
    assert sum(Epci.objects.values_list("population", flat=True)) == 829_899


@pytest.mark.django_db
def test_reimport_updates_and_never_duplicates(tmp_path, shipped_data):
    run_import("60")
    for commune in shipped_data["communes"]:
        if commune["code"] == "60057":
            commune["population"] = 60_000
            commune["nom"] = "Beauvais"
    source = write_source(tmp_path / "data", shipped_data)
    output = run_import("60", "--source", str(source))
    assert counts() == {"departement": 1, "arrondissement": 4, "epci": 21, "commune": 680}
    assert Commune.objects.get(code="60057").population == 60_000
    assert "0 created" in output


@pytest.mark.django_db
def test_unknown_departement_code_is_refused_and_changes_nothing(tmp_path, shipped_data):
    with pytest.raises(CommandError, match="No data is shipped for département 99"):
        run_import("99")
    source = write_source(tmp_path / "data", shipped_data)
    with pytest.raises(CommandError, match="Unknown département code: 99"):
        run_import("99", "--source", str(source))
    assert Territory.objects.count() == 0


@pytest.mark.django_db
def test_missing_directory_or_file_gives_one_line_error(tmp_path, shipped_data):
    with pytest.raises(CommandError, match="no such directory"):
        run_import("60", "--source", str(tmp_path / "absent"))
    source = write_source(tmp_path / "data", shipped_data)
    (source / "epci.json").unlink()
    with pytest.raises(CommandError, match=r"epci\.json: file not found"):
        run_import("60", "--source", str(source))
    assert Territory.objects.count() == 0


@pytest.mark.django_db
def test_corrupt_json_gives_one_line_error_and_changes_nothing(tmp_path, shipped_data):
    run_import("60")
    before = counts()
    source = write_source(tmp_path / "data", shipped_data)
    (source / "communes.json").write_text('[{"code": "60057", "nom": ', encoding="utf-8")
    with pytest.raises(CommandError, match=r"communes\.json: not valid JSON"):
        run_import("60", "--source", str(source))
    assert counts() == before


@pytest.mark.django_db
def test_wrong_shape_is_refused_and_the_import_is_rolled_back(tmp_path, shipped_data):
    run_import("60")
    # The last commune lacks its code: the communes before it must not be updated either.
    shipped_data["communes"][0]["population"] = 1
    shipped_data["communes"].append({"nom": "Sans code", "type": "commune-actuelle"})
    source = write_source(tmp_path / "data", shipped_data)
    with pytest.raises(CommandError, match="a commune entry has no “code”"):
        run_import("60", "--source", str(source))
    first = shipped_data["communes"][0]["code"]
    assert Commune.objects.get(code=first).population != 1

    shipped_data["communes"].pop()
    shipped_data["communes"][-1]["population"] = "beaucoup"
    write_source(source, shipped_data)
    with pytest.raises(CommandError, match="invalid population"):
        run_import("60", "--source", str(source))

    write_source(source, {**shipped_data, "epci": {"not": "a list"}})
    with pytest.raises(CommandError, match="“epci” is missing or is not a list"):
        run_import("60", "--source", str(source))
    assert Commune.objects.get(code=first).population != 1
    assert counts() == {"departement": 1, "arrondissement": 4, "epci": 21, "commune": 680}


@pytest.mark.django_db
def test_corrupt_shipped_file_is_reported(tmp_path, monkeypatch):
    broken = tmp_path / "territory-60.json.gz"
    broken.write_bytes(b"not gzip at all")
    monkeypatch.setattr("parvis.territories.services.DATA_DIR", tmp_path)
    with pytest.raises(CommandError, match="corrupt data file"):
        run_import("60")
    assert Territory.objects.count() == 0

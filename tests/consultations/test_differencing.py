"""The differencing attack on consultation results (issue 17, item 4).

Commune and intercommunality breakdowns were each k-anonymous (at least 10 respondents per
cell) but computed independently: an intercommunality's total minus its communes shown on their
own isolated one respondent — their choices on the page and through the API, and their free
text in the CSV (the only row labelled "Other communes" + that intercommunality). The cells
are now suppressed across both breakdowns (``results.publishable_cells``).

The data: ARC = Compiègne (10) + Margny (1, the victim); a third EPCI = two communes of 5;
Beauvais (12). Before the fix the page showed ARC (11) and Compiègne (10): 11 - 10 = 1.
"""

import csv
import io
import itertools
from collections import Counter

import pytest
from rest_framework.test import APIClient

from parvis.accounts.services import api_token_create
from parvis.consultations.results import MIN_GROUP_SIZE, OTHER, publishable_cells
from parvis.consultations.services import response_submit
from parvis.territories.models import Territory, TerritoryKind
from tests.factories import UserFactory

from .conftest import full_answers

pytestmark = pytest.mark.django_db

VICTIM_TEXT = "Mon voisin du 3 rue des Lilas fait du bruit"


def answer(consultation, commune, count, text="RAS", single=0):
    for _ in range(count):
        response_submit(
            consultation=consultation,
            member=UserFactory(commune=commune),
            answers=full_answers(consultation, text=text, single=single),
        )


@pytest.fixture
def attacked(make_consultation, oise):
    """A consultation where the difference of two published cells was one person."""
    dep = oise["departement"]
    vallee = Territory.objects.create(
        kind=TerritoryKind.EPCI, code="246000111", name="CC de la Vallée", departement=dep
    )
    villages = [
        Territory.objects.create(
            kind=TerritoryKind.COMMUNE,
            code=code,
            name=name,
            slug=name.lower(),
            departement=dep,
            epci=vallee,
        )
        for code, name in (("60901", "Hameauville"), ("60902", "Boisclair"))
    ]
    consultation = make_consultation()
    answer(consultation, oise["beauvais"], 12)
    answer(consultation, oise["compiegne"], 10)
    answer(consultation, oise["margny"], 1, text=VICTIM_TEXT, single=1)  # the victim
    for village in villages:
        answer(consultation, village, 5)
    return consultation


def isolated_sets(by_commune, by_epci, commune_epci_name):
    """What an attacker works out by subtraction: for each EPCI shown, its respondents
    minus those of its communes shown on their own; and the pool of communes minus those
    rests. Returns the sizes of every set so derived."""
    derived = []
    communes = {row["name"]: row["respondents"] for row in by_commune}
    for row in by_epci:
        members = [c for c, epci in commune_epci_name.items() if epci == row["name"]]
        shown = sum(communes.get(c, 0) for c in members)
        derived.append(row["respondents"] - shown)
    return derived


def test_the_rule_itself_leaves_no_small_difference():
    """Exhaustively on small data: every derivable rest is 0 or at least k."""
    commune_epci = {"a": "X", "b": "X", "c": "Y", "d": "Y", "e": None}
    for sizes in itertools.product([0, 1, 4, 9, 10, 12], repeat=5):
        commune_sizes = dict(zip("abcde", sizes, strict=True))
        cells = publishable_cells(commune_sizes, commune_epci)
        assert all(commune_sizes[c] >= MIN_GROUP_SIZE for c in cells.communes)
        rests = Counter()
        for commune, size in commune_sizes.items():
            if commune not in cells.communes:
                rests[cells.epci_of(commune, commune_epci)] += size
        if not cells.communes:
            continue  # no commune breakdown: the EPCI one alone is k-anonymous
        for column, rest in rests.items():
            assert rest == 0 or rest >= MIN_GROUP_SIZE, (commune_sizes, column, rest)
        assert cells.commune_pool == 0 or cells.commune_pool >= MIN_GROUP_SIZE


def test_api_results_no_longer_isolate_the_victim(attacked, agent, oise):
    _, key = api_token_create(user=agent, name="tests")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    data = client.get(f"/api/consultations/{attacked.pk}/resultats/").json()

    names = {row["name"] for row in data["by_epci"]}
    assert "CA de la Région de Compiègne et de la Basse Automne" in names  # still published
    commune_epci = {
        "Beauvais": "CA du Beauvaisis",
        "Compiègne": "CA de la Région de Compiègne et de la Basse Automne",
        "Margny-lès-Compiègne": "CA de la Région de Compiègne et de la Basse Automne",
        "Hameauville": "CC de la Vallée",
        "Boisclair": "CC de la Vallée",
    }
    for rest in isolated_sets(data["by_commune"], data["by_epci"], commune_epci):
        assert rest == 0 or rest >= MIN_GROUP_SIZE
    assert "Compiègne" not in {row["name"] for row in data["by_commune"]}
    assert "Beauvais" in {row["name"] for row in data["by_commune"]}  # not over-suppressed


def test_results_page_no_longer_isolates_the_victim(attacked, login, agent):
    page = login(agent).get(attacked.get_absolute_url() + "resultats/").content.decode()

    assert '<th scope="row">CA de la Région de Compiègne et de la Basse Automne' in page
    assert '<th scope="row">Compiègne' not in page
    assert '<th scope="row">Beauvais' in page


def test_csv_no_longer_gives_the_victims_free_text_away(attacked, login, agent):
    response = login(agent).get(attacked.get_absolute_url() + "export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *table = list(csv.reader(io.StringIO(text)))

    cells = Counter((row[1], row[2]) for row in table)
    assert all(count >= MIN_GROUP_SIZE for count in cells.values()), cells
    victim = next(row for row in table if VICTIM_TEXT in row)
    assert cells[victim[1], victim[2]] >= MIN_GROUP_SIZE
    # The order of the rows does not group a pool's communes together either.
    pool_rows = [n for n, row in enumerate(table) if row[1] == "Other communes"]
    assert pool_rows != list(range(pool_rows[0], pool_rows[0] + len(pool_rows))) or len(
        pool_rows
    ) == len(table)


def test_other_column_is_also_checked(oise):
    """The pool of the other EPCIs minus its communes shown is a cell too."""
    sizes = {"a": 12, "b": 3, "c": 4}
    commune_epci = {"a": "X", "b": "Y", "c": "Z"}  # X 12 shown; Y, Z in the pool (7)
    cells = publishable_cells(sizes, commune_epci)
    assert cells.epcis == set()  # the pool of 7 would be a difference: X joins it
    assert cells.communes == set()
    assert cells.epci_of("a", commune_epci) == OTHER

"""Searching the directory by name: French stemming and no accents on PostgreSQL, a simple
``icontains`` fallback on SQLite."""

import pytest
from django.db import connection

from parvis.accounts.models import DirectoryVisibility, User
from parvis.directory import search
from parvis.directory.selectors import directory_entries
from parvis.directory.types import DIRECTORY_TYPES
from parvis.organisations.models import Organisation

from ..factories import OrganisationFactory, UserFactory
from .test_tabs import URL, names_listed

# French stemming and accent folding need PostgreSQL; on SQLite these tests are deselected
# (see tests/conftest.py). CI runs the suite on PostgreSQL.
postgresql_only = pytest.mark.postgresql


@pytest.fixture
def found(oise, client_get):
    OrganisationFactory(
        name="Association des parents d'élèves", description="", commune=oise["beauvais"]
    )
    OrganisationFactory(
        name="Club de randonnée",
        description="Marches et associations sportives du Beauvaisis",
        commune=oise["beauvais"],
    )
    OrganisationFactory(
        name="Théâtre de Compiègne", description="Spectacle vivant", commune=oise["compiegne"]
    )
    UserFactory(
        first_name="Élève",
        last_name="Lefèvre",
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    UserFactory(
        first_name="Hélène",
        last_name="Beauvais",
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )

    def _found(text, type="associations"):
        return names_listed(client_get(type, text))

    return _found


@pytest.fixture
def client_get(client):
    return lambda type, text: client.get(URL, {"type": type, "q": text})


def test_words_are_reduced_to_letters_and_digits():
    assert search.search_words("  l'Élève & co|!:* 60 ") == ["l", "Élève", "co", "60"]
    assert search.search_words("") == []
    assert len(search.search_words("a " * 50)) == search.MAX_WORDS


@postgresql_only
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eleve", ["Association des parents d'élèves"]),
        ("ÉLÈVES", ["Association des parents d'élèves"]),
        ("associations", ["Association des parents d'élèves", "Club de randonnée"]),
        ("Beauv", ["Club de randonnée"]),
        ("theatre compiegne", ["Théâtre de Compiègne"]),
        ("rando sport", ["Club de randonnée"]),
        ("rando théâtre", []),
        (
            "&|!:*()",
            ["Association des parents d'élèves", "Club de randonnée", "Théâtre de Compiègne"],
        ),
    ],
)
def test_full_text_search_of_organisations(found, text, expected):
    assert found(text) == expected


@postgresql_only
def test_name_matches_rank_before_description_matches(found, oise):
    OrganisationFactory(name="Beauvaisis en fête", commune=oise["beauvais"])
    assert found("beauvaisis") == ["Beauvaisis en fête", "Club de randonnée"]


@postgresql_only
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("eleve", ["Élève Lefèvre"]),
        ("LEFEVRE", ["Élève Lefèvre"]),
        ("helene beauv", ["Hélène Beauvais"]),
        ("lef", ["Élève Lefèvre"]),
    ],
)
def test_full_text_search_of_members(found, text, expected):
    assert found(text, type="residents") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BEAUV", ["Club de randonnée"]),
        ("parents élèves", ["Association des parents d'élèves"]),
        ("compi", ["Théâtre de Compiègne"]),
        ("rando théâtre", []),
    ],
)
def test_simple_words_find_organisations_on_every_database(found, text, expected):
    assert found(text) == expected


def test_simple_words_find_members_on_every_database(found):
    assert found("lefèvre", type="residents") == ["Élève Lefèvre"]
    assert found("Hélène beauv", type="residents") == ["Hélène Beauvais"]


def test_visitor_finds_an_association_by_a_word_of_its_name(client, association):
    response = client.get(URL, {"type": "associations", "q": "Beauvaisis"})
    assert names_listed(response) == ["Les Amis du Beauvaisis"]


def test_search_respects_visibility(client, oise):
    UserFactory(
        first_name="Secret",
        last_name="Caché",
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.HIDDEN,
    )
    assert names_listed(client.get(URL, {"type": "residents", "q": "Secret"})) == []


def _plan(queryset):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


@postgresql_only
def test_search_queries_can_use_the_gin_indexes(oise, django_user_model):
    """A few thousand rows, then EXPLAIN: the planner can answer from the GIN indexes."""
    User.objects.bulk_create(
        User(
            email=f"m{i}@example.org",
            first_name=f"Prénom{i}",
            last_name=f"Nom{i}",
            directory_visibility=DirectoryVisibility.PUBLIC,
        )
        for i in range(3000)
    )
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Association {i}",
            slug=f"association-{i}",
            kind="association",
            description="Une association",
            commune=oise["beauvais"],
            status="verified",
        )
        for i in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE accounts_user")
        cursor.execute("ANALYZE organisations_organisation")

    class Anonymous:
        is_authenticated = False
        is_staff = False

    residents = directory_entries(DIRECTORY_TYPES["residents"], user=Anonymous(), text="nom12")
    plan = _plan(residents)
    assert "accounts_user_fts" in plan
    associations = directory_entries(
        DIRECTORY_TYPES["associations"], user=Anonymous(), text="associations 1234"
    )
    plan = _plan(associations)
    assert "organisations_organisation_fts" in plan
    assert "to_tsvector" not in plan  # the stored document is read, not re-parsed

"""The search box: every type found, accent-insensitive and typo-tolerant, ranked and grouped,
visibility respected, bad input answered without an error."""

import pytest
from django.core.management import call_command
from django.utils.translation import gettext_lazy as _

from parvis.core import search
from parvis.groups import services as group_services
from tests.factories import OrganisationFactory, UserFactory
from tests.groups.conftest import create_group
from tests.moderation.helpers import hide

pytestmark = pytest.mark.postgresql


def found(client, text, **params):
    """``{type key: [titles]}`` of the search page for ``text``."""
    response = client.get("/recherche/", {"q": text, **params})
    assert response.status_code == 200
    return {group.key: [r.title for r in group.results] for group in response.context["groups"]}


def titles(client, text):
    return {title for group in found(client, text).values() for title in group}


def test_visitor_finds_every_public_type_grouped_with_see_all(client, world):
    response = client.get("/recherche/", {"q": "marché"})
    groups = {group.key: group for group in response.context["groups"]}
    assert [r.title for r in groups["evenements"].results] == ["Grand marché de Noël"]
    assert [r.title for r in groups["groupes"].results] == ["Amis du marché bio"]
    assert [r.title for r in groups["discussions"].results] == ["Horaires du marché"]
    assert "Marché paysan du Beauvaisis" in [r.title for r in groups["organisations"].results]
    assert [r.title for r in groups["elus"].results] == ["Bernard Marchand"]
    assert [r.title for r in groups["actualites"].results] == ["Le marché déménage"]
    assert [r.title for r in groups["consultations"].results] == ["Avenir du marché couvert"]
    assert "Élodie Marché" in [r.title for r in groups["membres"].results]
    page = response.content.decode()
    # Each group has its heading and a "see all" link: the app's own list or /recherche/?type=
    assert '<h2 id="resultats-evenements-title">Événements</h2>' in page
    assert 'href="/agenda/?q=march%C3%A9"' in page
    assert 'href="/recherche/?q=march%C3%A9&amp;type=actualites"' in page
    assert world["event"].get_absolute_url() in page


def test_accents_are_ignored_both_ways(client, world, resident):
    create_group(resident, name="École de musique de Beauvais", description="Solfège.")
    assert found(client, "ecole")["groupes"] == ["École de musique de Beauvais"]
    assert found(client, "ÉCOLE")["groupes"] == ["École de musique de Beauvais"]
    assert found(client, "marche")["evenements"] == ["Grand marché de Noël"]


def test_prefixes_and_french_stems_match(client, world):
    assert found(client, "Beauvaisi")["organisations"][0] == "Marché paysan du Beauvaisis"
    assert found(client, "producteur")["evenements"] == ["Grand marché de Noël"]


def test_names_with_a_typo_are_found_by_trigram_similarity(client, world, oise):
    assert found(client, "Marchnad")["elus"] == ["Bernard Marchand"]
    assert found(client, "Beauvias")["communes"][0] == "Beauvais"
    assert found(client, "Marche paysant")["organisations"][0] == "Marché paysan du Beauvaisis"


def test_communes_by_name_without_accents_and_by_postal_code(client, oise):
    communes = found(client, "compiegne")["communes"]
    assert communes[0] == "Compiègne"  # the commune before the arrondissement of that name
    assert "Margny-lès-Compiègne" in communes
    assert found(client, "60200")["communes"] == ["Compiègne"]
    response = client.get("/recherche/", {"q": "60200"})
    assert oise["compiegne"].get_absolute_url() in response.content.decode()


def test_better_matches_rank_first(client, world):
    OrganisationFactory(
        name="Comité des fêtes",
        description="Nous tenons un stand au marché.",
        commune=world["event"].commune,
    )
    # The name (weight A) outranks the description (weight B).
    assert found(client, "marché")["organisations"][0] == "Marché paysan du Beauvaisis"


def test_every_word_is_required(client, world):
    assert found(client, "marché noël")["evenements"] == ["Grand marché de Noël"]
    assert "evenements" not in found(client, "marché pâques")


def test_private_group_discussions_only_for_its_members(client, login, world, private_member):
    assert "Places du marché secrètes" not in titles(client, "marché")
    login(UserFactory())
    assert "Places du marché secrètes" not in titles(client, "marché")
    login(private_member)
    assert "Places du marché secrètes" in found(client, "marché")["discussions"]


def test_private_group_itself_is_listed_by_name_as_in_the_group_list(client, world):
    assert found(client, "commerçants")["groupes"] == ["Conseil des commerçants"]


def test_directory_visibility_of_members_is_respected(client, login, world):
    assert "Paul Marchetti" not in titles(client, "Marchetti")  # members only: not visitors
    assert "Rose Marchal" not in titles(client, "Marchal")  # not listed: never
    login(UserFactory())
    assert found(client, "Marchetti")["membres"][0] == "Paul Marchetti"
    assert "Rose Marchal" not in titles(client, "Marchal")


@pytest.mark.parametrize(
    "item, title",
    [
        ("event", "Grand marché de Noël"),
        ("group", "Amis du marché bio"),
        ("association", "Marché paysan du Beauvaisis"),
        ("post", "Le marché déménage"),
        ("consultation", "Avenir du marché couvert"),
        ("public_member", "Élodie Marché"),
    ],
)
def test_hidden_items_are_never_found(client, login, world, moderator, item, title):
    assert title in titles(client, "marché")
    hide(world[item], moderator)
    assert title not in titles(client, "marché")
    login(world["manager"])  # not even by their author
    assert title not in titles(client, "marché")
    login(moderator)  # nor by staff: the search shows what the public sees
    assert title not in titles(client, "marché")


def test_deleted_discussions_and_groups_are_never_found(client, world, moderator):
    group_services.thread_delete(
        thread=world["public_thread"], actor=world["manager"], reason="Doublon."
    )
    assert "Horaires du marché" not in titles(client, "marché")
    group_services.group_delete(group=world["group"], moderator=moderator, reason="Spam.")
    assert "Amis du marché bio" not in titles(client, "marché")


def test_one_type_only_by_pages(client, world):
    for number in range(25):
        OrganisationFactory(name=f"Marché numéro {number}", commune=world["event"].commune)
    response = client.get("/recherche/", {"q": "marché", "type": "organisations"})
    page = response.context["page"]
    assert len(page.results) == search.PER_PAGE
    assert page.paginator.count == 27
    html = response.content.decode()
    assert "27 résultats" in html
    assert 'rel="next" href="?q=march%C3%A9&amp;type=organisations&amp;page=2"' in html
    second = client.get("/recherche/", {"q": "marché", "type": "organisations", "page": "2"})
    assert len(second.context["page"].results) == 7


def test_header_has_the_search_form_on_every_page(client, world):
    for url in ("/", "/agenda/", "/groupes/", world["event"].get_absolute_url()):
        html = client.get(url).content.decode()
        assert 'role="search"' in html and 'action="/recherche/"' in html, url
        assert '<script src="/static/parvis/search.js" defer></script>' in html


def test_suggestions_give_a_few_results_of_each_type_as_json(client, world):
    for number in range(5):
        OrganisationFactory(name=f"Marché numéro {number}", commune=world["event"].commune)
    data = client.get("/recherche/suggestions/", {"q": "marché"}).json()
    groups = {group["type"]: group for group in data["groups"]}
    assert len(groups["organisations"]["results"]) == search.SUGGESTION_LIMIT
    assert groups["evenements"]["results"][0] == {
        "title": "Grand marché de Noël",
        "url": world["event"].get_absolute_url(),
        "detail": groups["evenements"]["results"][0]["detail"],
    }
    assert "Beauvais" in groups["evenements"]["results"][0]["detail"]
    assert data["url"] == "/recherche/?q=march%C3%A9"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 1000,
        "marché " * 300,
        "'; DROP TABLE accounts_user; --",
        "a & b | !c <-> d:* (e)",
        "%_\\",
        "\u200b🙂",
        "marché\x00noël",
    ],
)
def test_bad_input_never_fails(client, world, text):
    for url in ("/recherche/", "/recherche/suggestions/", "/api/recherche/"):
        response = client.get(url, {"q": text})
        assert response.status_code == 200, (url, text)
    response = client.get("/recherche/", {"q": text, "type": "evenements", "page": "x"})
    assert response.status_code == 200


def test_empty_query_invites_to_type_words(client):
    response = client.get("/recherche/", {"q": "  !!  "})
    assert "Saisissez au moins un mot" in response.content.decode()


def test_unknown_type_is_a_clear_404(client, world):
    response = client.get("/recherche/", {"q": "marché", "type": "nimporte"})
    assert response.status_code == 404
    assert "Ce type de contenu n’existe pas" in response.content.decode()


def test_a_new_content_type_registers_and_shows_without_platform_change(client, world):
    from parvis.organisations.models import Organisation

    provider = search.SearchProvider(
        key="appels",
        label=_("Calls for volunteers"),
        order=45,
        query=lambda user, query: Organisation.objects.filter(name__icontains="paysan").annotate(
            score=search.Value(1.0)
        ),
        result=lambda row: search.Result(title=f"Appel : {row.name}", url="/appels/1/"),
    )
    search.providers.register(provider)
    try:
        groups = found(client, "marché")
        assert groups["appels"] == ["Appel : Marché paysan du Beauvaisis"]
        assert list(groups).index("appels") == list(groups).index("organisations") + 1
    finally:
        search.providers.unregister("appels")
    call_command("clear_page_cache")  # as a deployment does (the types change with the code)
    assert "appels" not in found(client, "marché")


def test_query_is_cleaned_and_capped():
    query = search.Query.parse("  l'école\x00 de   Noël ; " + "a" * 500)
    assert query.words[:4] == ("l", "école", "de", "Noël")
    assert all(len(word) <= search.MAX_WORD_LENGTH for word in query.words)
    assert len(query.words) <= search.MAX_WORDS
    assert not search.Query.parse("'&|!")

"""Territories in the admin: moderators read them; nobody adds, edits or deletes them there."""

import pytest

COMMUNES = "/admin/territories/commune/"


@pytest.fixture(autouse=True)
def _no_staff_mfa(settings):
    settings.PARVIS_STAFF_MFA_REQUIRED = False


@pytest.mark.parametrize("model", ["departement", "arrondissement", "epci", "commune"])
def test_moderator_reads_every_kind_of_territory(login, moderator, model):
    response = login(moderator).get(f"/admin/territories/{model}/")
    assert response.status_code == 200


def test_moderator_lists_communes_with_their_epci_and_arrondissement(
    login, moderator, oise, django_assert_max_num_queries
):
    client = login(moderator)
    client.get(COMMUNES)  # warm the session and permission caches
    with django_assert_max_num_queries(15):
        response = client.get(COMMUNES)
    content = response.content.decode()
    assert "Margny-lès-Compiègne" in content
    assert "CA du Beauvaisis" in content
    assert "60280" in content


@pytest.mark.parametrize("query", ["60000", "60057", "beauv"])
def test_moderator_finds_a_commune_by_postal_code_code_or_name(login, moderator, oise, query):
    response = login(moderator).get(COMMUNES, {"q": query})
    content = response.content.decode()
    assert f"/admin/territories/commune/{oise['beauvais'].pk}/" in content
    assert f"/admin/territories/commune/{oise['compiegne'].pk}/" not in content


def test_moderator_filters_communes_by_arrondissement_and_epci(login, moderator, oise):
    client = login(moderator)
    arrondissement_of_compiegne = oise["arrondissements"][1]
    response = client.get(COMMUNES, {"arrondissement__id__exact": arrondissement_of_compiegne.pk})
    content = response.content.decode()
    assert f"/admin/territories/commune/{oise['margny'].pk}/" in content
    assert f"/admin/territories/commune/{oise['beauvais'].pk}/" not in content
    response = client.get(COMMUNES, {"epci__id__exact": oise["epcis"][0].pk})
    content = response.content.decode()
    assert f"/admin/territories/commune/{oise['beauvais'].pk}/" in content
    assert f"/admin/territories/commune/{oise['margny'].pk}/" not in content


def test_commune_page_is_read_only(login, moderator, oise):
    client = login(moderator)
    url = f"{COMMUNES}{oise['beauvais'].pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="name"' not in response.content.decode()
    response = client.post(url, {"name": "Changed"})
    assert response.status_code == 403
    oise["beauvais"].refresh_from_db()
    assert oise["beauvais"].name == "Beauvais"


def test_territories_cannot_be_added_or_deleted_in_the_admin(login, moderator, oise, admin_user):
    for user in (moderator, admin_user):
        client = login(user)
        assert client.get(f"{COMMUNES}add/").status_code == 403
        response = client.post(f"{COMMUNES}{oise['beauvais'].pk}/delete/", {"post": "yes"})
        assert response.status_code == 403
    assert type(oise["beauvais"]).objects.filter(pk=oise["beauvais"].pk).exists()


def test_residents_cannot_open_the_territory_admin(login, resident):
    response = login(resident).get(COMMUNES)
    assert response.status_code == 302

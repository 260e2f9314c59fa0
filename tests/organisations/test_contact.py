"""An organisation's public contact details: edited by its team through the form (validated
by the service), shown on its page with mailto:/tel: links, in the API and the admin."""

import pytest

from parvis.organisations import services
from parvis.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def edit(organisation):
    return f"/organisations/{organisation.slug}/modifier/"


def _page_data(organisation, **contact):
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "commune": "Beauvais",
        "description": organisation.description,
        "rna": organisation.rna,
        "siren": organisation.siren,
        "website": "",
        **contact,
    }


CONTACT = {
    "email": "contact@amis-beauvaisis.example.org",
    "phone": "+33 (0)3.44.06.60.00",
    "address": "1 rue Desgroux, 60000 Beauvais",
    "opening_hours": "Mardi et jeudi 14 h – 18 h",
    "website": "https://amis-beauvaisis.example.org",
}


def test_a_manager_adds_contact_details_shown_with_links(
    login, association_manager, association, client, django_assert_max_num_queries
):
    response = login(association_manager).post(
        edit(association), _page_data(association, **CONTACT)
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert association.phone == "03 44 06 60 00"  # stored as written in France
    with django_assert_max_num_queries(20):
        page = client.get(association.get_absolute_url()).content.decode()
    assert '<a href="tel:+33344066000">03 44 06 60 00</a>' in page
    assert 'href="mailto:contact@amis-beauvaisis.example.org"' in page
    assert "1 rue Desgroux, 60000 Beauvais" in page and "Mardi et jeudi 14 h – 18 h" in page
    assert "<address>" in page


def test_an_editor_changes_them_too(login, editor, association):
    response = login(editor).post(edit(association), {"description": "x", "phone": "0612345678"})
    assert response.status_code == 302
    association.refresh_from_db()
    assert association.phone == "06 12 34 56 78"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12 34", "Enter a French phone number of 10 digits"),
        ("phone", "+44 20 7946 0958", "Enter a French phone number of 10 digits"),
        ("website", "ftp://amis.example.org", "starting with https:// or http://"),
        ("email", "pas-une-adresse", "Enter a valid email address."),
        ("address", "1 rue\u202edu Bourg", "invisible or control character"),
    ],
)
def test_bad_contact_details_are_refused_with_a_message(
    login, association_manager, association, field, value, message
):
    response = login(association_manager).post(
        edit(association), _page_data(association, **{field: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    association.refresh_from_db()
    assert getattr(association, field) == ""


def test_the_service_validates_for_every_caller(association_manager, association):
    with pytest.raises(Exception) as error:
        services.organisation_update(
            organisation=association, actor=association_manager, website="javascript:alert(1)"
        )
    assert "website" in error.value.message_dict
    organisation = services.organisation_create(
        creator=association_manager,
        name="Atelier vélo",
        kind=association.kind,
        commune=association.commune,
        rna="W601234568",
        phone="03.44.45.46.47",
        email=" atelier@example.org ",
    )
    assert (organisation.phone, organisation.email) == ("03 44 45 46 47", "atelier@example.org")


def test_the_api_and_the_admin_show_them(client, login, moderator, association):
    association.phone, association.opening_hours = "03 44 06 60 00", "Le samedi"
    association.save(update_fields=["phone", "opening_hours"])
    item = client.get(f"/api/organisations/{association.pk}/").json()
    assert (item["phone"], item["opening_hours"], item["email"]) == (
        "03 44 06 60 00",
        "Le samedi",
        "",
    )
    admin = login(moderator).get(f"/admin/organisations/organisation/{association.pk}/change/")
    assert admin.status_code == 200
    assert 'name="opening_hours"' in admin.content.decode()


def test_a_page_without_contact_details_has_no_contact_section(client, association):
    assert not Organisation.objects.get(pk=association.pk).has_contact_details
    assert 'id="contact-title"' not in client.get(association.get_absolute_url()).content.decode()


def test_the_team_changes_them_through_the_api(association_manager, association, settings):
    from rest_framework.test import APIClient

    from parvis.accounts.services import api_token_create

    settings.LANGUAGE_CODE = "fr"
    _, key = api_token_create(user=association_manager, name="tests")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="fr")
    url = f"/api/organisations/{association.pk}/"

    response = api.patch(url, {"phone": "+33 3 44 06 60 00", "email": "a@example.org"}, "json")
    assert response.status_code == 200
    assert (response.json()["phone"], response.json()["email"]) == (
        "03 44 06 60 00",
        "a@example.org",
    )
    refused = api.patch(url, {"phone": "12"}, format="json")
    assert refused.status_code == 400
    assert "numéro de téléphone français" in refused.json()["phone"][0]
    association.refresh_from_db()
    assert association.phone == "03 44 06 60 00"

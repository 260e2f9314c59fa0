"""Creating and editing an organisation page."""

import pytest
from PIL import Image

from parvis.accounts.models import VerificationStatus
from parvis.organisations import services
from parvis.organisations.models import Organisation, OrganisationKind, OrganisationRole

from ..factories import OrganisationFactory

CREATE = "/organisations/nouvelle/"


def edit(organisation):
    return f"/organisations/{organisation.slug}/modifier/"


@pytest.fixture
def form_data(beauvais):
    return {
        "name": "Les Randonneurs du Thelle",
        "kind": OrganisationKind.ASSOCIATION,
        "commune": "Beauvais (60000)",
        "description": "Sorties chaque dimanche.",
        "website": "https://randonneurs.example.org",
        "rna": " w60 1234 567 ",
        "siren": "",
    }


def test_visitor_is_sent_to_log_in_to_create_an_organisation(visitor, db):
    response = visitor.get(CREATE)
    assert response.status_code == 302
    assert "/compte/login/" in response.url


def test_member_creates_an_association_awaiting_verification_and_manages_it(
    login, resident, form_data
):
    client = login(resident)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, form_data)
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response.url == f"/organisations/{organisation.slug}/"
    assert organisation.slug == "les-randonneurs-du-thelle"
    assert organisation.status == VerificationStatus.PENDING
    assert organisation.rna == "W601234567"
    assert organisation.created_by == resident
    membership = organisation.memberships.get()
    assert (membership.user, membership.role) == (resident, OrganisationRole.MANAGER)
    page = client.get(response.url).content.decode()
    assert "awaiting verification" in page


def test_slug_stays_unique_when_names_repeat(login, resident, form_data):
    client = login(resident)
    client.post(CREATE, form_data)
    client.post(CREATE, form_data)
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == [
        "les-randonneurs-du-thelle",
        "les-randonneurs-du-thelle-2",
    ]


def test_slug_never_shadows_the_pages_of_the_section(login, resident, form_data):
    login(resident).post(CREATE, {**form_data, "name": "Nouvelle"})
    assert Organisation.objects.get().slug == "nouvelle-2"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("rna", "W12345678", "W followed by 9 digits"),
        ("siren", "123456789", "check digit"),
        ("siren", "12345", "exactly 9 digits"),
    ],
)
def test_invalid_numbers_are_refused_with_a_clear_message(
    login, resident, form_data, field, value, message
):
    response = login(resident).post(CREATE, {**form_data, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.exists()


def test_association_must_give_an_rna_or_a_siren(login, resident, form_data):
    response = login(resident).post(CREATE, {**form_data, "rna": "", "siren": ""})
    assert response.status_code == 200
    assert "RNA number or its SIREN number" in response.content.decode()
    assert not Organisation.objects.exists()


def test_association_may_give_only_a_valid_siren(login, resident, form_data):
    login(resident).post(CREATE, {**form_data, "rna": "", "siren": "732 829 320"})
    assert Organisation.objects.get().siren == "732829320"


def test_institution_may_give_no_number(login, resident, form_data):
    data = {**form_data, "kind": OrganisationKind.INSTITUTION, "name": "Mairie", "rna": ""}
    login(resident).post(CREATE, data)
    assert Organisation.objects.get().kind == OrganisationKind.INSTITUTION


def test_logo_is_re_encoded_as_a_small_png(login, resident, form_data, png_logo):
    login(resident).post(CREATE, {**form_data, "logo": png_logo})
    organisation = Organisation.objects.get()
    assert organisation.logo.name.endswith(".png")
    with Image.open(organisation.logo.path) as image:
        assert image.format == "PNG"
        assert max(image.size) <= 400


def test_svg_disguised_as_a_png_logo_is_refused(login, resident, form_data, svg_logo):
    response = login(resident).post(CREATE, {**form_data, "logo": svg_logo})
    assert response.status_code == 200
    assert "not a valid image" in response.content.decode()
    assert not Organisation.objects.exists()


def test_missing_commune_is_refused(login, resident, form_data):
    response = login(resident).post(CREATE, {**form_data, "commune": ""})
    assert response.status_code == 200
    assert not Organisation.objects.exists()


def test_visitor_is_sent_to_log_in_to_edit(visitor, association):
    response = visitor.get(edit(association))
    assert response.status_code == 302
    assert "/compte/login/" in response.url


def test_stranger_cannot_edit_a_verified_organisation(login, other_resident, association):
    client = login(other_resident)
    assert client.get(edit(association)).status_code == 403
    response = client.post(edit(association), {"description": "Piraté"})
    assert response.status_code == 403
    association.refresh_from_db()
    assert association.description != "Piraté"


def test_stranger_gets_not_found_on_a_pending_organisation_edit_page(
    login, other_resident, pending_organisation
):
    assert login(other_resident).get(edit(pending_organisation)).status_code == 404


def test_editor_changes_the_description_but_not_the_name(login, editor, association):
    client = login(editor)
    page = client.get(edit(association)).content.decode()
    assert 'name="description"' in page
    assert 'name="name"' not in page
    assert 'name="rna"' not in page
    response = client.post(
        edit(association),
        {"description": "Nouvelle description", "website": "", "name": "Autre nom"},
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert association.description == "Nouvelle description"
    assert association.name == "Les Amis du Beauvaisis"
    assert association.status == VerificationStatus.VERIFIED


def test_manager_changing_the_rna_sends_a_verified_organisation_back_to_verification(
    login, association_manager, association, beauvais
):
    client = login(association_manager)
    response = client.post(
        edit(association),
        {
            "name": association.name,
            "kind": association.kind,
            "commune": "Beauvais (60000)",
            "description": association.description,
            "website": "",
            "rna": "W609999999",
            "siren": "",
        },
    )
    assert response.status_code == 302
    association.refresh_from_db()
    assert association.rna == "W609999999"
    assert association.status == VerificationStatus.PENDING
    assert "awaits a moderator" in client.get(response.url).content.decode()


def test_an_organisation_sent_back_for_changes_returns_to_verification_on_its_next_edit(
    login, editor, association, moderator, django_capture_on_commit_callbacks
):
    association.status = VerificationStatus.PENDING
    association.save(update_fields=["status"])
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_changes_request(
            organisation=association, moderator=moderator, reason="Décrivez vos activités."
        )
    client = login(editor)
    page = client.get(f"/organisations/{association.slug}/").content.decode()
    assert "asks for changes" in page and "Décrivez vos activités." in page
    response = client.post(
        edit(association),
        {"description": "Randonnées et nettoyage des berges.", "website": ""},
    )
    association.refresh_from_db()
    assert association.status == VerificationStatus.PENDING
    assert "sent back to the moderators" in client.get(response.url).content.decode()


def test_manager_editing_only_the_description_keeps_the_verification(
    login, association_manager, association, beauvais
):
    login(association_manager).post(
        edit(association),
        {
            "name": association.name,
            "kind": association.kind,
            "commune": "Beauvais (60000)",
            "description": "Mise à jour",
            "website": "https://amis.example.org",
            "rna": association.rna,
            "siren": "",
        },
    )
    association.refresh_from_db()
    assert association.description == "Mise à jour"
    assert association.status == VerificationStatus.VERIFIED


def test_manager_gets_a_clear_message_for_an_invalid_siren(
    login, association_manager, association, beauvais
):
    response = login(association_manager).post(
        edit(association),
        {
            "name": association.name,
            "kind": association.kind,
            "commune": "Beauvais (60000)",
            "rna": association.rna,
            "siren": "123456789",
        },
    )
    assert response.status_code == 200
    assert "check digit" in response.content.decode()
    association.refresh_from_db()
    assert association.siren == ""


def test_editor_replaces_then_removes_the_logo(login, editor, association, png_logo):
    client = login(editor)
    client.post(edit(association), {"description": "x", "logo": png_logo})
    association.refresh_from_db()
    assert association.logo
    client.post(edit(association), {"description": "x", "remove_logo": "on"})
    association.refresh_from_db()
    assert not association.logo


def test_other_organisations_are_untouched_by_an_edit(login, editor, association):
    other = OrganisationFactory(description="Intacte", commune=association.commune)
    login(editor).post(edit(association), {"description": "Changée"})
    other.refresh_from_db()
    assert other.description == "Intacte"

"""The Django admin as the moderators' workplace: lists, filters, verification actions."""

import pytest
from django.core import mail

from parvis.accounts.models import ApiToken, Mandate, ProfileKind, User, VerificationStatus
from parvis.organisations.models import Organisation

from ..factories import MandateFactory, MembershipFactory, OrganisationFactory, UserFactory

USERS = "/admin/accounts/user/"
MANDATES = "/admin/accounts/mandate/"
PENDING_MANDATES = "/admin/organisations/pendingmandate/"
ORGANISATIONS = "/admin/organisations/organisation/"
PENDING_ORGANISATIONS = "/admin/organisations/pendingorganisation/"


@pytest.fixture(autouse=True)
def _no_staff_mfa(settings):
    settings.PARVIS_STAFF_MFA_REQUIRED = False


@pytest.fixture
def pending_mandate(resident, beauvais):
    return MandateFactory(user=resident, territory=beauvais, status=VerificationStatus.PENDING)


@pytest.fixture
def pending_association(oise, other_resident):
    organisation = OrganisationFactory(
        name="Club de tir à l'arc de Compiègne",
        slug="club-tir-arc",
        commune=oise["compiegne"],
        status=VerificationStatus.PENDING,
    )
    MembershipFactory(organisation=organisation, user=other_resident)
    return organisation


def test_moderator_sees_the_verification_requests_on_the_admin_index(login, moderator):
    response = login(moderator).get("/admin/")
    assert response.status_code == 200
    content = response.content.decode()
    assert PENDING_MANDATES in content
    assert PENDING_ORGANISATIONS in content


def test_moderator_lists_members_and_filters_them_by_kind(login, moderator, resident, official):
    client = login(moderator)
    response = client.get(USERS, {"kind": ProfileKind.OFFICIAL})
    assert response.status_code == 200
    content = response.content.decode()
    assert official.email in content
    assert resident.email not in content


def test_moderator_filters_members_by_arrondissement_of_their_commune(
    login, moderator, oise, resident, other_resident
):
    arrondissement_of_beauvais = oise["arrondissements"][0]
    response = login(moderator).get(USERS, {"arrondissement": arrondissement_of_beauvais.pk})
    content = response.content.decode()
    assert resident.email in content
    assert other_resident.email not in content


def test_moderator_searches_members_by_name(login, moderator, resident, other_resident):
    response = login(moderator).get(USERS, {"q": "Lefebvre"})
    content = response.content.decode()
    assert other_resident.email in content
    assert resident.email not in content


def test_member_list_query_count_does_not_grow_with_members(
    login, moderator, beauvais, django_assert_max_num_queries
):
    UserFactory.create_batch(30, commune=beauvais)
    client = login(moderator)
    with django_assert_max_num_queries(15):
        response = client.get(USERS)
    assert response.status_code == 200


def test_moderator_verifies_a_mandate_and_the_member_becomes_an_official(
    login, moderator, resident, pending_mandate, django_capture_on_commit_callbacks
):
    client = login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            MANDATES, {"action": "verify_mandates", "_selected_action": [pending_mandate.pk]}
        )
    assert response.status_code == 302
    pending_mandate.refresh_from_db()
    resident.refresh_from_db()
    assert pending_mandate.status == VerificationStatus.VERIFIED
    assert pending_mandate.reviewed_by == moderator
    assert resident.kind == ProfileKind.OFFICIAL
    assert [message.to for message in mail.outbox] == [[resident.email]]


def test_verification_requests_list_only_what_waits_for_a_moderator(
    login, moderator, official, pending_mandate
):
    response = login(moderator).get(PENDING_MANDATES)
    assert response.status_code == 200
    content = response.content.decode()
    assert str(pending_mandate.user) in content
    assert str(official) not in content


def test_reject_action_first_asks_for_a_reason(login, moderator, pending_mandate):
    response = login(moderator).post(
        PENDING_MANDATES, {"action": "reject_mandates", "_selected_action": [pending_mandate.pk]}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="reason"' in content
    assert "csrfmiddlewaretoken" in content
    assert str(pending_mandate) in content
    pending_mandate.refresh_from_db()
    assert pending_mandate.status == VerificationStatus.PENDING


def test_moderator_rejects_a_mandate_with_a_reason_sent_to_the_member(
    login, moderator, resident, pending_mandate, django_capture_on_commit_callbacks
):
    reason = "Aucun arrêté municipal ne mentionne ce mandat."
    with django_capture_on_commit_callbacks(execute=True):
        response = login(moderator).post(
            PENDING_MANDATES,
            {
                "action": "reject_mandates",
                "_selected_action": [pending_mandate.pk],
                "apply": "1",
                "reason": reason,
            },
        )
    assert response.status_code == 302
    pending_mandate.refresh_from_db()
    assert pending_mandate.status == VerificationStatus.REJECTED
    assert pending_mandate.rejection_reason == reason
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    assert reason in mail.outbox[0].body


def test_reject_with_an_empty_reason_is_refused_and_changes_nothing(
    login, moderator, pending_mandate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(moderator).post(
            PENDING_MANDATES,
            {
                "action": "reject_mandates",
                "_selected_action": [pending_mandate.pk],
                "apply": "1",
                "reason": "   ",
            },
        )
    assert response.status_code == 200
    assert "Give the reason" in response.content.decode()
    pending_mandate.refresh_from_db()
    assert pending_mandate.status == VerificationStatus.PENDING
    assert mail.outbox == []


def test_moderator_verifies_an_organisation_and_its_managers_are_told(
    login, moderator, other_resident, pending_association, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(moderator).post(
            PENDING_ORGANISATIONS,
            {"action": "verify_organisations", "_selected_action": [pending_association.pk]},
        )
    assert response.status_code == 302
    pending_association.refresh_from_db()
    assert pending_association.status == VerificationStatus.VERIFIED
    assert pending_association.reviewed_by == moderator
    assert [message.to for message in mail.outbox] == [[other_resident.email]]
    assert "Club de tir à l'arc de Compiègne" in mail.outbox[0].subject


def test_moderator_rejects_an_organisation_with_a_reason_e_mailed_to_managers(
    login, moderator, other_resident, pending_association, django_capture_on_commit_callbacks
):
    reason = "Le numéro RNA correspond à une autre association."
    with django_capture_on_commit_callbacks(execute=True):
        response = login(moderator).post(
            ORGANISATIONS,
            {
                "action": "reject_organisations",
                "_selected_action": [pending_association.pk],
                "apply": "1",
                "reason": reason,
            },
        )
    assert response.status_code == 302
    pending_association.refresh_from_db()
    assert pending_association.status == VerificationStatus.REJECTED
    assert pending_association.rejection_reason == reason
    assert mail.outbox[0].to == [other_resident.email]
    assert reason in mail.outbox[0].body


def test_verified_organisation_leaves_the_verification_requests(
    login, moderator, pending_association, association
):
    response = login(moderator).get(PENDING_ORGANISATIONS)
    content = response.content.decode()
    assert pending_association.name.replace("'", "&#x27;") in content
    assert association.name not in content


def test_moderator_filters_organisations_by_status(
    login, moderator, pending_association, association
):
    response = login(moderator).get(ORGANISATIONS, {"status__exact": VerificationStatus.VERIFIED})
    content = response.content.decode()
    assert association.name in content
    assert "tir à l" not in content


def test_moderator_searches_organisations_by_rna(
    login, moderator, association, pending_association
):
    response = login(moderator).get(ORGANISATIONS, {"q": association.rna})
    content = response.content.decode()
    assert association.name in content
    assert "tir à l" not in content


def test_resident_is_sent_to_log_in_from_the_admin(login, resident):
    response = login(resident).get("/admin/")
    assert response.status_code == 302
    assert "login" in response.url


def test_visitor_is_sent_to_log_in_from_the_admin(visitor, db):
    response = visitor.get(MANDATES)
    assert response.status_code == 302
    assert "login" in response.url


def test_moderator_cannot_delete_members(login, moderator, resident):
    client = login(moderator)
    assert client.get(f"{USERS}{resident.pk}/delete/").status_code == 403
    response = client.post(f"{USERS}{resident.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=resident.pk).exists()


def test_moderator_cannot_grant_staff_rights_nor_change_a_password(login, moderator, resident):
    client = login(moderator)
    response = client.get(f"{USERS}{resident.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="is_active"' in content
    assert 'name="is_superuser"' not in content
    assert 'name="groups"' not in content
    assert client.get(f"{USERS}{resident.pk}/password/").status_code == 403


def test_moderator_cannot_edit_a_staff_account(login, moderator):
    other_moderator = UserFactory(is_staff=True)
    client = login(moderator)
    response = client.post(
        f"{USERS}{other_moderator.pk}/change/",
        {"email": "pirate@example.org", "first_name": "X", "last_name": "Y"},
    )
    assert response.status_code == 403
    other_moderator.refresh_from_db()
    assert other_moderator.email != "pirate@example.org"


def test_moderator_cannot_change_a_mandate_status_by_hand(login, moderator, pending_mandate):
    response = login(moderator).get(f"{MANDATES}{pending_mandate.pk}/change/")
    assert response.status_code == 200
    assert 'name="status"' not in response.content.decode()


def test_api_tokens_are_listed_without_their_hash(login, resident, db):
    token = ApiToken.objects.create(
        user=resident, name="Mon script", prefix="abcd1234", key_hash="f" * 64
    )
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = login(admin)
    response = client.get("/admin/accounts/apitoken/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Mon script" in content
    assert "f" * 64 not in content
    detail = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert "f" * 64 not in detail
    assert 'name="name"' not in detail


def test_moderator_does_not_see_api_tokens(login, moderator):
    assert login(moderator).get("/admin/accounts/apitoken/").status_code == 403


def test_every_admin_list_page_opens_for_a_moderator(
    login, moderator, pending_mandate, pending_association
):
    client = login(moderator)
    for url in (USERS, MANDATES, PENDING_MANDATES, ORGANISATIONS, PENDING_ORGANISATIONS):
        assert client.get(url).status_code == 200
    assert Mandate.objects.count() == 1
    assert Organisation.objects.count() == 1

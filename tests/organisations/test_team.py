"""The team of an organisation: invitations, roles, removal, leaving."""

import pytest
from django.core import mail

from parvis.organisations.models import (
    InvitationStatus,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
)

from ..factories import MembershipFactory, UserFactory

NEUTRAL = "If this address belongs to an identified member, they have been invited"
INVITATIONS = "/organisations/invitations/"


def members_page(organisation):
    return f"/organisations/{organisation.slug}/membres/"


@pytest.fixture
def invitation(association, association_manager, resident):
    return OrganisationInvitation.objects.create(
        organisation=association,
        invitee=resident,
        role=OrganisationRole.EDITOR,
        invited_by=association_manager,
    )


def test_visitor_is_sent_to_log_in_to_manage_the_team(visitor, association):
    response = visitor.get(members_page(association))
    assert response.status_code == 302
    assert "/compte/login/" in response.url


@pytest.mark.parametrize("persona", ["other_resident", "editor"])
def test_only_managers_open_the_team_page(request, login, persona, association):
    client = login(request.getfixturevalue(persona))
    assert client.get(members_page(association)).status_code == 403
    response = client.post(members_page(association), {"email": "x@example.org", "role": "manager"})
    assert response.status_code == 403
    assert not OrganisationInvitation.objects.exists()


def test_stranger_gets_not_found_on_a_pending_organisation_team_page(
    login, other_resident, pending_organisation
):
    assert login(other_resident).get(members_page(pending_organisation)).status_code == 404


def test_manager_invites_a_member_who_is_e_mailed(
    login, association_manager, association, resident, django_capture_on_commit_callbacks
):
    client = login(association_manager)
    assert client.get(members_page(association)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_page(association),
            {"email": "Camille.Martin@example.org", "role": OrganisationRole.EDITOR},
            follow=True,
        )
    assert NEUTRAL in response.content.decode()
    invitation = OrganisationInvitation.objects.get()
    assert (invitation.invitee, invitation.role, invitation.status) == (
        resident,
        OrganisationRole.EDITOR,
        InvitationStatus.PENDING,
    )
    assert [message.to for message in mail.outbox] == [[resident.email]]
    assert "Les Amis du Beauvaisis" in mail.outbox[0].subject
    assert "/organisations/invitations/" in mail.outbox[0].body
    assert "Camille Martin" in response.content.decode()  # listed as pending


def test_unknown_address_gets_the_same_answer_and_nothing_happens(
    login, association_manager, association, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(association_manager).post(
            members_page(association),
            {"email": "personne@example.org", "role": OrganisationRole.EDITOR},
            follow=True,
        )
    assert NEUTRAL in response.content.decode()
    assert not OrganisationInvitation.objects.exists()
    assert mail.outbox == []


def test_second_invitation_of_the_same_member_is_not_sent_twice(
    login, association_manager, association, invitation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(association_manager).post(
            members_page(association),
            {"email": invitation.invitee.email, "role": OrganisationRole.MANAGER},
            follow=True,
        )
    assert NEUTRAL in response.content.decode()
    assert OrganisationInvitation.objects.count() == 1
    assert mail.outbox == []


def test_inviting_an_existing_team_member_says_so(login, association_manager, association, editor):
    response = login(association_manager).post(
        members_page(association), {"email": editor.email, "role": OrganisationRole.MANAGER}
    )
    assert response.status_code == 200
    assert "already part of the organisation" in response.content.decode()


def test_invalid_invitation_form_shows_errors(login, association_manager, association):
    response = login(association_manager).post(
        members_page(association), {"email": "pas-une-adresse", "role": "chef"}
    )
    assert response.status_code == 200
    assert not OrganisationInvitation.objects.exists()


def test_invitee_sees_and_accepts_the_invitation(login, resident, invitation, association):
    client = login(resident)
    page = client.get(INVITATIONS).content.decode()
    assert "Les Amis du Beauvaisis" in page
    response = client.post(f"{INVITATIONS}{invitation.pk}/accepter/")
    assert response.status_code == 302
    assert response.url == f"/organisations/{association.slug}/"
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED
    membership = OrganisationMembership.objects.get(organisation=association, user=resident)
    assert membership.role == OrganisationRole.EDITOR
    assert "No invitation waiting for your answer." in client.get(INVITATIONS).content.decode()


def test_invitee_declines_the_invitation(login, resident, invitation, association):
    response = login(resident).post(f"{INVITATIONS}{invitation.pk}/refuser/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert not OrganisationMembership.objects.filter(user=resident).exists()


def test_answered_invitation_cannot_be_accepted_again(login, resident, invitation):
    client = login(resident)
    client.post(f"{INVITATIONS}{invitation.pk}/refuser/")
    response = client.post(f"{INVITATIONS}{invitation.pk}/accepter/", follow=True)
    assert "already been answered" in response.content.decode()
    assert not OrganisationMembership.objects.filter(user=resident).exists()


def test_nobody_else_can_answer_an_invitation(login, other_resident, invitation):
    client = login(other_resident)
    assert client.post(f"{INVITATIONS}{invitation.pk}/accepter/").status_code == 404
    assert client.post(f"{INVITATIONS}{invitation.pk}/refuser/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_invitations_page_needs_a_login_and_answers_only_to_post(
    visitor, login, resident, invitation
):
    assert visitor.get(INVITATIONS).status_code == 302
    assert login(resident).get(f"{INVITATIONS}{invitation.pk}/accepter/").status_code == 405


def test_manager_withdraws_an_invitation(login, association_manager, association, invitation):
    login(association_manager).post(
        f"/organisations/{association.slug}/invitations/{invitation.pk}/annuler/"
    )
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.CANCELLED


def test_last_manager_cannot_be_demoted(login, association_manager, association):
    membership = association.memberships.get(user=association_manager)
    response = login(association_manager).post(
        f"{members_page(association)}{membership.pk}/role/",
        {"role": OrganisationRole.EDITOR},
        follow=True,
    )
    assert "at least one manager" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == OrganisationRole.MANAGER


def test_last_manager_cannot_be_removed_nor_leave(login, association_manager, association):
    membership = association.memberships.get(user=association_manager)
    client = login(association_manager)
    response = client.post(f"{members_page(association)}{membership.pk}/retirer/", follow=True)
    assert "at least one manager" in response.content.decode()
    response = client.post(f"/organisations/{association.slug}/quitter/", follow=True)
    assert "at least one manager" in response.content.decode()
    assert association.memberships.filter(user=association_manager).exists()


def test_manager_promotes_an_editor_then_may_leave(login, association_manager, association, editor):
    client = login(association_manager)
    membership = association.memberships.get(user=editor)
    client.post(f"{members_page(association)}{membership.pk}/role/", {"role": "manager"})
    membership.refresh_from_db()
    assert membership.role == OrganisationRole.MANAGER
    assert client.get(f"/organisations/{association.slug}/quitter/").status_code == 200
    response = client.post(f"/organisations/{association.slug}/quitter/")
    assert response.status_code == 302
    assert not association.memberships.filter(user=association_manager).exists()


def test_manager_removes_an_editor(login, association_manager, association, editor):
    membership = association.memberships.get(user=editor)
    response = login(association_manager).post(
        f"{members_page(association)}{membership.pk}/retirer/"
    )
    assert response.status_code == 302
    assert not association.memberships.filter(user=editor).exists()


def test_invalid_role_changes_nothing(login, association_manager, association, editor):
    membership = association.memberships.get(user=editor)
    login(association_manager).post(
        f"{members_page(association)}{membership.pk}/role/", {"role": "owner"}
    )
    membership.refresh_from_db()
    assert membership.role == OrganisationRole.EDITOR


def test_editor_cannot_remove_a_manager(login, editor, association, association_manager):
    membership = association.memberships.get(user=association_manager)
    response = login(editor).post(f"{members_page(association)}{membership.pk}/retirer/")
    assert response.status_code == 403
    assert association.memberships.filter(user=association_manager).exists()


def test_editor_leaves_the_team(login, editor, association):
    response = login(editor).post(f"/organisations/{association.slug}/quitter/")
    assert response.status_code == 302
    assert not association.memberships.filter(user=editor).exists()


def test_stranger_cannot_leave_a_team_they_are_not_in(login, other_resident, association):
    assert (
        login(other_resident).post(f"/organisations/{association.slug}/quitter/").status_code == 403
    )


def test_membership_of_another_organisation_is_not_found(
    login, association_manager, association, pending_organisation, beauvais
):
    outsider = MembershipFactory(
        organisation__commune=beauvais, user=UserFactory(), role=OrganisationRole.EDITOR
    )
    response = login(association_manager).post(f"{members_page(association)}{outsider.pk}/retirer/")
    assert response.status_code == 404
    assert OrganisationMembership.objects.filter(pk=outsider.pk).exists()

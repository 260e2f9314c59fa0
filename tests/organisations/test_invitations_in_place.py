"""Answering an organisation's invitation in place with htmx; without it, the redirects."""

import pytest

from parvis.organisations.models import (
    InvitationStatus,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
INVITATIONS = "/organisations/invitations/"


@pytest.fixture
def invitation(association, association_manager, resident):
    return OrganisationInvitation.objects.create(
        organisation=association,
        invitee=resident,
        role=OrganisationRole.EDITOR,
        invited_by=association_manager,
    )


def test_accepting_in_place_swaps_the_invitation_for_the_link_to_the_organisation(
    login, resident, invitation, association, django_assert_max_num_queries
):
    client = login(resident)
    page = client.get(INVITATIONS).content.decode()
    assert f'hx-target="#org-invitation-{invitation.pk}"' in page
    with django_assert_max_num_queries(25):
        swapped = client.post(f"{INVITATIONS}{invitation.pk}/accepter/", **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html and "<form" not in html
    assert html.startswith(f'<li class="card" id="org-invitation-{invitation.pk}" tabindex="-1"')
    assert association.get_absolute_url() in html and 'id="live-status"' in html
    assert OrganisationMembership.objects.filter(organisation=association, user=resident).exists()
    # Answered already: the error in the invitation, focused; never the whole page.
    again = client.post(f"{INVITATIONS}{invitation.pk}/refuser/", **HTMX).content.decode()
    assert 'role="alert"' in again and "<main" not in again


def test_declining_in_place_and_without_javascript(login, resident, invitation, association):
    client = login(resident)
    html = client.post(f"{INVITATIONS}{invitation.pk}/refuser/", **HTMX).content.decode()
    assert "<form" not in html and 'id="live-status"' in html
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    other = OrganisationInvitation.objects.create(
        organisation=association, invitee=resident, role=OrganisationRole.EDITOR
    )
    plain = client.post(f"{INVITATIONS}{other.pk}/accepter/")
    assert plain.status_code == 302 and plain.url == association.get_absolute_url()

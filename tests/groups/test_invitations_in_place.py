"""Answering a group invitation in place with htmx (core/htmx.py): the same POST answers a
redirect without the ``HX-Request`` header, and with it the invitation (on "My group
invitations") or the group's actions (on the group page) in their new state."""

import pytest
from django.urls import reverse

from parvis.groups import services
from parvis.groups.models import Group, InvitationStatus, JoinPolicy
from parvis.groups.selectors import membership_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
INVITATIONS = "/groupes/invitations/"


@pytest.fixture
def invitation_only_group(public_group):
    public_group.join_policy = JoinPolicy.INVITATION
    public_group.save(update_fields=["join_policy"])
    return public_group


def _invite(group, owner, invitee):
    return services.invitation_create(group=group, inviter=owner, invitee=invitee)


def test_accepting_on_the_invitations_page_swaps_the_invitation_for_the_welcome(
    invitation_only_group, owner, non_member, login, django_assert_max_num_queries
):
    group = invitation_only_group
    invitation = _invite(group, owner, non_member)
    client = login(non_member)
    url = reverse("groups:invitation_answer", kwargs={"slug": group.slug})
    page = client.get(INVITATIONS).content.decode()
    assert f'id="invitation-{invitation.pk}"' in page
    assert f'hx-post="{url}" hx-target="#invitation-{invitation.pk}"' in page

    with django_assert_max_num_queries(30):
        swapped = client.post(url, {"answer": "accept", "next": "invitations"}, **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith(
        f'<li class="card" id="invitation-{invitation.pk}" tabindex="-1" autofocus'
    )
    assert f"You joined {group.name}." in html and group.get_absolute_url() in html
    assert "<form" not in html  # answered: no buttons left
    assert "Welcome to the group!" in html and 'id="live-status"' in html
    assert "no-cache" in swapped["Cache-Control"] and "HX-Request" in swapped["Vary"]
    assert membership_of(non_member, Group.objects.get(pk=group.pk)) is not None
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED

    # Answered meanwhile (another tab): htmx loads the page, with the message.
    again = client.post(url, {"answer": "accept", "next": "invitations"}, **HTMX)
    assert again.status_code == 204 and again["HX-Redirect"] == INVITATIONS


def test_declining_on_the_invitations_page_in_place(
    invitation_only_group, owner, non_member, login
):
    group = invitation_only_group
    invitation = _invite(group, owner, non_member)
    client = login(non_member)
    url = reverse("groups:invitation_answer", kwargs={"slug": group.slug})
    html = client.post(url, {"answer": "decline", "next": "invitations"}, **HTMX).content.decode()
    assert f'id="invitation-{invitation.pk}"' in html and "<form" not in html
    assert "Invitation declined." in html and "<main" not in html
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.DECLINED
    assert membership_of(non_member, Group.objects.get(pk=group.pk)) is None


def test_without_javascript_the_answer_redirects_as_before(
    invitation_only_group, private_group, owner, non_member, login
):
    _invite(invitation_only_group, owner, non_member)
    _invite(private_group, owner, non_member)
    client = login(non_member)
    from_list = client.post(
        reverse("groups:invitation_answer", kwargs={"slug": invitation_only_group.slug}),
        {"answer": "accept", "next": "invitations"},
    )
    assert from_list.status_code == 302 and from_list.url == INVITATIONS
    from_group = client.post(
        reverse("groups:invitation_answer", kwargs={"slug": private_group.slug}),
        {"answer": "decline"},
    )
    assert from_group.status_code == 302 and from_group.url == private_group.get_absolute_url()
    page = client.get(INVITATIONS).content.decode()
    assert "Welcome to the group!" in page and "Invitation declined." in page
    assert "No pending invitation." in page


def test_answering_on_the_group_page_swaps_the_actions_and_the_member_count(
    invitation_only_group, owner, non_member, login, django_assert_max_num_queries
):
    group = invitation_only_group  # public: joining changes no content, the actions swap
    _invite(group, owner, non_member)
    client = login(non_member)
    url = reverse("groups:invitation_answer", kwargs={"slug": group.slug})
    page = client.get(group.get_absolute_url()).content.decode()
    assert f'hx-post="{url}" hx-target="#group-actions"' in page
    before = group.member_count

    with django_assert_max_num_queries(30):
        swapped = client.post(url, {"answer": "accept"}, **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith('<div class="group-actions" id="group-actions" tabindex="-1" autofocus')
    assert "Accept the invitation" not in html and "Leave the group" in html
    assert 'id="group-header" hx-swap-oob="true"' in html
    assert f"{before + 1} members" in html
    assert "Welcome to the group!" in html and 'id="live-status"' in html


def test_accepting_into_a_private_group_reloads_its_page(private_group, owner, non_member, login):
    """The discussions become readable: the whole page changes, htmx reloads it."""
    _invite(private_group, owner, non_member)
    client = login(non_member)
    url = reverse("groups:invitation_answer", kwargs={"slug": private_group.slug})
    response = client.post(url, {"answer": "accept"}, **HTMX)
    assert response.status_code == 204 and response["HX-Refresh"] == "true"
    assert "Welcome to the group!" in client.get(private_group.get_absolute_url()).content.decode()

"""The groups' services: what members observe after each action, and the activities they
record in the notifications' outbox."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parvis.groups import services
from parvis.groups.activities import activity_recipients
from parvis.groups.models import (
    ActivityKind,
    Ban,
    Group,
    GroupStatus,
    InvitationStatus,
    JoinPolicy,
    Membership,
    MembershipState,
    Mention,
    Message,
    RequestStatus,
    Role,
    Theme,
    ThreadRead,
    Visibility,
)
from parvis.groups.selectors import membership_of
from parvis.notifications.models import Activity

from ..factories import OrganisationFactory, UserFactory
from .conftest import add_member, create_group

pytestmark = pytest.mark.django_db


def recorded(kind=None, *, group=None, thread=None, recipient=None):
    """The groups' activities recorded in the notifications' outbox (``kind``: an
    ``ActivityKind``), about ``group``, ``thread``, or naming ``recipient``."""
    activities = Activity.objects.filter(kind__startswith="groups.").order_by("pk")
    if kind is not None:
        activities = activities.filter(kind=f"groups.{kind}")
    if group is not None:
        activities = activities.filter(target_id=group.pk)
    return [
        activity
        for activity in activities
        if (thread is None or activity.data["thread_id"] == thread.pk)
        and (recipient is None or recipient.pk in activity.recipient_ids)
    ]


def one(kind):
    (activity,) = recorded(kind)
    return activity


def details(activity):
    """What the service recorded about ``activity`` (without where and for whom)."""
    routing = ("audience", "thread_id", "message_id")
    return {key: value for key, value in activity.data.items() if key not in routing}


def kinds(group):
    return [activity.kind.removeprefix("groups.") for activity in recorded(group=group)]


# --- groups ----------------------------------------------------------------------------------


def test_creating_a_group_makes_its_creator_the_owner(resident, compiegne):
    group = create_group(resident, territory=compiegne)
    assert group.slug == "jardins-partages-du-beauvaisis"
    assert membership_of(resident, group).role == Role.OWNER
    assert group.member_count == 1
    second = create_group(resident)
    assert second.slug == "jardins-partages-du-beauvaisis-2"


def test_group_slugs_never_shadow_the_groups_pages(resident):
    assert create_group(resident, name="Nouveau").slug == "nouveau-2"


def test_group_creation_is_rate_limited_per_member(resident, other_resident):
    for number in range(services.GROUP_CREATE_LIMIT):
        create_group(resident, name=f"Groupe {number}")
    with pytest.raises(ValidationError, match="wait a little"):
        create_group(resident, name="Un de trop")
    assert Group.objects.filter(created_by=resident).count() == services.GROUP_CREATE_LIMIT
    create_group(other_resident, name="Un autre membre")  # the limit is per member
    Group.objects.filter(created_by=resident).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    create_group(resident, name="Le lendemain")


def test_a_member_without_verified_identity_cannot_create_a_group(oise):
    unverified = UserFactory(commune=oise["beauvais"], verified_email=False)
    with pytest.raises(PermissionDenied):
        create_group(unverified)
    homeless = UserFactory(commune=None)
    with pytest.raises(PermissionDenied):
        create_group(homeless)


def test_a_group_territory_is_a_commune_or_an_epci(resident, oise):
    with pytest.raises(ValidationError) as error:
        create_group(resident, territory=oise["departement"])
    assert "territory" in error.value.message_dict
    assert create_group(resident, territory=oise["epcis"][0]).territory == oise["epcis"][0]


def test_a_group_belongs_only_to_an_organisation_its_creator_runs(
    resident, association_manager, association
):
    with pytest.raises(ValidationError) as error:
        create_group(resident, organisation=association)
    assert "organisation" in error.value.message_dict
    assert create_group(association_manager, organisation=association).organisation == association


def test_the_owner_changes_settings_but_a_moderator_cannot(public_group, owner, group_moderator):
    services.group_update(group=public_group, actor=owner, name="Jardins du Beauvaisis")
    public_group.refresh_from_db()
    assert public_group.name == "Jardins du Beauvaisis"
    assert public_group.slug == "jardins-partages-du-beauvaisis"  # links keep working
    with pytest.raises(PermissionDenied):
        services.group_update(group=public_group, actor=group_moderator, name="Autre")


def test_site_moderators_close_reopen_and_delete_with_a_reason(public_group, moderator, owner):
    with pytest.raises(ValidationError):
        services.group_close(group=public_group, moderator=moderator, reason="  ")
    services.group_close(group=public_group, moderator=moderator, reason="Hors charte.")
    assert public_group.status == GroupStatus.CLOSED
    assert details(one(ActivityKind.GROUP_CLOSED)) == {"reason": "Hors charte."}
    services.group_reopen(group=public_group, moderator=moderator)
    services.group_delete(group=public_group, moderator=moderator, reason="Spam.")
    public_group.refresh_from_db()
    assert public_group.status == GroupStatus.DELETED
    assert public_group.status_changed_by == moderator
    with pytest.raises(PermissionDenied):
        services.group_close(group=public_group, moderator=owner, reason="Je ferme.")


def test_a_closed_group_is_read_only(public_group, public_thread, moderator, member, non_member):
    services.group_close(group=public_group, moderator=moderator, reason="Pause estivale.")
    with pytest.raises(ValidationError, match="closed"):
        services.message_post(thread=public_thread, author=member, body="Encore un mot")
    with pytest.raises(ValidationError, match="closed"):
        services.thread_create(group=public_group, author=member, title="Titre", body="Texte")
    with pytest.raises(ValidationError, match="closed"):
        services.membership_join(group=public_group, user=non_member)
    assert public_thread.messages.count() == 1
    services.membership_leave(group=public_group, user=member)  # leaving stays possible


# --- joining -------------------------------------------------------------------------------


def test_joining_an_open_group(public_group, non_member):
    services.membership_join(group=public_group, user=non_member)
    assert membership_of(non_member, public_group).role == Role.MEMBER
    assert Group.objects.get(pk=public_group.pk).member_count == 4
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_join(group=public_group, user=non_member)


def test_a_request_is_accepted_with_a_message(private_group, non_member, group_moderator):
    join_request = services.membership_request(
        group=private_group, user=non_member, message="Je suis voisin."
    )
    with pytest.raises(ValidationError, match="already asked"):
        services.membership_request(group=private_group, user=non_member)
    request_activity = one(ActivityKind.MEMBERSHIP_REQUEST)
    assert set(activity_recipients(request_activity)) == {private_group.created_by, group_moderator}

    services.request_accept(
        join_request=join_request, moderator=group_moderator, message="Bienvenue"
    )
    assert membership_of(non_member, private_group) is not None
    join_request.refresh_from_db()
    assert join_request.status == RequestStatus.ACCEPTED
    decision = one(ActivityKind.MEMBERSHIP_DECISION)
    assert decision.recipient_ids == [non_member.pk]
    assert details(decision) == {"accepted": True, "note": "Bienvenue"}


def test_a_refused_member_may_ask_again_but_a_banned_one_may_not(
    private_group, non_member, group_moderator
):
    join_request = services.membership_request(group=private_group, user=non_member)
    services.request_refuse(
        join_request=join_request, moderator=group_moderator, message="Complet."
    )
    assert membership_of(non_member, private_group) is None
    again = services.membership_request(group=private_group, user=non_member)
    services.member_ban(group=private_group, user=non_member, actor=group_moderator, reason="Spam")
    again.refresh_from_db()
    assert again.status == RequestStatus.REFUSED
    with pytest.raises(PermissionDenied):
        services.membership_request(group=private_group, user=non_member)


def test_a_member_cannot_answer_requests(private_group, non_member, member):
    join_request = services.membership_request(group=private_group, user=non_member)
    with pytest.raises(PermissionDenied):
        services.request_accept(join_request=join_request, moderator=member)
    assert membership_of(non_member, private_group) is None


def test_an_invitation_only_group_refuses_requests_and_joins(owner, non_member):
    group = create_group(owner, join_policy=JoinPolicy.INVITATION, visibility=Visibility.PRIVATE)
    with pytest.raises(ValidationError, match="invitation"):
        services.membership_request(group=group, user=non_member)
    with pytest.raises(ValidationError):
        services.membership_join(group=group, user=non_member)
    invitation = services.invitation_create(group=group, inviter=owner, invitee=non_member)
    assert one(ActivityKind.INVITATION).recipient_ids == [non_member.pk]
    services.invitation_accept(invitation=invitation, user=non_member)
    assert membership_of(non_member, group) is not None
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED


def test_an_invitation_by_e_mail_says_nothing_about_unknown_addresses(private_group, owner):
    assert (
        services.invitation_create(group=private_group, inviter=owner, email="nobody@example.org")
        is None
    )
    assert private_group.invitations.count() == 0


def test_an_invitation_is_answered_by_its_invitee_only(private_group, owner, non_member, member):
    invitation = services.invitation_create(group=private_group, inviter=owner, invitee=non_member)
    with pytest.raises(PermissionDenied):
        services.invitation_accept(invitation=invitation, user=member)
    services.invitation_decline(invitation=invitation, user=non_member)
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, user=non_member)
    assert membership_of(non_member, private_group) is None


def test_a_banned_member_cannot_be_invited(private_group, owner, banned):
    with pytest.raises(ValidationError, match="banned"):
        services.invitation_create(group=private_group, inviter=owner, invitee=banned)


# --- leaving, removing, banning, roles --------------------------------------------------------


def test_when_the_owner_leaves_the_longest_standing_moderator_takes_over(
    private_group, owner, group_moderator
):
    services.membership_leave(group=private_group, user=owner)
    assert membership_of(group_moderator, Group.objects.get(pk=private_group.pk)).role == Role.OWNER
    activity = one(ActivityKind.OWNERSHIP_TRANSFERRED)
    assert activity.recipient_ids == [group_moderator.pk]
    assert details(activity) == {"automatic": True}


def test_without_moderator_the_oldest_member_takes_over(owner, member, non_member):
    group = create_group(owner)
    add_member(group, member)
    add_member(group, non_member)
    services.membership_leave(group=group, user=owner)
    assert Membership.objects.get(group=group, role=Role.OWNER, state="active").user == member


def test_when_the_last_member_leaves_the_site_moderators_are_asked(owner, moderator):
    group = create_group(owner)
    services.membership_leave(group=group, user=owner)
    activity = one(ActivityKind.OWNER_NEEDED)
    assert list(activity_recipients(activity)) == [moderator]
    assert Group.objects.get(pk=group.pk).member_count == 0


def test_an_erased_owner_leaves_the_group_to_a_successor(private_group, owner, group_moderator):
    owner.delete()
    assert Membership.objects.get(group=private_group, role=Role.OWNER).user == group_moderator
    assert Group.objects.get(pk=private_group.pk).member_count == 2


def test_a_moderator_removes_a_member_who_may_come_back(public_group, group_moderator, member):
    membership = Membership.objects.get(group=public_group, user=member)
    services.member_remove(membership=membership, actor=group_moderator, reason="Hors sujet")
    membership.refresh_from_db()
    assert membership.state == MembershipState.REMOVED
    assert one(ActivityKind.MEMBER_REMOVED).recipient_ids == [member.pk]
    services.membership_join(group=public_group, user=member)
    assert membership_of(member, public_group) is not None


def test_a_moderator_cannot_remove_the_owner_or_another_moderator(
    public_group, group_moderator, owner, oise
):
    with pytest.raises(PermissionDenied):
        services.member_remove(
            membership=Membership.objects.get(group=public_group, user=owner), actor=group_moderator
        )
    other = UserFactory(commune=oise["beauvais"])
    add_member(public_group, other, Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        services.member_remove(
            membership=Membership.objects.get(group=public_group, user=other), actor=group_moderator
        )
    services.member_remove(
        membership=Membership.objects.get(group=public_group, user=other), actor=owner
    )


def test_a_ban_needs_a_reason_and_lifting_it_lets_the_member_ask_again(
    public_group, group_moderator, member
):
    with pytest.raises(ValidationError):
        services.member_ban(group=public_group, user=member, actor=group_moderator, reason="")
    assert membership_of(member, public_group) is not None
    ban = services.member_ban(
        group=public_group, user=member, actor=group_moderator, reason="Insultes"
    )
    assert Membership.objects.get(group=public_group, user=member).state == MembershipState.BANNED
    with pytest.raises(PermissionDenied):
        services.membership_join(group=public_group, user=member)
    services.ban_lift(ban=ban, actor=group_moderator)
    assert not Ban.objects.filter(group=public_group, user=member).exists()
    services.membership_join(group=public_group, user=member)


def test_the_owner_names_moderators(public_group, owner, member, group_moderator):
    membership = Membership.objects.get(group=public_group, user=member)
    with pytest.raises(PermissionDenied):
        services.role_change(membership=membership, actor=group_moderator, role=Role.MODERATOR)
    services.role_change(membership=membership, actor=owner, role=Role.MODERATOR)
    assert Membership.objects.get(pk=membership.pk).role == Role.MODERATOR
    with pytest.raises(ValidationError):
        services.role_change(membership=membership, actor=owner, role=Role.OWNER)


def test_ownership_transfer(public_group, owner, member):
    services.ownership_transfer(group=public_group, actor=owner, new_owner=member)
    assert Membership.objects.get(group=public_group, user=member).role == Role.OWNER
    assert Membership.objects.get(group=public_group, user=owner).role == Role.MODERATOR
    with pytest.raises(PermissionDenied):
        services.ownership_transfer(group=public_group, actor=owner, new_owner=owner)


def test_ownership_goes_only_to_an_active_member(public_group, owner, non_member, ex_member):
    for user in (non_member, ex_member):
        with pytest.raises(ValidationError):
            services.ownership_transfer(group=public_group, actor=owner, new_owner=user)
    assert Membership.objects.get(group=public_group, role=Role.OWNER).user == owner


# --- discussions -----------------------------------------------------------------------------


def test_starting_a_discussion_tells_the_members(private_group, owner, member, group_moderator):
    thread = services.thread_create(
        group=private_group, author=owner, title="Réunion", body="Mardi 18 h ?"
    )
    assert thread.message_count == 1
    assert Group.objects.get(pk=private_group.pk).thread_count == 1
    activity = one(ActivityKind.NEW_THREAD)
    assert set(activity_recipients(activity)) == {member, group_moderator}


def test_a_reply_quoting_and_mentioning(thread, owner, member, group_moderator):
    first = thread.messages.get(position=1)
    reply = services.message_post(
        thread=thread,
        author=member,
        body="Bonne idée @Sophie-Girard, et @camille-martin aussi. @inconnu-total",
        quoted=first,
    )
    assert (reply.position, reply.quoted) == (2, first)
    assert set(Mention.objects.values_list("user", flat=True)) == {group_moderator.pk, owner.pk}
    mentions = recorded(ActivityKind.MENTION)
    assert {pk for mention in mentions for pk in mention.recipient_ids} == {
        group_moderator.pk,
        owner.pk,
    }
    # The handles of members link to their profiles; an unknown one stays text.
    reply.refresh_from_db()
    link = 'href="{}" rel="nofollow noopener ugc">@'
    assert link.format(owner.get_absolute_url()) + "Camille Martin</a>" in reply.body_html
    assert link.format(group_moderator.get_absolute_url()) in reply.body_html
    assert "@inconnu-total" in reply.body_html
    reply_activity = one(ActivityKind.REPLY)
    assert list(activity_recipients(reply_activity)) == [owner]  # the thread's participants
    thread.refresh_from_db()
    assert (thread.message_count, thread.last_message) == (2, reply)


def test_only_group_members_can_be_mentioned(thread, member, non_member, ex_member):
    services.message_post(thread=thread, author=member, body="@hugo-lefebvre @ines-petit ?")
    assert not Mention.objects.exists()


def test_two_members_with_the_same_name_are_mentioned_with_their_number(
    thread, member, private_group, oise
):
    first = UserFactory(first_name="Marie", last_name="Dubois", commune=oise["beauvais"])
    second = UserFactory(first_name="Marie", last_name="Dubois", commune=oise["beauvais"])
    add_member(private_group, first)
    add_member(private_group, second)
    services.message_post(thread=thread, author=member, body="@marie-dubois ?")
    assert not Mention.objects.exists()  # ambiguous: nobody
    services.message_post(thread=thread, author=member, body=f"@marie-dubois-{second.pk} ?")
    assert list(Mention.objects.values_list("user", flat=True)) == [second.pk]


def test_mentions_in_code_do_not_count(thread, member):
    services.message_post(
        thread=thread, author=member, body="`@camille-martin` et ```\n@camille-martin\n```"
    )
    assert not Mention.objects.exists()


def test_editing_keeps_the_history_and_tells_newly_mentioned(thread, member, owner):
    reply = services.message_post(thread=thread, author=member, body="Premier jet")
    services.message_edit(message=reply, editor=member, body="Version finale @camille-martin")
    reply.refresh_from_db()
    assert reply.body == "Version finale @camille-martin"
    link = f'href="{owner.get_absolute_url()}" rel="nofollow noopener ugc">@Camille Martin</a>'
    assert link in reply.body_html
    assert reply.edited_at is not None
    assert list(reply.revisions.values_list("body", flat=True)) == ["Premier jet"]
    assert len(recorded(ActivityKind.MENTION, recipient=owner)) == 1
    services.message_edit(message=reply, editor=member, body="Version finale @camille-martin !")
    assert len(recorded(ActivityKind.MENTION, recipient=owner)) == 1


def test_only_the_author_edits_a_message(thread, member, owner):
    reply = services.message_post(thread=thread, author=member, body="Mon avis")
    with pytest.raises(PermissionDenied):
        services.message_edit(message=reply, editor=owner, body="Son avis")
    assert Message.objects.get(pk=reply.pk).body == "Mon avis"


def test_deleting_ones_own_message_erases_it_behind_a_placeholder(thread, member):
    reply = services.message_post(thread=thread, author=member, body="Oups @camille-martin")
    services.message_edit(message=reply, editor=member, body="Oups, erreur")
    services.message_delete(message=reply, actor=member)
    reply.refresh_from_db()
    assert reply.deleted_at is not None
    assert (reply.body, reply.body_html) == ("", "")
    assert not reply.revisions.exists() and not reply.mentions.exists()
    assert thread.messages.count() == 2  # the thread stays readable


def test_a_moderator_deletes_with_a_reason_kept_for_appeal(thread, member, group_moderator):
    reply = services.message_post(thread=thread, author=member, body="Propos déplacés")
    with pytest.raises(ValidationError):
        services.message_delete(message=reply, actor=group_moderator)
    services.message_delete(message=reply, actor=group_moderator, reason="Propos insultants.")
    reply.refresh_from_db()
    assert reply.body == "Propos déplacés"  # hidden, kept for an appeal
    activity = one(ActivityKind.CONTENT_MODERATED)
    assert activity.recipient_ids == [member.pk]
    assert activity.data["reason"] == "Propos insultants."


def test_a_member_cannot_delete_someone_elses_message(thread, member):
    first = thread.messages.get(position=1)
    with pytest.raises(PermissionDenied):
        services.message_delete(message=first, actor=member)


def test_pin_lock_move_and_delete_a_discussion(
    thread, private_group, public_group, group_moderator, member, owner
):
    services.thread_pin(thread=thread, actor=group_moderator)
    services.thread_lock(thread=thread, actor=group_moderator)
    thread.refresh_from_db()
    assert thread.pinned and thread.locked
    with pytest.raises(ValidationError, match="locked"):
        services.message_post(thread=thread, author=member, body="Encore une chose")
    services.message_post(thread=thread, author=group_moderator, body="Le sujet est clos.")
    with pytest.raises(PermissionDenied):
        services.thread_pin(thread=thread, actor=member, pinned=False)

    services.thread_move(thread=thread, actor=owner, to_group=public_group)
    assert thread.group == public_group
    assert Group.objects.get(pk=private_group.pk).thread_count == 0
    assert Group.objects.get(pk=public_group.pk).thread_count == 1

    services.thread_delete(thread=thread, actor=owner, reason="Doublon.")
    thread.refresh_from_db()
    assert thread.deleted_at is not None
    assert Group.objects.get(pk=public_group.pk).thread_count == 0


def test_a_discussion_moves_only_to_a_group_the_moderator_moderates(thread, group_moderator, oise):
    other = create_group(UserFactory(commune=oise["beauvais"]), name="Autre groupe")
    with pytest.raises(ValidationError):
        services.thread_move(thread=thread, actor=group_moderator, to_group=other)
    assert thread.group.name == "Conseil citoyen de Beauvais"


def test_reading_marks_and_unread_markers(thread, member, owner):
    from parvis.groups.selectors import group_threads, mark_unread

    services.thread_mark_read(thread=thread, user=member, position=1)
    threads = mark_unread(
        list(group_threads(thread.group, member)), membership_of(member, thread.group)
    )
    assert threads[0].unread is False
    services.message_post(thread=thread, author=owner, body="Du nouveau")
    threads = mark_unread(
        list(group_threads(thread.group, member)), membership_of(member, thread.group)
    )
    assert threads[0].unread is True
    assert ThreadRead.objects.get(user=owner, thread=thread).last_position == 2


def test_a_member_who_leaves_is_not_notified_of_private_content(thread, member, owner):
    reply = services.message_post(thread=thread, author=member, body="Je participe")
    services.message_post(thread=thread, author=owner, body="Merci @lucas-bernard")
    services.membership_leave(group=thread.group, user=member)
    for activity in recorded(thread=thread):
        assert member not in activity_recipients(activity)
    assert reply.pk


def test_activities_are_announced_after_commit_only(
    private_group, owner, django_capture_on_commit_callbacks, monkeypatch
):
    from parvis.notifications import tasks

    received = []

    def queue_activity(activity_id, **kwargs):
        received.append(activity_id)

    monkeypatch.setattr(tasks, "queue_activity", queue_activity)
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_create(group=private_group, author=owner, title="Titre", body="Texte")
        assert received == []
    assert received == [one(ActivityKind.NEW_THREAD).pk]


def test_a_group_of_an_organisation(association_manager, association):
    group = create_group(association_manager, organisation=association, theme=Theme.SOLIDARITY)
    assert association.discussion_groups.get() == group


def test_organisation_factory_is_available():
    assert OrganisationFactory

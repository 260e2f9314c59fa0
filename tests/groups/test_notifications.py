"""The groups tell their members through the notifications: who is told (and who is not:
the actor, a member who left, a banned one, outsiders of a private group), once, at send
time, with the member's preferences; and nothing is lost when the broker is down."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from parvis.groups import services
from parvis.groups.activities import notice_for
from parvis.groups.models import ActivityKind, Membership, Role
from parvis.notifications import registry, tasks
from parvis.notifications.models import Activity, Notification
from parvis.notifications.registry import Delivery
from parvis.notifications.services import preferences_set

from ..notifications.workers import broker, free_port
from .conftest import add_member


def told(type_key, **filters):
    """The members notified of ``type_key``, as a set."""
    return {
        n.recipient
        for n in Notification.objects.filter(type_key=type_key, **filters).select_related(
            "recipient"
        )
    }


def latest(kind):
    """The latest groups activity of ``kind`` recorded in the notifications' outbox."""
    return Activity.objects.filter(kind=f"groups.{kind}").latest("pk")


def reply(thread, author, body="Je suis d'accord."):
    thread.refresh_from_db()
    return services.message_post(thread=thread, author=author, body=body)


def test_a_reply_tells_the_discussions_participants_but_not_its_author(
    thread, owner, group_moderator, member, django_capture_on_commit_callbacks
):
    reply(thread, group_moderator, "Je prends le point 2.")
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, member)
    assert told("groups.reply") == {owner, group_moderator}
    notification = Notification.objects.get(type_key="groups.reply", recipient=owner)
    assert notification.actor == member
    assert notification.params == {
        "group": "Conseil citoyen de Beauvais",
        "thread": "Ordre du jour de la réunion de mars",
    }
    assert notification.url.startswith(thread.get_absolute_url() + "messages/")
    # Daily by default: no e-mail now.
    assert mail.outbox == []
    assert notification.email_delivery == Delivery.DAILY


def test_a_participant_who_left_a_private_group_is_told_nothing_more(
    thread, owner, group_moderator, member, django_capture_on_commit_callbacks
):
    reply(thread, member, "Je serai là.")
    services.membership_leave(group=thread.group, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, group_moderator)
    assert told("groups.reply") == {owner}


def test_a_member_who_leaves_before_the_task_runs_is_not_told(
    thread, owner, group_moderator, member
):
    """The recipients are resolved when sending, not when the activity was recorded."""
    reply(thread, member, "Je serai là.")
    reply(thread, group_moderator)  # the task is not run: callbacks are not executed
    activity = latest(ActivityKind.REPLY)
    services.membership_leave(group=thread.group, user=member)
    tasks.activity_fan_out(activity.pk)
    assert told("groups.reply") == {owner}


def test_a_new_discussion_tells_the_groups_active_members_only(
    private_group, owner, group_moderator, member, banned, ex_member, non_member,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        new = services.thread_create(
            group=private_group, author=group_moderator, title="Budget 2027", body="Idées ?"
        )
    assert told("groups.new_thread") == {owner, member}
    notification = Notification.objects.get(type_key="groups.new_thread", recipient=member)
    assert notification.target == new
    assert notification.url == new.get_absolute_url()
    for outsider in (banned, ex_member, non_member, group_moderator):
        assert not Notification.objects.filter(recipient=outsider).exists()


def test_a_mention_is_told_at_once_and_not_twice(
    thread, owner, group_moderator, member, django_capture_on_commit_callbacks
):
    reply(thread, member, "Présent.")
    with django_capture_on_commit_callbacks(execute=True):
        reply(thread, group_moderator, "@lucas-bernard peux-tu apporter les clés ?")
    assert told("groups.mention") == {member}
    assert told("groups.reply") == {owner}, "the mentioned member is told once, by the mention"
    assert [m.to for m in mail.outbox] == [[member.email]]
    message = mail.outbox[0]
    assert "Sophie Girard mentioned you in" in message.subject
    assert "Ordre du jour de la réunion de mars" in message.body
    assert "peux-tu apporter" not in message.body, "no excerpt of a private message by e-mail"


def test_the_members_preferences_decide_the_e_mail(
    private_group, owner, group_moderator, member, django_capture_on_commit_callbacks
):
    preferences_set(member=member, choices={"groups.new_thread": Delivery.IMMEDIATE})
    preferences_set(member=owner, choices={"groups.new_thread": Delivery.NEVER})
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_create(
            group=private_group, author=group_moderator, title="Budget 2027", body="Idées ?"
        )
    assert told("groups.new_thread") == {owner, member}, "every notification is in the centre"
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "New discussion in Conseil citoyen de Beauvais: Budget 2027" in mail.outbox[0].subject


def test_nothing_is_told_about_a_message_deleted_before_the_task_ran(
    thread, owner, member, group_moderator
):
    message = reply(thread, member, "Oups, mauvais fil.")
    activity = latest(ActivityKind.REPLY)
    services.message_delete(message=message, actor=member)
    assert tasks.activity_fan_out(activity.pk) == 0
    assert not told("groups.reply")
    activity.refresh_from_db()
    assert activity.processed_at is not None


def test_a_duplicated_send_task_notifies_once(thread, owner, member):
    reply(thread, member)
    activity = latest(ActivityKind.REPLY)
    assert tasks.activity_fan_out(activity.pk) == 1
    assert tasks.activity_fan_out(activity.pk) == 0
    assert tasks.activity_fan_out.apply(args=(activity.pk,)).get() == 0
    assert Notification.objects.filter(type_key="groups.reply").count() == 1
    activity.refresh_from_db()
    assert activity.processed_at is not None


def test_broker_down_the_activity_waits_and_the_drain_sends_it_once(
    thread, owner, member, django_capture_on_commit_callbacks
):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with broker(dead), django_capture_on_commit_callbacks(execute=True):
        reply(thread, member, "Posté pendant la panne.")
    activity = latest(ActivityKind.REPLY)
    assert activity.processed_at is None, "the message is saved, its notification waits"
    assert not told("groups.reply")

    assert tasks.activities_drain() == 0, "too fresh: its own task may still be on its way"
    Activity.objects.update(due_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.activities_drain() >= 1
    assert told("groups.reply") == {owner}
    activity.refresh_from_db()
    assert activity.processed_at is not None
    assert tasks.activities_drain() == 0
    assert Notification.objects.filter(type_key="groups.reply").count() == 1


def test_membership_requests_go_to_the_groups_moderators_and_the_decision_to_the_requester(
    private_group, owner, group_moderator, member, non_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.membership_request(
            group=private_group, user=non_member, message="J'habite le quartier."
        )
    assert told("groups.membership_request") == {owner, group_moderator}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, group_moderator.email])
    assert "J'habite le quartier." in mail.outbox[0].body
    assert reverse("groups:manage", kwargs={"slug": private_group.slug}) in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_accept(
            join_request=request, moderator=group_moderator, message="Bienvenue"
        )
    notification = Notification.objects.get(type_key="groups.membership_decision")
    assert notification.recipient == non_member
    assert notification.actor is None, "the decision is the moderators', not a person's"
    assert [m.to for m in mail.outbox] == [[non_member.email]]
    assert "was accepted" in mail.outbox[0].body and "Bienvenue" in mail.outbox[0].body


def test_a_request_withdrawn_before_the_task_ran_is_not_told(private_group, owner, non_member):
    request = services.membership_request(group=private_group, user=non_member)
    activity = latest(ActivityKind.MEMBERSHIP_REQUEST)
    services.request_withdraw(join_request=request, user=non_member)
    tasks.activity_fan_out(activity.pk)
    assert not told("groups.membership_request")


def test_invitations_removals_and_roles_are_told_to_the_member_concerned(
    private_group, owner, member, non_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(group=private_group, inviter=owner, invitee=non_member)
    assert told("groups.invitation") == {non_member}
    membership = add_member(private_group, non_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.role_change(membership=membership, actor=owner, role=Role.MODERATOR)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_remove(
            membership=Membership.objects.get(group=private_group, user=member),
            actor=owner,
            reason="Absent depuis un an.",
        )
    changes = {
        n.recipient.pk: n.params["change"]
        for n in Notification.objects.filter(type_key="groups.membership_changed")
    }
    assert changes == {non_member.pk: "moderator", member.pk: "removed"}
    removed = [m for m in mail.outbox if m.to == [member.email]]
    assert len(removed) == 1 and "Absent depuis un an." in removed[0].body


def test_every_activity_kind_has_a_registered_notification_type(private_group, owner):
    for kind in ActivityKind.values:
        activity = Activity(
            kind=f"groups.{kind}", target=private_group, data={"audience": "recipient"}
        )
        notice = notice_for(activity)
        if notice is not None:
            assert registry.get(notice.type_key)


@pytest.mark.parametrize(
    "kind", [ActivityKind.NEW_THREAD, ActivityKind.REPLY, ActivityKind.MENTION]
)
def test_content_notices_need_a_live_thread(private_group, kind):
    activity = Activity(
        kind=f"groups.{kind}", target=private_group, data={"audience": "group_members"}
    )
    assert notice_for(activity) is None


def write_old_activities(GroupActivity, group, owner, member, non_member):
    """Two rows of the groups' former outbox: one waiting, one told already."""
    GroupActivity.objects.create(
        kind="member_removed",
        audience="recipient",
        group_id=group.pk,
        actor_id=owner.pk,
        recipient_id=member.pk,
        data={"reason": "Absent depuis un an."},
    )
    GroupActivity.objects.create(
        kind="invitation",
        audience="recipient",
        group_id=group.pk,
        recipient_id=non_member.pk,
        data={"invitation_id": 1},
        processed_at=timezone.now(),
    )


@pytest.mark.django_db(transaction=True)
def test_deploying_the_activity_outbox_carries_the_activities_not_told_yet(
    private_group, owner, member, non_member
):
    """The migration that retired the groups' own outbox: its activities not told yet move
    to the notifications' outbox and are told once; those told already do not."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("groups", "0004_thread_activity_index")]
    existing = list(Activity.objects.values_list("pk", flat=True))  # the fixtures' own
    Notification.objects.all().delete()
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    GroupActivity = old.get_model("groups", "Activity")
    try:
        write_old_activities(GroupActivity, private_group, owner, member, non_member)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())  # every migration, as before

    (activity,) = Activity.objects.exclude(pk__in=existing)
    assert (activity.kind, activity.actor, activity.target) == (
        "groups.member_removed",
        owner,
        private_group,
    )
    assert activity.recipient_ids == [member.pk]
    assert activity.data["reason"] == "Absent depuis un an."
    assert tasks.activity_fan_out(activity.pk) == 1
    notification = Notification.objects.get()
    assert (notification.recipient, notification.params["change"]) == (member, "removed")

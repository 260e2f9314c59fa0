"""Groups in the moderators' admin: close, reopen, delete with a reason; content moderation."""

import pytest
from django.contrib.auth.models import Group as AuthGroup

from parvis.groups import services
from parvis.groups.models import ActivityKind, Group, GroupStatus, Message
from parvis.notifications.models import Activity

GROUPS = "/admin/groups/group/"
MESSAGES = "/admin/groups/message/"


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PARVIS_STAFF_MFA_REQUIRED = False


def test_moderators_have_the_groups_permissions(db):
    codenames = set(
        AuthGroup.objects.get(name="Modérateurs")
        .permissions.filter(content_type__app_label="groups")
        .values_list("codename", flat=True)
    )
    assert {"view_group", "change_group", "view_message", "change_message"} <= codenames


def test_moderator_lists_groups_with_filters(login, moderator, public_group, private_group):
    client = login(moderator)
    response = client.get(GROUPS, {"status__exact": "active", "visibility__exact": "private"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Conseil citoyen de Beauvais" in body
    assert "Jardins partagés" not in body
    assert client.get(f"{GROUPS}{public_group.pk}/change/").status_code == 200


def test_closing_asks_for_a_reason_then_closes(login, moderator, public_group):
    client = login(moderator)
    selected = {"action": "close_groups", "_selected_action": [public_group.pk]}
    response = client.post(GROUPS, selected)
    assert response.status_code == 200  # the page asking for the reason
    assert Group.objects.get(pk=public_group.pk).status == GroupStatus.ACTIVE
    response = client.post(GROUPS, {**selected, "apply": "1", "reason": ""})
    assert Group.objects.get(pk=public_group.pk).status == GroupStatus.ACTIVE
    client.post(GROUPS, {**selected, "apply": "1", "reason": "Propos contraires à la charte."})
    group = Group.objects.get(pk=public_group.pk)
    assert group.status == GroupStatus.CLOSED
    assert group.status_reason == "Propos contraires à la charte."
    assert Activity.objects.filter(
        kind=f"groups.{ActivityKind.GROUP_CLOSED}", target_id=group.pk
    ).exists()

    client.post(GROUPS, {"action": "reopen_groups", "_selected_action": [public_group.pk]})
    assert Group.objects.get(pk=public_group.pk).status == GroupStatus.ACTIVE


def test_deleting_a_group_hides_it_from_the_site(login, moderator, public_group, client):
    login(moderator).post(
        GROUPS,
        {
            "action": "delete_groups",
            "_selected_action": [public_group.pk],
            "apply": "1",
            "reason": "Usurpation d'identité.",
        },
    )
    assert Group.objects.get(pk=public_group.pk).status == GroupStatus.DELETED
    client.logout()
    assert client.get(f"/groupes/{public_group.slug}/").status_code == 404


def test_moderator_removes_and_restores_a_message(login, moderator, public_thread, member):
    reply = services.message_post(thread=public_thread, author=member, body="Propos injurieux")
    client = login(moderator)
    client.post(
        MESSAGES,
        {
            "action": "delete_messages",
            "_selected_action": [reply.pk],
            "apply": "1",
            "reason": "Injure.",
        },
    )
    reply.refresh_from_db()
    assert reply.deleted_at is not None and reply.deletion_reason == "Injure."
    page = client.get(f"/groupes/{public_thread.group.slug}/discussions/{public_thread.pk}/")
    assert "removed by a moderator" in page.content.decode()
    client.post(MESSAGES, {"action": "restore_messages", "_selected_action": [reply.pk]})
    assert Message.objects.get(pk=reply.pk).deleted_at is None


def test_a_member_cannot_open_the_groups_admin(login, member, public_group):
    assert login(member).get(GROUPS).status_code == 302

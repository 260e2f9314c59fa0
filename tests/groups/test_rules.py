"""Every role against every permission of the groups (``parvis.groups.rules``)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from parvis.groups import services

PERSONAS = (
    "visitor",
    "non_member",
    "member",
    "group_moderator",
    "owner",
    "banned",
    "ex_member",
    "moderator",
)
EVERYONE = set(PERSONAS)
ACCOUNTS = EVERYONE - {"visitor"}
MEMBERS = {"member", "group_moderator", "owner"}
MODERATORS = {"group_moderator", "owner"}

#: (permission, object, personas allowed). Objects: ``private`` (a private group joined on
#: request), ``public`` (public, open), ``closed`` (the private group, closed by the site
#: moderators), ``thread``, ``locked_thread``, ``message`` (by ``member``), ``None``.
MATRIX = [
    ("groups.view_group", "private", EVERYONE),
    ("groups.read_group", "private", MEMBERS | {"moderator"}),
    ("groups.read_group", "public", EVERYONE),
    ("groups.read_group", "message", MEMBERS | {"moderator"}),
    ("groups.create_group", None, ACCOUNTS),
    ("groups.change_group_settings", "private", {"owner", "moderator"}),
    ("groups.change_group_settings", "closed", set()),
    ("groups.join_group", "private", set()),
    ("groups.join_group", "public", {"non_member", "ex_member", "moderator"}),
    ("groups.join_group", "closed", set()),
    ("groups.request_membership", "private", {"non_member", "ex_member", "moderator"}),
    ("groups.request_membership", "public", set()),
    ("groups.leave_group", "private", MEMBERS),
    ("groups.leave_group", "closed", MEMBERS),
    ("groups.manage_members", "private", MODERATORS | {"moderator"}),
    ("groups.manage_members", "closed", {"moderator"}),
    ("groups.change_roles", "private", {"owner", "moderator"}),
    ("groups.transfer_ownership", "private", {"owner", "moderator"}),
    ("groups.start_thread", "private", MEMBERS),
    ("groups.start_thread", "public", MEMBERS),
    ("groups.start_thread", "closed", set()),
    ("groups.reply_to_thread", "thread", MEMBERS),
    ("groups.reply_to_thread", "locked_thread", MODERATORS),
    ("groups.edit_message", "message", {"member"}),
    ("groups.edit_message", "locked_message", set()),
    ("groups.delete_message", "message", {"member"} | MODERATORS | {"moderator"}),
    ("groups.moderate_thread", "thread", MODERATORS | {"moderator"}),
    ("groups.moderate_thread", "private", MODERATORS | {"moderator"}),
    ("groups.see_message_history", "message", MODERATORS | {"moderator"}),
    ("groups.moderate_group", None, {"moderator"}),
]


@pytest.fixture
def objects(private_group, public_group, thread, member, owner):
    message = services.message_post(thread=thread, author=member, body="Mon avis")
    locked_thread = services.thread_create(
        group=private_group, author=member, title="Clos", body="Texte"
    )
    locked_message = locked_thread.messages.get()
    locked_message.thread = locked_thread
    services.thread_lock(thread=locked_thread, actor=owner)
    closed = type(private_group).objects.get(pk=private_group.pk)
    closed.status = "closed"
    message.thread = thread
    return {
        "private": private_group,
        "public": public_group,
        "closed": closed,
        "thread": thread,
        "locked_thread": locked_thread,
        "message": message,
        "locked_message": locked_message,
        None: None,
    }


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("permission", "target", "allowed"),
    MATRIX,
    ids=[f"{permission.split('.')[1]}-{target}" for permission, target, _allowed in MATRIX],
)
def test_permission_per_role(permission, target, allowed, persona, objects, request):
    user = AnonymousUser() if persona == "visitor" else request.getfixturevalue(persona)
    obj = objects[target]
    if obj is not None:  # a fresh instance: no remembered membership from another persona
        obj = type(obj).objects.get(pk=obj.pk)
        if target == "closed":
            obj.status = "closed"
        if hasattr(obj, "thread_id"):
            obj.thread = (
                type(objects[target].thread).objects.select_related("group").get(pk=obj.thread_id)
            )
        elif hasattr(obj, "group_id"):
            obj.group = type(objects["private"]).objects.get(pk=obj.group_id)
    assert user.has_perm(permission, obj) is (persona in allowed)

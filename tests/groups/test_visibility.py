"""Visibility is airtight: every page route of the groups app, walked as every persona.

A private group's content (discussions, messages, members, search results) answers 404 to
whoever may not read it — visitors, non-members, banned and former members — by every route;
pages that need an account send visitors to log in (which reveals nothing either). Members
read; the group's moderators and owner also manage; the site moderators read everything.

``ROUTES`` is meant to be extended (the API's routes join it): each ``Route`` gives a path
template filled from the ``world`` fixture and the expected status for each persona.
"""

from dataclasses import dataclass, field

import pytest

from parvis.groups import services
from parvis.groups.models import Membership

PERSONAS = (
    "visitor",
    "non_member",
    "member",
    "group_moderator",
    "owner",
    "banned",
    "ex_member",
    "moderator",
    "staff_without_mfa",  # a site moderator whose session passed no second factor
)
#: Personas who may not read the private group's content.
OUTSIDERS = ("visitor", "non_member", "banned", "ex_member", "staff_without_mfa")
LOGIN = "login"  # expected: a redirect to the login page

SECRET_TITLE = "Ordre du jour de la réunion de mars"
SECRET_TEXT = "Coordonnées du bailleur confidentielles"


@dataclass(frozen=True)
class Route:
    name: str
    path: str  # filled with ``world`` (group, thread, message, member_id, ...)
    expected: dict  # persona -> status code, or LOGIN
    method: str = "get"
    data: dict = field(default_factory=dict)

    def url(self, world):
        return self.path.format(**world)


def _statuses(default, **overrides):
    values = dict.fromkeys(PERSONAS, default)
    values.update(overrides)
    # Staff powers need two-factor authentication: without it, a moderator is a non-member.
    values["staff_without_mfa"] = values["non_member"]
    return values


def hidden(**readers):
    """404 for those who may not read the private group (visitors sent to log in when
    ``login``), the given statuses for the others."""
    login = readers.pop("login", False)
    values = _statuses(404, **readers)
    if login:
        values["visitor"] = LOGIN
    return values


READERS = {"member": 200, "group_moderator": 200, "owner": 200, "moderator": 200}

ROUTES = [
    Route("list", "/groupes/", _statuses(200)),
    Route("list-mine", "/groupes/?mine=on&q=conseil", _statuses(200)),
    Route("search-all", "/groupes/recherche/?q=bailleur", _statuses(200)),
    Route("invitations", "/groupes/invitations/", _statuses(200, visitor=LOGIN)),
    Route("create", "/groupes/nouveau/", _statuses(200, visitor=LOGIN)),
    Route("detail", "/groupes/{group}/", _statuses(200)),
    Route("detail-page-2", "/groupes/{group}/?page=2", _statuses(200)),
    Route("request-form", "/groupes/{group}/demander/", _statuses(200, visitor=LOGIN)),
    Route(
        "leave-form",
        "/groupes/{group}/quitter/",
        _statuses(302, visitor=LOGIN, member=200, group_moderator=200, owner=200),
    ),
    Route(
        "edit",
        "/groupes/{group}/modifier/",
        hidden(login=True, member=403, group_moderator=403, owner=200, moderator=200),
    ),
    Route("members", "/groupes/{group}/membres/", hidden(**READERS)),
    Route("group-search", "/groupes/{group}/recherche/?q=bailleur", hidden(**READERS)),
    Route(
        "manage",
        "/groupes/{group}/gestion/",
        hidden(login=True, member=403, group_moderator=200, owner=200, moderator=200),
    ),
    Route(
        "member-remove",
        "/groupes/{group}/gestion/membres/{member_id}/retirer/",
        hidden(login=True, member=403, group_moderator=200, owner=200, moderator=200),
    ),
    Route(
        "member-ban",
        "/groupes/{group}/gestion/membres/{member_id}/bannir/",
        hidden(login=True, member=403, group_moderator=200, owner=200, moderator=200),
    ),
    Route(
        "transfer",
        "/groupes/{group}/gestion/transferer/",
        hidden(login=True, member=403, group_moderator=403, owner=200, moderator=200),
    ),
    Route(
        "thread-create",
        "/groupes/{group}/discussions/nouvelle/",
        hidden(login=True, member=200, group_moderator=200, owner=200, moderator=403),
    ),
    Route("thread", "/groupes/{group}/discussions/{thread}/", hidden(**READERS)),
    Route("thread-page-99", "/groupes/{group}/discussions/{thread}/?page=99", hidden(**READERS)),
    Route("thread-bad-page", "/groupes/{group}/discussions/{thread}/?page=abc", hidden(**READERS)),
    Route(
        "reply-form",
        "/groupes/{group}/discussions/{thread}/repondre/?citer={message}",
        hidden(login=True, member=200, group_moderator=200, owner=200, moderator=302),
    ),
    Route(
        "message-permalink",
        "/groupes/{group}/discussions/{thread}/messages/{message}/",
        hidden(member=302, group_moderator=302, owner=302, moderator=302),
    ),
    Route(
        "message-edit",
        "/groupes/{group}/discussions/{thread}/messages/{message}/modifier/",
        hidden(login=True, member=200, group_moderator=302, owner=302, moderator=302),
    ),
    Route(
        "message-delete",
        "/groupes/{group}/discussions/{thread}/messages/{message}/supprimer/",
        hidden(login=True, member=200, group_moderator=200, owner=200, moderator=200),
    ),
    Route(
        "message-history",
        "/groupes/{group}/discussions/{thread}/messages/{message}/historique/",
        hidden(login=True, member=403, group_moderator=200, owner=200, moderator=200),
    ),
    Route(
        "thread-move",
        "/groupes/{group}/discussions/{thread}/deplacer/",
        hidden(login=True, member=403, group_moderator=200, owner=200, moderator=200),
    ),
    Route(
        "thread-delete",
        "/groupes/{group}/discussions/{thread}/supprimer/",
        hidden(login=True, member=403, group_moderator=200, owner=200, moderator=200),
    ),
    # Actions (POST): outsiders get 404 (visitors: the login page) and nothing changes.
    Route(
        "join",
        "/groupes/{group}/rejoindre/",
        _statuses(302, visitor=LOGIN),
        method="post",
    ),
    Route(
        "request-withdraw",
        "/groupes/{group}/demande/retirer/",
        _statuses(302, visitor=LOGIN),
        method="post",
    ),
    Route(
        "invitation-answer",
        "/groupes/{group}/invitation/",
        _statuses(302, visitor=LOGIN),
        method="post",
        data={"answer": "accept"},
    ),
    Route(
        "request-decide",
        "/groupes/{group}/gestion/demandes/{request_id}/",
        hidden(login=True, member=403, group_moderator=302, owner=302, moderator=302),
        method="post",
        data={"decision": "refuse"},
    ),
    Route(
        "invite",
        "/groupes/{group}/gestion/inviter/",
        hidden(login=True, member=403, group_moderator=302, owner=302, moderator=302),
        method="post",
        data={"email": "personne@example.org"},
    ),
    Route(
        "invitation-withdraw",
        "/groupes/{group}/gestion/invitations/{invitation_id}/retirer/",
        hidden(login=True, member=403, group_moderator=302, owner=302, moderator=302),
        method="post",
    ),
    Route(
        "member-role",
        "/groupes/{group}/gestion/membres/{member_id}/role/",
        hidden(login=True, member=403, group_moderator=403, owner=302, moderator=302),
        method="post",
        data={"role": "moderator"},
    ),
    Route(
        "ban-lift",
        "/groupes/{group}/gestion/bannis/{ban_id}/lever/",
        hidden(login=True, member=403, group_moderator=302, owner=302, moderator=302),
        method="post",
    ),
    Route(
        "thread-pin",
        "/groupes/{group}/discussions/{thread}/epingler/",
        hidden(login=True, member=403, group_moderator=302, owner=302, moderator=302),
        method="post",
    ),
    Route(
        "thread-lock",
        "/groupes/{group}/discussions/{thread}/verrouiller/",
        hidden(login=True, member=403, group_moderator=302, owner=302, moderator=302),
        method="post",
    ),
    Route(
        "reply-post",
        "/groupes/{group}/discussions/{thread}/repondre/",
        hidden(login=True, member=302, group_moderator=302, owner=302, moderator=302),
        method="post",
        data={"body": "Une réponse."},
    ),
]


@pytest.fixture
def world(private_group, thread, member, owner, non_member, oise):
    """The private group with a discussion, a reply (edited) by ``member`` holding a secret,
    a pending request, a pending invitation and the ban of ``banned``."""
    from ..factories import UserFactory

    reply = services.message_post(thread=thread, author=member, body="Premier jet.")
    services.message_edit(message=reply, editor=member, body=SECRET_TEXT)
    asker = UserFactory(commune=oise["beauvais"])
    join_request = services.membership_request(group=private_group, user=asker, message="Bonjour")
    invited = UserFactory(commune=oise["beauvais"])
    invitation = services.invitation_create(group=private_group, inviter=owner, invitee=invited)
    return {
        "group": private_group.slug,
        "thread": thread.pk,
        "message": reply.pk,
        "member_id": member.pk,
        "request_id": join_request.pk,
        "invitation_id": invitation.pk,
        "ban_id": private_group.bans.get().pk,
    }


@pytest.fixture
def as_persona(client, request, login):
    def _as(persona):
        if persona == "staff_without_mfa":
            return login(request.getfixturevalue(persona), mfa=False)
        if persona != "visitor":
            return login(request.getfixturevalue(persona))
        return client

    return _as


def _state(group_slug):
    """What a refused action must leave untouched."""
    from parvis.groups.models import Ban, Group, Invitation, JoinRequest, Message, Thread

    return (
        list(Group.objects.filter(slug=group_slug).values()),
        list(Membership.objects.order_by("pk").values()),
        list(Thread.objects.order_by("pk").values()),
        list(Message.objects.order_by("pk").values_list("pk", "body", "deleted_at")),
        list(JoinRequest.objects.order_by("pk").values()),
        list(Invitation.objects.order_by("pk").values()),
        list(Ban.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_every_route_as_every_persona(route, persona, world, as_persona):
    client = as_persona(persona)
    url = route.url(world)
    expected = route.expected[persona]
    before = _state(world["group"]) if persona in OUTSIDERS else None

    response = getattr(client, route.method)(url, route.data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith("/compte/login/")
    else:
        assert response.status_code == expected, (route.name, persona, response.status_code)
    if persona in OUTSIDERS:
        body = response.content.decode()
        assert SECRET_TITLE not in body
        assert SECRET_TEXT not in body
        if route.method == "post" or expected in (404, LOGIN):
            assert _state(world["group"]) == before


def test_a_member_who_leaves_loses_access_at_once(world, member, login):
    client = login(member)
    thread_url = "/groupes/{group}/discussions/{thread}/".format(**world)
    assert client.get(thread_url).status_code == 200
    assert client.post("/groupes/{group}/quitter/".format(**world)).status_code == 302
    assert client.get(thread_url).status_code == 404
    assert SECRET_TEXT not in client.get("/groupes/recherche/?q=bailleur").content.decode()


def test_a_removed_member_loses_access_at_once(world, member, owner, login, private_group):
    client = login(member)
    thread_url = "/groupes/{group}/discussions/{thread}/".format(**world)
    assert client.get(thread_url).status_code == 200
    services.member_remove(
        membership=Membership.objects.get(group=private_group, user=member), actor=owner
    )
    assert client.get(thread_url).status_code == 404
    assert client.get("/groupes/{group}/membres/".format(**world)).status_code == 404


def test_private_content_appears_in_searches_of_members_only(world, login, member, non_member):
    assert SECRET_TEXT in login(member).get("/groupes/recherche/?q=bailleur").content.decode()
    assert (
        SECRET_TEXT not in login(non_member).get("/groupes/recherche/?q=bailleur").content.decode()
    )


def test_public_group_content_is_read_by_everyone(public_thread, client, public_group):
    response = client.get(f"/groupes/{public_group.slug}/discussions/{public_thread.pk}/")
    assert response.status_code == 200
    assert "Qui apporte des graines" in response.content.decode()
    assert client.get(f"/groupes/{public_group.slug}/membres/").status_code == 200


def test_a_deleted_group_answers_404_except_to_site_moderators(
    private_group, thread, moderator, login, member
):
    services.group_delete(group=private_group, moderator=moderator, reason="Contenus illicites.")
    url = f"/groupes/{private_group.slug}/discussions/{thread.pk}/"
    assert login(member).get(url).status_code == 404
    assert login(member).get(f"/groupes/{private_group.slug}/").status_code == 404
    assert login(moderator).get(url).status_code == 200


def test_bogus_ids_answer_404(world, login, member):
    client = login(member)
    group = world["group"]
    for url in (
        "/groupes/inconnu/",
        f"/groupes/{group}/discussions/999999/",
        f"/groupes/{group}/discussions/{world['thread']}/messages/999999/",
        f"/groupes/{group}/discussions/{world['thread']}/messages/999999/modifier/",
    ):
        assert client.get(url).status_code == 404, url

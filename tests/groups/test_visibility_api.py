"""Visibility is airtight through the API too: every route of /api/groupes/, walked as every
persona, for the private group (``test_visibility.world``) and for a public one.

Same personas as the pages' walk (``test_visibility.PERSONAS``), plus ``removed`` (a member
removed by the owner). The API answers a visitor's write with 401 (no login page), and, like
the pages, 404 to whoever may not read a private group's content — never 403, which would
tell that it exists. A refusal (any 4xx) changes nothing.
"""

import pytest
from rest_framework.test import APIClient

from parvis.groups import services

from ..factories import UserFactory, api_key_for
from . import test_visibility as pages
from .conftest import add_member

world = pages.world  # the private group's discussion, secret reply, request, invitation, ban

PERSONAS = (*pages.PERSONAS, "removed")
OUTSIDERS = (*pages.OUTSIDERS, "removed")
MEMBERS = ("member", "group_moderator", "owner")
Route = pages.Route


def statuses(default, **overrides):
    values = dict.fromkeys(PERSONAS, default)
    values.update(overrides)
    # A staff member's token created without two-factor authentication: a non-member's access.
    values["staff_without_mfa"] = values["non_member"]
    return values


def hidden(**readers):
    """404 for the outsiders of the private group, the given statuses for the others; a
    visitor's write answers 401 (``write=True``)."""
    write = readers.pop("write", False)
    values = statuses(404, **readers)
    if write:
        values["visitor"] = 401
    return values


READERS = {"member": 200, "group_moderator": 200, "owner": 200, "moderator": 200}
POSTERS = {"member": 201, "group_moderator": 201, "owner": 201, "moderator": 403}
GROUP = "/api/groupes/{group}/"
THREAD = GROUP + "discussions/{thread}/"
MESSAGE = THREAD + "messages/{message}/"
PUBLIC = "/api/groupes/{public_group}/"
PUBLIC_THREAD = PUBLIC + "discussions/{public_thread}/"
PUBLIC_MESSAGE = PUBLIC_THREAD + "messages/{public_message}/"
NEW_THREAD = {"title": "Nouveau sujet", "body": "Bonjour à tous."}
REASON = {"reason": "Hors charte."}

PRIVATE_ROUTES = [
    Route("list", "/api/groupes/", statuses(200)),
    Route("list-mine", "/api/groupes/?mine=1&q=conseil", statuses(200, visitor=401)),
    Route("detail", GROUP, statuses(200)),
    Route("threads", GROUP + "discussions/", hidden(**READERS)),
    Route("threads-search", GROUP + "discussions/?q=ordre", hidden(**READERS)),
    Route("threads-page-99", GROUP + "discussions/?page=99", statuses(404)),
    Route("thread", THREAD, hidden(**READERS)),
    Route("messages", THREAD + "messages/", hidden(**READERS)),
    Route("messages-page-2", THREAD + "messages/?page=2", statuses(404)),
    Route("messages-bad-page", THREAD + "messages/?page=abc", statuses(404)),
    Route("message", MESSAGE, hidden(**READERS)),
    Route("search", "/api/groupes/recherche/?q=bailleur", statuses(200)),
    Route("search-group", "/api/groupes/recherche/?q=bailleur&group={group}", hidden(**READERS)),
    Route("search-threads", "/api/groupes/recherche/discussions/?q=ordre", statuses(200)),
    Route(
        "search-threads-group",
        "/api/groupes/recherche/discussions/?q=ordre&group={group}",
        hidden(**READERS),
    ),
    # Writes
    Route(
        "thread-create",
        GROUP + "discussions/",
        hidden(write=True, **POSTERS),
        method="post",
        data=NEW_THREAD,
    ),
    Route(
        "reply",
        THREAD + "messages/",
        hidden(write=True, **POSTERS),
        method="post",
        data={"body": "Je réponds."},
    ),
    Route(
        "edit",
        MESSAGE,
        hidden(write=True, member=200, group_moderator=403, owner=403, moderator=403),
        method="patch",
        data={"body": "Réécrit."},
    ),
    Route(
        "delete",
        MESSAGE,
        hidden(write=True, **READERS),
        method="delete",
        data=REASON,
    ),
    Route("join", GROUP + "rejoindre/", statuses(400, visitor=401, banned=403), method="post"),
    Route(
        "request",
        GROUP + "demander/",
        statuses(201, visitor=401, banned=403, member=400, group_moderator=400, owner=400),
        method="post",
        data={"message": "Bonjour"},
    ),
    Route("request-withdraw", GROUP + "demander/", statuses(400, visitor=401), method="delete"),
    Route(
        "leave",
        GROUP + "quitter/",
        statuses(400, visitor=401, member=200, group_moderator=200, owner=200),
        method="post",
    ),
]

OUTSIDERS_WRITE = {"visitor": 401, "non_member": 403, "banned": 403, "ex_member": 403}
PUBLIC_ROUTES = [
    Route("public-detail", PUBLIC, statuses(200)),
    Route("public-threads", PUBLIC + "discussions/", statuses(200)),
    Route("public-thread", PUBLIC_THREAD, statuses(200)),
    Route("public-messages", PUBLIC_THREAD + "messages/", statuses(200)),
    Route("public-message", PUBLIC_MESSAGE, statuses(200)),
    Route("public-search", "/api/groupes/recherche/?q=graines&group={public_group}", statuses(200)),
    Route(
        "public-thread-create",
        PUBLIC + "discussions/",
        statuses(201, moderator=403, removed=403, **OUTSIDERS_WRITE),
        method="post",
        data=NEW_THREAD,
    ),
    Route(
        "public-reply",
        PUBLIC_THREAD + "messages/",
        statuses(201, moderator=403, removed=403, **OUTSIDERS_WRITE),
        method="post",
        data={"body": "Moi aussi !"},
    ),
    Route(
        "public-edit",
        PUBLIC_MESSAGE,
        statuses(403, visitor=401, member=200),
        method="patch",
        data={"body": "Réécrit."},
    ),
    Route(
        "public-delete",
        PUBLIC_MESSAGE,
        statuses(200, removed=403, **OUTSIDERS_WRITE),
        method="delete",
        data=REASON,
    ),
    Route(
        "public-join",
        PUBLIC + "rejoindre/",
        statuses(200, visitor=401, banned=403, member=400, group_moderator=400, owner=400),
        method="post",
    ),
]


@pytest.fixture
def removed(private_group, public_group, owner, oise):
    user = UserFactory(
        email="remi.leroy@example.org",
        first_name="Rémi",
        last_name="Leroy",
        commune=oise["beauvais"],
    )
    for group in (private_group, public_group):
        services.member_remove(
            membership=add_member(group, user), actor=owner, reason="Hors sujet."
        )
    return user


@pytest.fixture
def api_world(world, public_group, public_thread, member, removed):
    reply = services.message_post(
        thread=public_thread, author=member, body="J'apporte des graines de courges."
    )
    return {
        **world,
        "public_group": public_group.slug,
        "public_thread": public_thread.pk,
        "public_message": reply.pk,
    }


@pytest.fixture
def api_as_persona(request):
    def _as(persona):
        client = APIClient()
        if persona != "visitor":
            user = request.getfixturevalue(persona)
            key = api_key_for(user, mfa=False if persona == "staff_without_mfa" else None)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return _as


def _state(world):
    return pages._state(world["group"]), pages._state(world["public_group"])


def _walk(route, persona, api_world, api_as_persona, *, private):
    client = api_as_persona(persona)
    expected = route.expected[persona]
    before = _state(api_world)

    response = getattr(client, route.method)(route.url(api_world), route.data, format="json")

    assert response.status_code == expected, (route.name, persona, response.content[:300])
    if expected >= 400:
        assert _state(api_world) == before, (route.name, persona)
        assert response.json()  # a message, never an empty answer
    if private and persona in OUTSIDERS:
        body = response.content.decode()
        assert pages.SECRET_TITLE not in body
        assert pages.SECRET_TEXT not in body


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", PRIVATE_ROUTES, ids=lambda route: route.name)
def test_every_api_route_as_every_persona(route, persona, api_world, api_as_persona):
    _walk(route, persona, api_world, api_as_persona, private=True)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=lambda route: route.name)
def test_every_public_api_route_as_every_persona(route, persona, api_world, api_as_persona):
    _walk(route, persona, api_world, api_as_persona, private=False)


@pytest.mark.parametrize("persona", MEMBERS + ("moderator",))
def test_readers_read_the_private_secret(persona, api_world, api_as_persona):
    client = api_as_persona(persona)
    messages = client.get(pages.Route("m", THREAD + "messages/", {}).url(api_world))
    assert pages.SECRET_TEXT in messages.content.decode()
    found = client.get("/api/groupes/recherche/", {"q": "bailleur"})
    assert pages.SECRET_TEXT in found.content.decode()

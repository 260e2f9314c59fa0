"""API of the groups: /api/groupes/ and their discussions and messages, with the same
visibility and rules as the pages (the route × persona walk is in
``tests/groups/test_visibility_api.py``)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from parvis.groups import services
from parvis.groups.models import (
    Group,
    JoinRequest,
    Membership,
    Mention,
    Message,
    MessageRevision,
    Role,
    Theme,
    Thread,
    Visibility,
)
from tests.factories import UserFactory
from tests.groups import conftest as groups_fixtures
from tests.groups.conftest import add_member, create_group

# The groups tests' personas and groups (see tests/groups/conftest.py).
owner = groups_fixtures.owner
non_member = groups_fixtures.non_member
group_moderator = groups_fixtures.group_moderator
member = groups_fixtures.member
banned = groups_fixtures.banned
ex_member = groups_fixtures.ex_member
people = groups_fixtures.people
private_group = groups_fixtures.private_group
public_group = groups_fixtures.public_group
thread = groups_fixtures.thread
public_thread = groups_fixtures.public_thread

SECRET = "Coordonnées du bailleur confidentielles"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _established_accounts(settings):
    """These tests post many messages as one member: no account counts as new here (the new
    accounts' daily allowance is tested in tests/groups/test_moderation.py)."""
    settings.PARVIS_NEW_ACCOUNT_DAYS = 0


@pytest.fixture
def removed(private_group, public_group, owner, oise):
    """A member removed from both groups by their owner."""
    user = UserFactory(
        email="remi.leroy@example.org",
        first_name="Rémi",
        last_name="Leroy",
        commune=oise["beauvais"],
    )
    for group in (private_group, public_group):
        membership = add_member(group, user)
        services.member_remove(membership=membership, actor=owner, reason="Hors sujet.")
    return user


@pytest.fixture
def secret(thread, member):
    """A reply of ``member`` in the private group's discussion, holding a secret."""
    return services.message_post(thread=thread, author=member, body=SECRET)


def group_url(group):
    return f"/api/groupes/{group.slug}/"


def threads_url(group):
    return f"/api/groupes/{group.slug}/discussions/"


def thread_url(thread):
    return f"/api/groupes/{thread.group.slug}/discussions/{thread.pk}/"


def messages_url(thread):
    return thread_url(thread) + "messages/"


def message_url(message):
    return messages_url(message.thread) + f"{message.pk}/"


def results(response):
    return response.json()["results"]


def snapshot():
    """What a refused write must leave untouched."""
    return (
        list(Group.objects.order_by("pk").values()),
        list(Membership.objects.order_by("pk").values()),
        list(JoinRequest.objects.order_by("pk").values()),
        list(Thread.objects.order_by("pk").values()),
        list(Message.objects.order_by("pk").values()),
    )


# --- groups: reading ----------------------------------------------------------------------------


def test_everyone_lists_private_groups_by_name_and_description_only(
    api, private_group, public_group, secret
):
    response = api.get("/api/groupes/")

    assert response.status_code == 200
    groups = {group["slug"]: group for group in results(response)}
    assert set(groups) == {private_group.slug, public_group.slug}
    private = groups[private_group.slug]
    assert private["name"] == "Conseil citoyen de Beauvais"
    assert private["description"] == "Préparation des réunions du conseil citoyen."
    assert private["visibility"] == "private"
    assert private["readable"] is False
    assert private["threads_url"] is None
    assert private["last_activity_at"] is None
    assert private["my_role"] is None
    assert private["member_count"] == 3
    assert private["territory"]["name"] == "Beauvais"
    public = groups[public_group.slug]
    assert public["readable"] is True
    assert public["threads_url"].endswith(f"/api/groupes/{public_group.slug}/discussions/")
    assert "<strong>jardinage</strong>" in public["description_html"]
    assert public["web_url"].endswith(f"/groupes/{public_group.slug}/")
    assert "bailleur" not in response.content.decode()


def test_members_see_their_role_and_read_their_private_groups(
    api_as, private_group, public_group, group_moderator
):
    response = api_as(group_moderator).get("/api/groupes/")

    groups = {group["slug"]: group for group in results(response)}
    assert groups[private_group.slug]["my_role"] == "moderator"
    assert groups[private_group.slug]["readable"] is True
    assert groups[private_group.slug]["last_activity_at"]


@pytest.mark.parametrize("persona", ["banned", "ex_member", "removed", "non_member"])
def test_outsiders_are_not_members_of_the_private_group(api_as, private_group, persona, request):
    user = request.getfixturevalue(persona)
    response = api_as(user).get(group_url(private_group))

    assert response.status_code == 200
    data = response.json()
    assert data["readable"] is False
    assert data["my_role"] is None
    assert data["moderators"] == []
    assert data["can_start_thread"] is False
    assert data["threads_url"] is None


def test_group_detail_tells_a_member_what_they_may_do(
    api_as, private_group, member, owner, group_moderator
):
    data = api_as(member).get(group_url(private_group)).json()

    assert data["my_role"] == "member"
    assert data["readable"] is True
    assert data["can_start_thread"] is True
    assert data["can_leave"] is True
    assert data["can_join"] is False
    assert data["moderators"] == [  # the owner first
        {"id": owner.pk, "name": "Camille Martin", "role": "owner"},
        {"id": group_moderator.pk, "name": "Sophie Girard", "role": "moderator"},
    ]


def test_a_deleted_group_answers_404_except_to_site_moderators(
    api, api_as, private_group, thread, member, moderator
):
    services.group_delete(group=private_group, moderator=moderator, reason="Contenus illicites.")

    for client in (api, api_as(member)):
        assert client.get(group_url(private_group)).status_code == 404
        assert client.get(thread_url(thread)).status_code == 404
        assert private_group.slug not in client.get("/api/groupes/").content.decode()
    site_moderator = api_as(moderator)
    assert site_moderator.get(group_url(private_group)).json()["status"] == "deleted"
    assert site_moderator.get(thread_url(thread)).status_code == 200


def test_groups_filter_by_theme_and_visibility(api, private_group, public_group):
    def slugs(**params):
        return [group["slug"] for group in results(api.get("/api/groupes/", params))]

    assert slugs(theme=Theme.CITIZENSHIP) == [private_group.slug]
    assert slugs(theme=Theme.ENVIRONMENT) == [public_group.slug]
    assert slugs(theme=Theme.SPORT) == []
    assert slugs(visibility="public") == [public_group.slug]


def test_groups_filter_by_territory_as_on_the_pages(api, owner, oise):
    beauvaisis, arc = oise["epcis"]
    in_beauvais = create_group(owner, name="Vivre à Beauvais", territory=oise["beauvais"])
    in_epci = create_group(owner, name="Agglo du Beauvaisis", territory=beauvaisis)
    in_compiegne = create_group(owner, name="Compiègne en vélo", territory=oise["compiegne"])

    def slugs(**params):
        response = api.get("/api/groupes/", params)
        assert response.status_code == 200, response.json()
        return {group["slug"] for group in results(response)}

    # A commune: its groups and those of its intercommunality.
    assert slugs(territory=oise["beauvais"].pk) == {in_beauvais.slug, in_epci.slug}
    assert slugs(commune="60057") == {in_beauvais.slug, in_epci.slug}
    # An intercommunality: its groups and those of its communes.
    assert slugs(territory=beauvaisis.pk) == {in_beauvais.slug, in_epci.slug}
    assert slugs(epci=arc.code) == {in_compiegne.slug}
    assert slugs(commune="60382") == set()


@pytest.mark.postgresql
def test_groups_filter_by_words_accents_ignored(api, private_group, public_group):
    response = api.get("/api/groupes/", {"q": "jardin partages"})
    assert [group["slug"] for group in results(response)] == [public_group.slug]
    response = api.get("/api/groupes/", {"q": "réunions"})
    assert [group["slug"] for group in results(response)] == [private_group.slug]


def test_mine_lists_the_callers_groups_only(api, api_as, private_group, public_group, removed):
    assert api.get("/api/groupes/", {"mine": "1"}).status_code == 401
    other = create_group(UserFactory(commune=private_group.territory), name="Autre groupe")
    response = api_as(removed).get("/api/groupes/", {"mine": "true"})
    assert results(response) == []
    slugs = {
        group["slug"]
        for group in results(
            api_as(Membership.objects.get(group=other).user).get("/api/groupes/?mine=1")
        )
    }
    assert slugs == {other.slug}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"theme": "astrologie"}, "theme"),
        ({"visibility": "secret"}, "visibility"),
        ({"territory": "abc"}, "territory"),
        ({"territory": "99999999999999999999"}, "territory"),
        ({"commune": "6005"}, "commune"),
        ({"commune": "99999"}, "commune"),
        ({"epci": "12"}, "epci"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_filters_answer_400_with_a_message(api, public_group, params, field):
    response = api.get("/api/groupes/", params)
    assert response.status_code == 400
    assert response.json()[field][0]


def test_bogus_groups_pages_and_ids_answer_404(api_as, private_group, thread, member, secret):
    client = api_as(member)
    other_group = create_group(UserFactory(commune=private_group.territory), name="Autre")
    other_thread = services.thread_create(
        group=other_group,
        author=Membership.objects.get(group=other_group).user,
        title="Ailleurs",
        body="Un autre sujet.",
    )
    for url in (
        "/api/groupes/inconnu/",
        "/api/groupes/inconnu/discussions/",
        "/api/groupes/?page=99",
        f"{threads_url(private_group)}999999/",
        f"{threads_url(private_group)}99999999999999999999/",
        f"{threads_url(private_group)}{other_thread.pk}/",
        f"{threads_url(private_group)}{thread.pk}/messages/?page=2",
        f"{threads_url(private_group)}{thread.pk}/messages/?page=abc",
        f"{threads_url(private_group)}{thread.pk}/messages/?page=0",
        f"{threads_url(private_group)}{thread.pk}/messages/999999/",
        f"{threads_url(private_group)}{thread.pk}/messages/99999999999999999999/",
        f"{threads_url(private_group)}{thread.pk}/messages/{other_thread.last_message_id}/",
        f"{threads_url(private_group)}{other_thread.pk}/messages/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"]


# --- groups: writing ----------------------------------------------------------------------------


def test_an_identified_member_creates_a_group_and_owns_it(api_as, resident, oise):
    response = api_as(resident).post(
        "/api/groupes/",
        {
            "name": "  Randonnées dans le Clermontois ",
            "theme": "sport",
            "description": "Sorties **du dimanche**.",
            "territory": oise["epcis"][0].pk,
            "visibility": "private",
            "join_policy": "request",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["name"] == "Randonnées dans le Clermontois"
    assert data["slug"] == "randonnees-dans-le-clermontois"
    assert data["my_role"] == "owner"
    assert data["readable"] is True
    assert data["territory"]["kind"] == "epci"
    group = Group.objects.get(slug=data["slug"])
    assert group.visibility == Visibility.PRIVATE
    assert Membership.objects.get(group=group).role == Role.OWNER


def test_a_group_is_created_with_an_image_re_encoded(api_as, resident):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")

    response = api_as(resident).post(
        "/api/groupes/", {"name": "Photo club", "theme": "culture", "image": upload}
    )

    assert response.status_code == 201, response.json()
    assert response.json()["image"].endswith(".jpg")
    assert Group.objects.get().image.name.startswith("groups/")


def test_a_bad_image_is_refused_with_a_message(api_as, resident):
    upload = SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png")
    response = api_as(resident).post(
        "/api/groupes/", {"name": "Photo club", "theme": "culture", "image": upload}
    )
    assert response.status_code == 400
    assert response.json()["image"][0]
    assert not Group.objects.exists()


def test_group_creation_is_rate_limited_as_on_the_site(api_as, resident):
    client = api_as(resident)
    for number in range(services.GROUP_CREATE_LIMIT):
        response = client.post(
            "/api/groupes/", {"name": f"Groupe {number}", "theme": "other"}, format="json"
        )
        assert response.status_code == 201
    response = client.post("/api/groupes/", {"name": "Un de trop", "theme": "other"}, format="json")
    assert response.status_code == 400
    assert "wait a little" in response.json()[0]
    assert Group.objects.count() == services.GROUP_CREATE_LIMIT


def test_only_identified_members_create_groups(api, api_as, oise):
    assert api.post("/api/groupes/", {"name": "X", "theme": "other"}).status_code == 401
    unverified = UserFactory(commune=oise["beauvais"], verified_email=False)
    response = api_as(unverified).post("/api/groupes/", {"name": "X", "theme": "other"})
    assert response.status_code == 403
    assert "identified members" in response.json()["detail"]
    assert not Group.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "   ", "theme": "other"}, "name"),
        ({"name": "X" * 121, "theme": "other"}, "name"),
        ({"name": "Groupe", "theme": "astrologie"}, "theme"),
        ({"name": "Groupe", "theme": "other", "visibility": "secret"}, "visibility"),
        ({"name": "Groupe", "theme": "other", "territory": 99999999}, "territory"),
        ({"name": "Groupe", "theme": "other", "organisation": "les-amis-du-beauvaisis"}, None),
    ],
)
def test_bad_groups_are_refused_with_a_message(api_as, resident, association, payload, field):
    response = api_as(resident).post("/api/groupes/", payload, format="json")

    assert response.status_code == 400
    errors = response.json()
    if field is None:  # an organisation the member does not run
        assert "organisation you help run" in errors["organisation"][0]
    else:
        assert errors[field][0]
    assert not Group.objects.exists()


def test_a_group_cannot_be_attached_to_an_arrondissement(api_as, resident, oise):
    response = api_as(resident).post(
        "/api/groupes/",
        {"name": "Groupe", "theme": "other", "territory": oise["arrondissements"][0].pk},
        format="json",
    )
    assert response.status_code == 400
    assert "territory" in response.json()


def test_an_organisation_team_member_creates_its_group(api_as, association_manager, association):
    response = api_as(association_manager).post(
        "/api/groupes/",
        {"name": "Bénévoles", "theme": "solidarity", "organisation": association.slug},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["organisation"] == {"slug": association.slug, "name": association.name}


def test_joining_an_open_group(api_as, public_group, non_member):
    response = api_as(non_member).post(group_url(public_group) + "rejoindre/")

    assert response.status_code == 200
    assert response.json()["my_role"] == "member"
    assert response.json()["member_count"] == 4
    assert Membership.objects.get(group=public_group, user=non_member).state == "active"


def test_joining_refusals_change_nothing(api_as, public_group, private_group, banned, member):
    before = snapshot()
    response = api_as(banned).post(group_url(public_group) + "rejoindre/")
    assert response.status_code == 403
    assert response.json()["detail"] == "You can no longer join this group."
    response = api_as(member).post(group_url(public_group) + "rejoindre/")
    assert response.status_code == 400
    assert response.json() == ["You are already a member of this group."]
    response = api_as(UserFactory(commune=member.commune)).post(
        group_url(private_group) + "rejoindre/"
    )
    assert response.status_code == 400
    assert "ask to join" in response.json()[0]
    assert snapshot() == before


def test_asking_to_join_then_withdrawing(api_as, private_group, non_member):
    client = api_as(non_member)
    url = group_url(private_group) + "demander/"

    response = client.post(url, {"message": "Habitante du quartier Saint-Jean."}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert client.get(group_url(private_group)).json()["pending_request"] is True
    again = client.post(url, {}, format="json")
    assert again.status_code == 400
    assert "already asked" in again.json()[0]

    assert client.delete(url).status_code == 204
    assert JoinRequest.objects.get(user=non_member).status == "withdrawn"
    response = client.delete(url)
    assert response.status_code == 400
    assert response.json() == ["You have no pending request for this group."]


def test_a_banned_member_cannot_ask_again(api_as, private_group, banned):
    response = api_as(banned).post(group_url(private_group) + "demander/", {}, format="json")
    assert response.status_code == 403
    assert not JoinRequest.objects.filter(user=banned).exists()


def test_a_too_long_request_message_is_refused(api_as, private_group, non_member):
    response = api_as(non_member).post(
        group_url(private_group) + "demander/", {"message": "x" * 1001}, format="json"
    )
    assert response.status_code == 400
    assert "too long" in response.json()["message"][0]
    assert not JoinRequest.objects.exists()


def test_a_member_who_leaves_loses_access_at_once(api_as, private_group, thread, member, secret):
    client = api_as(member)
    assert client.get(messages_url(thread)).status_code == 200

    response = client.post(group_url(private_group) + "quitter/")

    assert response.status_code == 200
    assert response.json()["readable"] is False
    assert response.json()["my_role"] is None
    for url in (threads_url(private_group), thread_url(thread), messages_url(thread)):
        assert client.get(url).status_code == 404, url
    found = client.get("/api/groupes/recherche/", {"q": "bailleur"})
    assert found.status_code == 200
    assert results(found) == []
    response = client.post(group_url(private_group) + "quitter/")
    assert response.status_code == 400
    assert response.json() == ["You are not a member of this group."]


def test_a_removed_member_loses_access_at_once(api_as, private_group, thread, member, owner):
    client = api_as(member)
    assert client.get(thread_url(thread)).status_code == 200
    services.member_remove(
        membership=Membership.objects.get(group=private_group, user=member), actor=owner
    )
    assert client.get(thread_url(thread)).status_code == 404
    response = client.post(messages_url(thread), {"body": "Encore moi."}, format="json")
    assert response.status_code == 404


def test_the_owner_leaving_hands_the_group_over(api_as, private_group, owner, group_moderator):
    response = api_as(owner).post(group_url(private_group) + "quitter/")
    assert response.status_code == 200
    assert Membership.objects.get(group=private_group, user=group_moderator).role == Role.OWNER


# --- discussions --------------------------------------------------------------------------------


def test_members_list_the_discussions_with_unread_markers(
    api_as, private_group, thread, owner, member, group_moderator
):
    pinned = services.thread_create(
        group=private_group,
        author=group_moderator,
        title="Règles du groupe",
        body="Soyez aimables.",
    )
    services.thread_pin(thread=pinned, actor=group_moderator)
    services.thread_mark_read(thread=thread, user=member, position=1)

    response = api_as(member).get(threads_url(private_group))

    assert response.status_code == 200
    listed = results(response)
    assert [item["title"] for item in listed] == ["Règles du groupe", thread.title]
    assert listed[0]["pinned"] is True
    assert listed[0]["unread"] is True
    assert listed[1]["unread"] is False
    assert listed[1]["author"] == {"id": owner.pk, "name": "Camille Martin"}
    assert listed[1]["message_count"] == 1
    assert listed[1]["last_message"]["position"] == 1
    assert listed[1]["url"].endswith(thread_url(thread))
    assert listed[1]["web_url"].endswith(f"/groupes/{private_group.slug}/discussions/{thread.pk}/")


def test_anyone_reads_a_public_groups_discussions(api, public_group, public_thread):
    listed = results(api.get(threads_url(public_group)))
    assert [item["title"] for item in listed] == ["Bourse aux graines du printemps"]
    assert listed[0]["unread"] is None
    detail = api.get(thread_url(public_thread)).json()
    assert detail["can_reply"] is False
    assert detail["pages"] == 1
    messages = results(api.get(messages_url(public_thread)))
    assert messages[0]["body"] == "Qui apporte des graines de tomates anciennes ?"


@pytest.mark.postgresql
def test_discussions_of_a_group_filter_by_title_words(api_as, private_group, thread, member):
    response = api_as(member).get(threads_url(private_group), {"q": "reunion"})
    assert [item["id"] for item in results(response)] == [thread.pk]
    assert results(api_as(member).get(threads_url(private_group), {"q": "piscine"})) == []


def test_a_member_starts_a_discussion(api_as, private_group, member, group_moderator):
    response = api_as(member).post(
        threads_url(private_group),
        {"title": " Fête des voisins ", "body": "On s'organise ? @sophie-girard"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["title"] == "Fête des voisins"
    assert data["author"]["id"] == member.pk
    assert data["can_reply"] is True
    assert data["can_moderate"] is False
    created = Thread.objects.get(pk=data["id"])
    assert created.messages.get().body == "On s'organise ? @sophie-girard"
    assert Mention.objects.filter(user=group_moderator).exists()


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        ({"title": "  ", "body": "Bonjour"}, "title", "cannot be empty"),
        ({"title": "Bonjour", "body": " \n "}, "body", "cannot be empty"),
        ({"title": "T" * 201, "body": "Bonjour"}, "title", "too long"),
        ({"title": "Bonjour", "body": "x" * 20001}, "body", "too long"),
        ({"title": "Bonjour"}, "body", "required"),
    ],
)
def test_bad_discussions_are_refused_and_nothing_is_created(
    api_as, private_group, member, payload, field, words
):
    before = snapshot()
    response = api_as(member).post(threads_url(private_group), payload, format="json")
    assert response.status_code == 400
    assert words in response.json()[field][0]
    assert snapshot() == before


def test_no_discussion_starts_in_a_closed_group(api_as, private_group, member, moderator):
    services.group_close(group=private_group, moderator=moderator, reason="Inactif.")
    before = snapshot()
    response = api_as(member).post(
        threads_url(private_group), {"title": "Encore", "body": "Bonjour"}, format="json"
    )
    assert response.status_code == 400
    assert "closed" in response.json()[0]
    assert snapshot() == before


def test_non_members_cannot_start_a_discussion_in_a_public_group(
    api_as, public_group, non_member, moderator
):
    before = snapshot()
    for user in (non_member, moderator):
        response = api_as(user).post(
            threads_url(public_group), {"title": "Intrus", "body": "Bonjour"}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["detail"] == "Only the group's members may start a discussion."
    assert snapshot() == before


# --- messages -----------------------------------------------------------------------------------


def test_messages_are_listed_in_order_with_deleted_ones_as_placeholders(
    api_as, thread, owner, member, group_moderator, secret
):
    own = services.message_post(thread=thread, author=member, body="Je retire ce que j'ai dit.")
    services.message_delete(message=own, actor=member)
    rude = services.message_post(thread=thread, author=owner, body="Propos déplacés.")
    services.message_delete(message=rude, actor=group_moderator, reason="Hors charte.")
    reply = services.message_post(thread=thread, author=owner, body="Merci !", quoted=secret)

    response = api_as(member).get(messages_url(thread))

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 5
    assert data["pages"] == 1
    assert data["next"] is None
    listed = data["results"]
    assert [item["position"] for item in listed] == [1, 2, 3, 4, 5]
    assert listed[1]["body"] == SECRET
    assert listed[1]["can_edit"] is True
    assert (listed[2]["deleted"], listed[2]["deleted_by_moderator"]) == (True, False)
    assert listed[2]["body_html"] is None
    assert (listed[3]["deleted"], listed[3]["deleted_by_moderator"]) == (True, True)
    assert listed[3]["body"] is None
    assert listed[3]["body_html"] is None
    assert "Propos déplacés" not in response.content.decode()
    assert listed[4]["id"] == reply.pk
    assert listed[4]["quoted"] == {
        "id": secret.pk,
        "position": 2,
        "author": {"id": member.pk, "name": "Lucas Bernard"},
        "deleted": False,
    }
    assert listed[4]["can_edit"] is False
    single = api_as(member).get(message_url(rude)).json()
    assert single["deleted"] is True
    assert single["body"] is None


def test_messages_are_paginated_30_a_page(api_as, thread, member, owner, group_moderator):
    for number in range(40):
        author = (member, owner, group_moderator)[number % 3]  # under the flood limit
        services.message_post(thread=thread, author=author, body=f"Message {number + 2}")
    client = api_as(member)

    first = client.get(messages_url(thread)).json()
    assert (first["count"], first["pages"]) == (41, 2)
    assert len(first["results"]) == 30
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert [item["position"] for item in second["results"]] == list(range(31, 42))
    assert second["next"] is None
    assert second["previous"].endswith(messages_url(thread))


def test_a_member_replies_quoting_a_message_and_mentioning_another(
    api_as, thread, member, owner, group_moderator
):
    first = thread.messages.get()
    response = api_as(member).post(
        messages_url(thread),
        {"body": "D'accord avec toi @sophie-girard.", "quoted": first.pk},
        format="json",
    )

    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["position"] == 2
    assert data["quoted"]["id"] == first.pk
    assert data["author"]["id"] == member.pk
    assert data["can_edit"] is True
    assert Mention.objects.get(message_id=data["id"]).user == group_moderator
    thread.refresh_from_db()
    assert thread.message_count == 2


def test_hostile_markdown_is_sanitised(api_as, thread, member):
    hostile = (
        "<script>alert('x')</script>\n\n"
        '<img src="x" onerror="alert(1)">\n\n'
        "[clic](javascript:alert(1))\n\n"
        '<a href="https://example.org" onclick="alert(1)">lien</a> **gras**'
    )
    response = api_as(member).post(messages_url(thread), {"body": hostile}, format="json")

    assert response.status_code == 201
    html = response.json()["body_html"]
    assert "<script" not in html
    assert "onerror" not in html
    assert "onclick" not in html
    assert "javascript:" not in html
    assert "<strong>gras</strong>" in html
    assert response.json()["body"] == hostile


@pytest.mark.parametrize(
    ("body", "words"),
    [("", "cannot be empty"), ("   \n\t", "cannot be empty"), ("x" * 20001, "too long")],
)
def test_empty_or_huge_replies_are_refused(api_as, thread, member, body, words):
    before = snapshot()
    response = api_as(member).post(messages_url(thread), {"body": body}, format="json")
    assert response.status_code == 400
    assert words in response.json()["body"][0]
    assert snapshot() == before


def test_quoting_a_deleted_message_or_one_of_another_discussion_is_refused(
    api_as, private_group, thread, member, owner, secret
):
    services.message_delete(message=secret, actor=member)
    other = services.thread_create(
        group=private_group, author=owner, title="Autre sujet", body="Ailleurs."
    )
    client = api_as(member)
    before = snapshot()

    for quoted, words in [
        (secret.pk, "was deleted"),
        (other.last_message_id, "of this discussion"),
        (999999, "of this discussion"),
        ("abc", "valid integer"),
    ]:
        response = client.post(
            messages_url(thread), {"body": "Je cite.", "quoted": quoted}, format="json"
        )
        assert response.status_code == 400, quoted
        assert words in response.json()["quoted"][0]
    assert snapshot() == before


def test_no_reply_in_a_locked_discussion_but_from_its_moderators(
    api_as, thread, member, group_moderator
):
    services.thread_lock(thread=thread, actor=group_moderator)
    before = snapshot()
    response = api_as(member).post(messages_url(thread), {"body": "Et moi ?"}, format="json")
    assert response.status_code == 400
    assert response.json() == ["This discussion is locked: no more replies."]
    assert snapshot() == before
    assert api_as(member).get(thread_url(thread)).json()["can_reply"] is False

    response = api_as(group_moderator).post(
        messages_url(thread), {"body": "Je clos le sujet."}, format="json"
    )
    assert response.status_code == 201


def test_no_reply_in_a_closed_group(api_as, private_group, thread, member, moderator):
    services.group_close(group=private_group, moderator=moderator, reason="Inactif.")
    before = snapshot()
    response = api_as(member).post(messages_url(thread), {"body": "Encore ?"}, format="json")
    assert response.status_code == 400
    assert "closed" in response.json()[0]
    assert snapshot() == before
    assert api_as(member).get(messages_url(thread)).status_code == 200  # still readable


def test_non_members_cannot_reply_in_a_public_group(api_as, public_thread, non_member, banned):
    before = snapshot()
    for user in (non_member, banned):
        response = api_as(user).post(messages_url(public_thread), {"body": "Coucou"})
        assert response.status_code == 403
        assert response.json()["detail"] == "Only the group's members may reply."
    assert snapshot() == before


def test_an_author_edits_their_message_and_the_history_is_kept(api_as, secret, member):
    response = api_as(member).patch(
        message_url(secret), {"body": "Coordonnées *à jour*."}, format="json"
    )

    assert response.status_code == 200
    data = response.json()
    assert data["body"] == "Coordonnées *à jour*."
    assert "<em>à jour</em>" in data["body_html"]
    assert data["edited_at"]
    assert MessageRevision.objects.get(message=secret).body == SECRET


def test_only_the_author_edits_a_message(api_as, secret, owner, group_moderator, moderator):
    before = snapshot()
    for user in (owner, group_moderator, moderator):
        response = api_as(user).patch(message_url(secret), {"body": "Réécrit."}, format="json")
        assert response.status_code == 403
        assert response.json()["detail"] == "Only its author may edit a message."
    assert snapshot() == before


def test_editing_refusals_change_nothing(api_as, thread, secret, member, group_moderator):
    client = api_as(member)
    before = snapshot()
    for body, words in [("", "cannot be empty"), ("x" * 20001, "too long")]:
        response = client.patch(message_url(secret), {"body": body}, format="json")
        assert response.status_code == 400
        assert words in response.json()["body"][0]
    assert client.put(message_url(secret), {"body": "Tout"}, format="json").status_code == 405
    services.thread_lock(thread=thread, actor=group_moderator)
    response = client.patch(message_url(secret), {"body": "Modifié"}, format="json")
    assert response.status_code == 400
    assert "locked" in response.json()[0]
    assert snapshot()[4] == before[4]


def test_an_author_deletes_their_message_and_a_placeholder_stays(api_as, thread, secret, member):
    response = api_as(member).delete(message_url(secret))

    assert response.status_code == 200
    data = response.json()
    assert data["deleted"] is True
    assert data["body"] is None
    secret.refresh_from_db()
    assert secret.body == ""
    assert secret.deleted_at is not None
    assert api_as(member).get(messages_url(thread)).json()["count"] == 2
    again = api_as(member).delete(message_url(secret))
    assert again.status_code == 400
    assert again.json() == ["This message is already deleted."]
    edit = api_as(member).patch(message_url(secret), {"body": "Revenu"}, format="json")
    assert edit.status_code == 400


def test_a_member_cannot_delete_someone_elses_message(api_as, thread, member):
    first = thread.messages.get()
    before = snapshot()
    response = api_as(member).delete(message_url(first))
    assert response.status_code == 403
    assert response.json()["detail"] == "You may not delete this message."
    assert snapshot() == before


def test_a_group_moderator_deletes_a_message_with_a_reason(api_as, secret, group_moderator):
    client = api_as(group_moderator)
    before = snapshot()
    response = client.delete(message_url(secret))
    assert response.status_code == 400
    assert "reason" in response.json()
    assert snapshot() == before

    response = client.delete(
        message_url(secret), {"reason": "Données personnelles."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["deleted_by_moderator"] is True
    secret.refresh_from_db()
    assert secret.deletion_reason == "Données personnelles."
    assert secret.body == SECRET  # kept out of sight for an appeal


def test_a_site_moderator_deletes_with_the_reason_in_the_query_string(api_as, secret, moderator):
    response = api_as(moderator).delete(message_url(secret) + "?reason=Illicite")
    assert response.status_code == 200
    assert response.json()["deleted"] is True


# --- search -------------------------------------------------------------------------------------


@pytest.mark.postgresql
def test_search_finds_messages_of_the_groups_the_caller_may_read(
    api, api_as, public_thread, thread, secret, member, non_member, owner
):
    services.message_post(thread=public_thread, author=owner, body="Le bailleur social répond.")
    gone = services.message_post(thread=public_thread, author=owner, body="Bailleur effacé.")
    services.message_delete(message=gone, actor=owner)

    def found(client, **params):
        response = client.get("/api/groupes/recherche/", {"q": "bailleur", **params})
        assert response.status_code == 200, response.json()
        return [item["body_html"] for item in results(response)]

    assert found(api) == ["<p>Le bailleur social répond.</p>"]
    assert found(api_as(non_member)) == ["<p>Le bailleur social répond.</p>"]
    assert len(found(api_as(member))) == 2
    assert found(api_as(member), group=thread.group.slug) == [f"<p>{SECRET}</p>"]
    search = {"q": "bailleur confidentielles"}
    item = results(api_as(member).get("/api/groupes/recherche/", search))[0]
    assert item["thread"]["id"] == thread.pk
    assert item["group"]["slug"] == thread.group.slug
    assert item["url"].endswith(message_url(secret))
    response = api_as(non_member).get(
        "/api/groupes/recherche/", {"q": "bailleur", "group": thread.group.slug}
    )
    assert response.status_code == 404


@pytest.mark.postgresql
def test_search_finds_discussions_by_title(api, api_as, thread, public_thread, member):
    def titles(client, **params):
        response = client.get("/api/groupes/recherche/discussions/", params)
        assert response.status_code == 200
        return [item["title"] for item in results(response)]

    assert titles(api, q="graine") == ["Bourse aux graines du printemps"]
    assert titles(api, q="reunion") == []
    assert titles(api_as(member), q="reunion") == [thread.title]
    assert titles(api_as(member), q="reunion", group=public_thread.group.slug) == []


def test_search_needs_words(api, public_group):
    for params in ({}, {"q": "  !! "}, {"q": "x" * 101}):
        response = api.get("/api/groupes/recherche/", params)
        assert response.status_code == 400
        assert response.json()["q"][0]
    response = api.get("/api/groupes/recherche/", {"q": "graines", "group": "inconnu"})
    assert response.status_code == 404


# --- query counts -------------------------------------------------------------------------------


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_group_list_query_count_is_fixed(api_as, member, owner, django_assert_max_num_queries):
    client = api_as(member)
    group = create_group(owner, name="Groupe 0")
    add_member(group, member)
    few = _count_queries(client, "/api/groupes/")
    for number in range(1, 3):  # the owner's limit: 3 a day
        add_member(create_group(owner, name=f"Groupe {number}"), member)
    for number in range(20):
        creator = UserFactory(commune=owner.commune)
        other = create_group(creator, name=f"Autre {number}", visibility="private")
        if number % 2:
            add_member(other, member)
    # One query more, the count, once the list is longer than its first page (a shorter one is
    # counted from that page: core.pagination); then no more, whatever the number of groups.
    assert _count_queries(client, "/api/groupes/") == few + 1
    # the token (read, last use), count, page, the caller's roles on the page
    with django_assert_max_num_queries(5):
        assert len(results(client.get("/api/groupes/?theme=environment"))) == 20


def test_discussion_list_query_count_is_fixed(
    api_as, private_group, member, owner, django_assert_max_num_queries
):
    client = api_as(member)
    services.thread_create(group=private_group, author=owner, title="Sujet 0", body="Bonjour")
    few = _count_queries(client, threads_url(private_group))
    for number in range(1, 25):
        author = owner if number % 2 else member
        services.thread_create(
            group=private_group, author=author, title=f"Sujet {number}", body="Bonjour"
        )
    # One query more, the count, once the list is longer than its first page (a shorter one
    # is counted from that page: core.pagination); then no more, whatever its length.
    assert _count_queries(client, threads_url(private_group)) == few + 1
    with django_assert_max_num_queries(few + 1):
        assert len(results(client.get(threads_url(private_group)))) == 20


def test_message_list_query_count_is_fixed(
    api_as, thread, member, owner, group_moderator, django_assert_max_num_queries
):
    client = api_as(member)
    few = _count_queries(client, messages_url(thread))
    previous = thread.messages.get()
    for number in range(70):
        author = (member, owner, group_moderator)[number % 3]
        previous = services.message_post(
            thread=thread, author=author, body=f"Réponse {number}", quoted=previous
        )
        if number % 7 == 0:
            services.message_delete(message=previous, actor=author)
            previous = thread.messages.get(position=1)
    assert _count_queries(client, messages_url(thread)) == few
    assert _count_queries(client, messages_url(thread) + "?page=3") == few
    with django_assert_max_num_queries(few):
        assert len(results(client.get(messages_url(thread) + "?page=2"))) == 30


@pytest.mark.postgresql
def test_search_query_count_is_fixed(api_as, thread, public_thread, member, owner):
    client = api_as(member)
    url = "/api/groupes/recherche/?q=bailleur"
    services.message_post(thread=thread, author=member, body="Le bailleur 0")
    few = _count_queries(client, url)
    for number in range(20):
        target = thread if number % 2 else public_thread
        services.message_post(thread=target, author=owner, body=f"Le bailleur {number + 1}")
    # One query more, the count, once the list is longer than its first page (a shorter one
    # is counted from that page: core.pagination); then no more, whatever its length.
    assert _count_queries(client, url) == few + 1


def test_the_api_root_links_the_groups(api, db):
    response = api.get("/api/")
    assert response.status_code == 200
    assert response.json()["groupes"].endswith("/api/groupes/")

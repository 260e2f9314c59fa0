"""Who may do what on every new route and API endpoint: visitor, member, another member, the
organiser (an organisation's manager), an elected official and a moderator."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from parvis.comments import services
from parvis.comments.models import Comment, Reaction
from parvis.news.models import Follow

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "member", "other_member", "organisation_manager", "official", "moderator"]


@pytest.fixture
def people(seasoned, association_manager, official, moderator):
    resident, other = seasoned
    return {
        "visitor": None,
        "member": resident,  # the comment's author below
        "other_member": other,
        "organisation_manager": association_manager,  # the event's organiser
        "official": official,
        "moderator": moderator,
    }


@pytest.fixture
def comment(event, people):
    return services.comment_post(item=event, author=people["member"], body="Mon avis")


@pytest.fixture(autouse=True)
def _staff_powers_without_mfa(settings):
    """Staff MFA is tested in tests/accounts (and the matrix): here the moderator's powers."""
    settings.PARVIS_STAFF_MFA_REQUIRED = False


def client_as(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_as(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_reading_is_open_to_everyone(role, people, event, comment):
    client = client_as(people[role])
    key = f"agenda.event:{event.pk}"
    assert client.get(event.get_absolute_url()).status_code == 200
    assert client.get(reverse("comments:reactions", args=[key])).status_code == 200
    goto = client.get(reverse("comments:goto", args=[comment.pk]))
    assert goto.status_code == 302 and goto["Location"].endswith(f"#{comment.anchor}")
    assert api_as(people[role]).get(f"/api/commentaires/?cible={key}").status_code == 200
    assert api_as(people[role]).get(f"/api/reactions/?cible={key}").status_code == 200


@pytest.mark.parametrize(
    "role,expected",
    [
        ("visitor", 302),  # to the login page
        ("member", 302),
        ("other_member", 302),
        ("organisation_manager", 302),
        ("official", 302),
        ("moderator", 302),
    ],
)
def test_commenting(role, expected, people, event):
    response = client_as(people[role]).post(
        reverse("comments:create", args=[f"agenda.event:{event.pk}"]), {"body": "Bonjour"}
    )
    assert response.status_code == expected
    assert Comment.objects.filter(body="Bonjour").exists() == (role != "visitor")
    if role == "visitor":
        assert "/compte/login/" in response["Location"]


@pytest.mark.parametrize(
    "role,edit,delete",
    [
        ("visitor", 302, 302),  # to the login page
        ("member", 200, 200),  # the author
        ("other_member", 404, 404),
        ("organisation_manager", 404, 404),
        ("official", 404, 404),
        ("moderator", 404, 200),  # removes with a reason, never edits
    ],
)
def test_editing_and_deleting_a_comment(role, edit, delete, people, comment):
    client = client_as(people[role])
    assert client.get(reverse("comments:edit", args=[comment.pk])).status_code == edit
    assert client.get(reverse("comments:delete", args=[comment.pk])).status_code == delete
    client.post(reverse("comments:edit", args=[comment.pk]), {"body": "Piraté"})
    comment.refresh_from_db()
    assert (comment.body == "Piraté") == (role == "member")


@pytest.mark.parametrize("role", ROLES)
def test_reacting(role, people, event):
    client_as(people[role]).post(
        reverse("comments:react", args=[f"agenda.event:{event.pk}"]), {"kind": "like"}
    )
    # Visitors log in first; the organiser does not react to their own event.
    expected = role not in ("visitor", "organisation_manager")
    assert (
        Reaction.objects.filter(user=people[role]).exists() == expected
        if people[role]
        else (not Reaction.objects.exists())
    )


@pytest.mark.parametrize("role", ROLES)
def test_my_subscriptions_page(role, people):
    response = client_as(people[role]).get(reverse("news:follows"))
    assert response.status_code == (302 if role == "visitor" else 200)


@pytest.mark.parametrize("role", ROLES)
def test_share_on_mastodon_asks_the_instance(role, people):
    client = client_as(people[role])
    response = client.get(
        reverse("share_mastodon"), {"instance": "@moi@Mastodon.Social", "texte": "Concert"}
    )
    assert response.status_code == 302
    assert response["Location"] == "https://mastodon.social/share?text=Concert"
    bad = client.get(reverse("share_mastodon"), {"instance": "javascript:alert(1)", "texte": "x"})
    assert bad.status_code == 400
    assert "Type the address of your Mastodon instance" in bad.content.decode()


# --- the API ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,create,edit,remove,delete",
    [
        ("visitor", 401, 401, 401, 401),
        # The author: edits, then removes their comment; deleting it again says it is gone.
        ("member", 201, 200, 200, 400),
        ("other_member", 201, 403, 403, 403),
        ("organisation_manager", 201, 403, 403, 403),
        ("official", 201, 403, 403, 403),
        # A moderator removes with a reason, and never deletes as if they were the author.
        ("moderator", 201, 403, 200, 403),
    ],
)
def test_comments_api(role, create, edit, remove, delete, people, event, comment):
    api = api_as(people[role])
    key = f"agenda.event:{event.pk}"
    posted = api.post("/api/commentaires/", {"target": key, "body": "Via l'API"})
    assert posted.status_code == create
    url = f"/api/commentaires/{comment.pk}/"
    assert api.patch(url, {"body": "Changé"}).status_code == edit
    assert api.post(f"{url}retirer/", {"reason": "Hors sujet"}).status_code == remove
    assert api.delete(url).status_code == delete
    comment.refresh_from_db()
    assert (comment.deleted_at is not None) == (remove == 200)


@pytest.mark.parametrize("role", ROLES)
def test_reactions_and_follows_api(role, people, event):
    api = api_as(people[role])
    key = f"agenda.event:{event.pk}"
    reacted = api.post("/api/reactions/", {"target": key, "kind": "thanks"})
    followed = api.post("/api/abonnements/", {"kind": "member", "target_id": people["member"].pk})
    listed = api.get("/api/abonnements/")
    if role == "visitor":
        assert reacted.status_code == followed.status_code == listed.status_code == 401
        return
    if role == "organisation_manager":
        assert reacted.status_code == 400  # their own event
    else:
        assert reacted.status_code == 200
        assert reacted.json()["counts"][1] == {
            "kind": "thanks",
            "label": "Thanks",
            "emoji": "❤️",
            "count": 1,
            "mine": True,
        }
    if role == "member":
        assert followed.status_code == 400  # not themselves
    else:
        assert followed.status_code == 201
        follow = Follow.objects.get(user=people[role])
        assert api.delete(f"/api/abonnements/{follow.pk}/").status_code == 204
        assert not Follow.objects.filter(user=people[role]).exists()
    assert listed.status_code == 200

"""Bad input answers with a clear message and changes nothing."""

import pytest

from parvis.groups import services
from parvis.groups.models import Group, Message, Thread

pytestmark = pytest.mark.django_db


def thread_url(thread, suffix=""):
    return f"/groupes/{thread.group.slug}/discussions/{thread.pk}/{suffix}"


def snapshot():
    return (
        list(Message.objects.order_by("pk").values()),
        list(Thread.objects.order_by("pk").values()),
        list(Group.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("", "Write your message."),
        ("   \n  ", "Write your message."),
        ("x" * 20001, "at most 20000 characters"),
    ],
)
def test_empty_or_huge_replies_are_refused(thread, member, login, body, error):
    before = snapshot()
    response = login(member).post(thread_url(thread, "repondre/"), {"body": body})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert snapshot() == before


def test_a_nul_character_is_refused_not_a_500(thread, member, login):
    before = snapshot()
    response = login(member).post(thread_url(thread, "repondre/"), {"body": "a\x00b"})
    assert response.status_code == 400
    assert snapshot() == before


def test_hostile_markdown_is_sanitised(thread, member, login):
    hostile = (
        '<script>alert(1)</script><img src=x onerror="alert(2)">'
        "[clic](javascript:alert(3)) <iframe src='https://evil.example'></iframe>"
        '<a href="https://example.org" onclick="alert(4)">lien</a>'
    )
    login(member).post(thread_url(thread, "repondre/"), {"body": hostile})
    message = Message.objects.get(thread=thread, position=2)
    html = login(member).get(thread_url(thread)).content.decode()
    for needle in ("<script>alert", "onerror", "javascript:", "<iframe", "onclick"):
        assert needle not in message.body_html
        assert needle not in html
    assert 'href="https://example.org"' in message.body_html


def test_posting_in_a_locked_thread_is_refused(thread, member, owner, login):
    services.thread_lock(thread=thread, actor=owner)
    before = snapshot()
    response = login(member).post(thread_url(thread, "repondre/"), {"body": "Encore"}, follow=True)
    assert "locked" in response.content.decode()
    assert snapshot() == before


def test_posting_in_a_closed_group_is_refused(thread, member, moderator, login):
    services.group_close(group=thread.group, moderator=moderator, reason="Pause.")
    before = snapshot()
    client = login(member)
    response = client.post(thread_url(thread, "repondre/"), {"body": "Encore"}, follow=True)
    assert response.status_code == 200
    assert snapshot() == before
    response = client.post(
        f"/groupes/{thread.group.slug}/discussions/nouvelle/", {"title": "T", "body": "B"}
    )
    assert response.status_code == 403
    assert "closed" in response.content.decode()
    assert snapshot() == before


def test_replying_to_a_deleted_message_is_refused(thread, member, owner, login):
    first = thread.messages.get(position=1)
    services.message_delete(message=first, actor=owner)
    before = snapshot()
    client = login(member)
    response = client.get(thread_url(thread, f"repondre/?citer={first.pk}"), follow=True)
    assert "cannot be quoted" in response.content.decode()
    response = client.post(
        thread_url(thread, "repondre/"), {"body": "Je cite", "quoted": first.pk}, follow=True
    )
    assert "cannot be quoted" in response.content.decode()
    assert snapshot() == before


def test_quoting_a_message_of_another_thread_is_refused(thread, public_thread, member, login):
    other = public_thread.messages.get(position=1)
    before = snapshot()
    response = login(member).post(
        thread_url(thread, "repondre/"), {"body": "Je cite", "quoted": other.pk}, follow=True
    )
    assert "not in this discussion" in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("quoted", ["abc", "-1", "99999999999999999999"])
def test_bogus_quoted_ids_are_refused(thread, member, login, quoted):
    before = snapshot()
    response = login(member).post(
        thread_url(thread, "repondre/"), {"body": "Je cite", "quoted": quoted}, follow=True
    )
    assert response.status_code in (200, 400)
    assert snapshot() == before


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999", "1e9", ""])
def test_bogus_pages_show_a_page(thread, member, login, page):
    response = login(member).get(thread_url(thread) + f"?page={page}")
    assert response.status_code == 200
    assert "ordre du jour proposé" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["theme=nope", "commune=abc", "epci=999999", "q=" + "x" * 500, "page=-1", "mine=maybe"],
)
def test_bogus_filters_on_the_group_list(client, public_group, query):
    response = client.get(f"/groupes/?{query}")
    assert response.status_code == 200


def test_bogus_search_queries(client, login, member, public_thread):
    for query in ("", "q=%00", "q=" + "é" * 300, "q=:*&|!", "page=abc&q=graines"):
        assert client.get(f"/groupes/recherche/?{query}").status_code == 200
        assert (
            client.get(f"/groupes/{public_thread.group.slug}/recherche/?{query}").status_code == 200
        )


def test_an_empty_or_huge_thread_title_is_refused(private_group, member, login):
    before = snapshot()
    client = login(member)
    url = f"/groupes/{private_group.slug}/discussions/nouvelle/"
    response = client.post(url, {"title": "  ", "body": "Texte"})
    assert response.status_code == 200 and "Give a title." in response.content.decode()
    response = client.post(url, {"title": "T" * 201, "body": "Texte"})
    assert "at most 200 characters" in response.content.decode()
    assert snapshot() == before


def test_editing_to_an_empty_message_is_refused(thread, member, login):
    reply = services.message_post(thread=thread, author=member, body="Avant")
    response = login(member).post(
        thread_url(thread, f"messages/{reply.pk}/modifier/"), {"body": ""}
    )
    assert response.status_code == 400
    assert Message.objects.get(pk=reply.pk).body == "Avant"


def test_a_moderator_deletion_without_reason_changes_nothing(
    thread, member, group_moderator, login
):
    reply = services.message_post(thread=thread, author=member, body="Contestable")
    response = login(group_moderator).post(
        thread_url(thread, f"messages/{reply.pk}/supprimer/"), {"reason": ""}
    )
    assert "Give the reason" in response.content.decode()
    assert Message.objects.get(pk=reply.pk).deleted_at is None


def test_deleting_a_deleted_message_says_so(thread, member, login):
    reply = services.message_post(thread=thread, author=member, body="Effacé")
    services.message_delete(message=reply, actor=member)
    response = login(member).post(
        thread_url(thread, f"messages/{reply.pk}/supprimer/"), follow=True
    )
    assert "already deleted" in response.content.decode()


def test_the_group_form_reports_bad_input(resident, login, oise):
    client = login(resident)
    response = client.post(
        "/groupes/nouveau/",
        {
            "name": "",
            "theme": "nope",
            "visibility": "secret",
            "join_policy": "public",
            "commune": "Ville inconnue",
            "epci": "abc",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "nothing was saved" in body
    assert "No commune of our territory matches" in body
    assert not Group.objects.exists()


def test_a_group_cannot_have_both_a_commune_and_an_epci(resident, login, oise):
    response = login(resident).post(
        "/groupes/nouveau/",
        {
            "name": "Groupe",
            "theme": "sport",
            "visibility": "public",
            "join_policy": "open",
            "commune": "Beauvais",
            "epci": oise["epcis"][0].pk,
        },
    )
    assert "not both" in response.content.decode()
    assert not Group.objects.exists()


def test_an_image_that_is_not_one_is_refused(resident, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    response = login(resident).post(
        "/groupes/nouveau/",
        {
            "name": "Groupe",
            "theme": "sport",
            "visibility": "public",
            "join_policy": "open",
            "image": fake,
        },
    )
    assert "not a valid image" in response.content.decode()
    assert not Group.objects.exists()

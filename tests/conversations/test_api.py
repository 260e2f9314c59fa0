"""The private messages' API: the same rules and refusals as the pages."""

import pytest

from parvis.conversations import services
from parvis.conversations.models import Conversation, Message

pytestmark = pytest.mark.django_db


def test_the_visitor_is_refused(client):
    assert client.get("/api/messages/").status_code in (401, 403)
    assert client.post("/api/messages/", {"body": "x"}).status_code in (401, 403)


def test_a_member_writes_to_an_association_and_reads_the_answer(
    login, resident, association, association_manager, django_capture_on_commit_callbacks
):
    client = login(resident)
    response = client.post(
        "/api/messages/",
        {"organisation": association.slug, "subject": "Adhésion", "body": "Bonjour"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["with"] == ["Les Amis du Beauvaisis"] and data["unread"] is False
    pk = data["id"]

    manager = login(association_manager)
    listed = manager.get("/api/messages/").json()["results"]
    assert [item["id"] for item in listed] == [pk] and listed[0]["unread"] is True
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(
            f"/api/messages/{pk}/messages/", {"body": "Bienvenue"}, content_type="application/json"
        )
    assert response.status_code == 201
    assert response.json()["sender"] == "Les Amis du Beauvaisis"
    assert manager.post(f"/api/messages/{pk}/lu/").status_code == 204

    client = login(resident)
    assert client.get("/api/messages/").json()["results"][0]["unread"] is True
    messages = client.get(f"/api/messages/{pk}/messages/").json()["results"]
    assert [(m["sender"], m["body"], m["mine"]) for m in messages] == [
        ("Camille Martin", "Bonjour", True),
        ("Les Amis du Beauvaisis", "Bienvenue", False),
    ]
    assert client.post(f"/api/messages/{pk}/lu/").status_code == 204
    assert client.get(f"/api/messages/{pk}/").json()["unread"] is False


def test_refusals_are_the_services_in_french(login, resident, other_resident):
    services.preference_set(user=other_resident, accept_from="nobody")
    response = login(resident).post(
        "/api/messages/",
        {"recipients": [other_resident.pk], "body": "Bonjour"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Hugo Lefebvre ne reçoit pas de messages privés." in str(response.json())
    assert not Conversation.objects.exists()
    response = login(resident).post(
        "/api/messages/", {"body": "Bonjour"}, content_type="application/json"
    )
    assert response.status_code == 400 and "Choisissez à qui écrire." in str(response.json())


def test_others_conversations_answer_404(login, start, resident, other_resident, third_resident):
    conversation = start(resident, recipients=[other_resident])
    client = login(third_resident)
    assert client.get(f"/api/messages/{conversation.pk}/").status_code == 404
    assert client.get(f"/api/messages/{conversation.pk}/messages/").status_code == 404
    response = client.post(
        f"/api/messages/{conversation.pk}/messages/",
        {"body": "Intrus"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert client.post(f"/api/messages/{conversation.pk}/lu/").status_code == 404
    assert Message.objects.count() == 1


def test_an_image_is_sent_as_multipart_and_a_fake_one_refused(
    login, start, resident, other_resident, image
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    conversation = start(resident, recipients=[other_resident])
    client = login(resident)
    url = f"/api/messages/{conversation.pk}/messages/"
    response = client.post(url, {"body": "", "image": image()})
    assert response.status_code == 201 and response.json()["image_url"].endswith(
        f"/images/{Message.objects.latest('pk').pk}/"
    )
    fake = SimpleUploadedFile("x.gif", b"GIF89a-not-really", "image/gif")
    response = client.post(url, {"body": "", "image": fake})
    assert response.status_code == 400 and "image valide" in str(response.json())


def test_the_schema_documents_the_messages(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/messages/",
        "/api/messages/{id}/",
        "/api/messages/{id}/messages/",
        "/api/messages/{id}/lu/",
    ):
        assert path in schema


def test_a_blocked_member_is_refused_and_the_team_reads_through_the_api(
    login, start, resident, other_resident, official, moderator
):
    private = start(resident, recipients=[other_resident])
    to_official = start(resident, official=official, body="Question sur la voirie")
    services.block_create(blocker=resident, blocked=other_resident)
    response = login(other_resident).post(
        f"/api/messages/{private.pk}/messages/", {"body": "Re"}, content_type="application/json"
    )
    assert response.status_code == 400 and "accepte pas vos messages" in str(response.json())
    assert Message.objects.filter(conversation=private).count() == 1

    team = login(official)
    assert [item["id"] for item in team.get("/api/messages/").json()["results"]] == [to_official.pk]
    assert team.get(f"/api/messages/{private.pk}/").status_code == 404
    staff = login(moderator)
    assert staff.get("/api/messages/").json()["results"] == []
    assert staff.get(f"/api/messages/{to_official.pk}/messages/").status_code == 404

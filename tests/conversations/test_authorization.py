"""Who may open each route of the private messages: the visitor is sent to log in; a
participant may; another member, a moderator (who never reads conversations) get a 404; a
blocked member keeps reading what was said but cannot write; an organisation's manager and an
elected official read what is written to them."""

import pytest

from parvis.conversations import services
from parvis.conversations.models import Message
from parvis.moderation.models import ModerationCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(start, resident, other_resident, association, association_manager, official, image):
    from ..agenda.conftest import create_event

    private = start(resident, recipients=[other_resident], attachment=image())
    with_organisation = start(resident, organisation=association)
    with_official = start(resident, official=official)
    event = create_event(created_by=resident, commune=resident.commune)
    return {
        "private": private,
        "organisation": with_organisation,
        "official": with_official,
        "image": Message.objects.get(conversation=private),
        "event": event,
    }


def routes(world, association, official, target):
    private, image = world["private"], world["image"]
    return {
        "list": ("get", "/messages/"),
        "compose": ("get", f"/messages/nouveau/?a={target.pk}"),
        "organisation": ("get", f"/messages/association/{association.slug}/"),
        "official": ("get", f"/messages/elu/{official.pk}/"),
        "event": ("get", f"/messages/evenement/{world['event'].pk}/"),
        "settings": ("get", "/messages/reglages/"),
        "block": ("post", f"/messages/bloquer/{target.pk}/"),
        "unblock": ("post", f"/messages/debloquer/{target.pk}/"),
        "detail": ("get", f"/messages/{private.pk}/"),
        "leave": ("post", f"/messages/{private.pk}/quitter/"),
        "attachment": ("get", f"/messages/{private.pk}/images/{image.pk}/"),
    }


def call(client, method, url):
    return getattr(client, method)(url)


def test_the_visitor_is_sent_to_log_in_everywhere(
    client, world, association, official, other_resident
):
    for name, (method, url) in routes(world, association, official, other_resident).items():
        response = call(client, method, url)
        assert response.status_code == 302, name
        assert response.url.startswith("/compte/login/"), name


def test_a_participant_opens_every_route(
    login, world, association, official, other_resident, resident
):
    client = login(other_resident)
    expected = {
        "event": 404,  # not the event's organiser
        "block": 302,
        "unblock": 302,
        "leave": 302,
    }
    for name, (method, url) in routes(world, association, official, resident).items():
        if name == "leave":
            continue
        response = call(client, method, url)
        assert response.status_code == expected.get(name, 200), name
    assert login(resident).get(f"/messages/evenement/{world['event'].pk}/").status_code == 200
    response = client.post(f"/messages/{world['private'].pk}/quitter/")
    assert response.status_code == 302
    assert client.get(f"/messages/{world['private'].pk}/").status_code == 404


def test_another_member_gets_404_on_the_conversation(
    login, world, association, official, third_resident
):
    client = login(third_resident)
    private, image = world["private"], world["image"]
    for method, url in (
        ("get", f"/messages/{private.pk}/"),
        ("post", f"/messages/{private.pk}/"),
        ("post", f"/messages/{private.pk}/quitter/"),
        ("get", f"/messages/{private.pk}/images/{image.pk}/"),
        ("get", f"/messages/{world['organisation'].pk}/"),
        ("get", f"/messages/{world['official'].pk}/"),
    ):
        assert call(client, method, url).status_code == 404, url
    assert Message.objects.filter(conversation=private).count() == 1


def test_a_blocked_member_reads_but_cannot_write(login, world, resident, other_resident):
    services.block_create(blocker=resident, blocked=other_resident)
    client = login(other_resident)
    private = world["private"]
    assert client.get(f"/messages/{private.pk}/").status_code == 200
    response = client.post(f"/messages/{private.pk}/", {"body": "Tu es là ?"})
    assert response.status_code == 200
    assert "n’accepte pas vos messages" in response.content.decode()
    assert Message.objects.filter(conversation=private).count() == 1
    page = client.get(f"/messages/nouveau/?a={resident.pk}").content.decode()
    assert "Camille Martin n’accepte pas vos messages." in page


def test_the_organisation_manager_reads_what_is_written_to_the_organisation(
    login, world, association_manager
):
    client = login(association_manager)
    assert client.get(f"/messages/{world['organisation'].pk}/").status_code == 200
    assert client.get(f"/messages/{world['private'].pk}/").status_code == 404
    assert client.get(f"/messages/{world['official'].pk}/").status_code == 404


def test_the_official_reads_what_is_written_to_them(login, world, official):
    client = login(official)
    assert client.get(f"/messages/{world['official'].pk}/").status_code == 200
    assert client.get(f"/messages/{world['private'].pk}/").status_code == 404
    assert client.get(f"/messages/{world['organisation'].pk}/").status_code == 404


def test_a_moderator_never_reads_a_conversation(login, world, moderator, other_resident, report):
    client = login(moderator)
    image = world["image"]
    for key in ("private", "organisation", "official"):
        assert client.get(f"/messages/{world[key].pk}/").status_code == 404, key
    url = f"/messages/{world['private'].pk}/images/{image.pk}/"
    assert client.get(url).status_code == 404
    assert client.get("/api/messages/").json()["results"] == []
    assert client.get(f"/api/messages/{world['private'].pk}/").status_code == 404
    # Once the message is reported, its image (and only it) is shown to moderators.
    report(other_resident, image)
    assert ModerationCase.objects.count() == 1
    assert client.get(url).status_code == 200
    assert client.get(f"/messages/{world['private'].pk}/").status_code == 404

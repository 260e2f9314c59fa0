"""The pages of the private messages: post/redirect/get, the header's badge, the list and its
search, a conversation, the "write" pages, the settings; query counts pinned at two volumes."""

import pytest

from parvis.conversations import services
from parvis.conversations.models import Block, Conversation, Message, MessagingPreference

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sending_redirects_to_the_new_message(login, start, resident, other_resident):
    conversation = start(resident, recipients=[other_resident])
    client = login(other_resident)
    response = client.post(conversation.get_absolute_url(), {"body": "Avec plaisir"})
    message = Message.objects.latest("pk")
    assert response.status_code == 302
    assert response.url == f"/messages/{conversation.pk}/#message-{message.pk}"
    page = client.get(response.url).content.decode()
    assert "Votre message a été envoyé." in page and "Avec plaisir" in page


def test_a_participants_mention_links_to_their_profile_and_text_stays_text(
    login, start, resident, other_resident
):
    conversation = start(
        resident,
        recipients=[other_resident],
        body="Bonjour @hugo-lefebvre, <b>merci</b> ! @inconnu-total",
    )
    page = login(other_resident).get(conversation.get_absolute_url()).content.decode()
    assert f'<a href="{other_resident.get_absolute_url()}">@Hugo Lefebvre</a>' in page
    assert "&lt;b&gt;merci&lt;/b&gt;" in page and "@inconnu-total" in page


def test_a_refused_message_shows_the_reason_and_stores_nothing(
    login, start, resident, other_resident
):
    conversation = start(resident, recipients=[other_resident])
    services.block_create(blocker=resident, blocked=other_resident)
    response = login(other_resident).post(conversation.get_absolute_url(), {"body": "Re"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Votre message n’a pas été envoyé." in page
    assert "n’accepte pas vos messages" in page
    assert Message.objects.count() == 1


def test_an_oversize_message_is_refused_on_the_form(login, start, resident, other_resident):
    conversation = start(resident, recipients=[other_resident])
    response = login(resident).post(conversation.get_absolute_url(), {"body": "x" * 5001})
    assert "Le message est trop long" in response.content.decode()
    assert Message.objects.count() == 1


def test_a_file_that_is_not_an_image_is_refused(login, start, resident, other_resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    conversation = start(resident, recipients=[other_resident])
    upload = SimpleUploadedFile("facture.png", b"%PDF-1.4 not an image", "image/png")
    response = login(resident).post(
        conversation.get_absolute_url(), {"body": "Voici", "attachment": upload}
    )
    assert "n’est pas une image valide" in response.content.decode()
    assert Message.objects.count() == 1


def test_the_header_shows_unread_conversations(login, start, resident, other_resident):
    client = login(other_resident)
    assert "conversations non lues" not in client.get("/").content.decode()
    conversation = start(resident, recipients=[other_resident])
    home = client.get("/").content.decode()
    assert '<span class="badge">1<span class="visually-hidden"> conversations non lues' in home
    client.get(conversation.get_absolute_url())
    assert "conversations non lues" not in client.get("/").content.decode()


def test_the_list_searches_subjects_names_and_messages(login, start, resident, beauvais):
    lucie = UserFactory(first_name="Lucie", last_name="Garnier", commune=beauvais)
    marc = UserFactory(first_name="Marc", last_name="Petit", commune=beauvais)
    start(resident, recipients=[lucie], subject="Covoiturage", body="Départ 8 h")
    start(resident, recipients=[marc], subject="Bricolage", body="La perceuse est prête")
    client = login(resident)
    for query, shown, hidden in (
        ("covoit", "Covoiturage", "Bricolage"),
        ("Petit", "Bricolage", "Covoiturage"),
        ("perceuse", "Bricolage", "Covoiturage"),
    ):
        page = client.get("/messages/", {"q": query}).content.decode()
        assert shown in page and hidden not in page, query
    assert "Aucune conversation ne correspond" in client.get("/messages/?q=zzz").content.decode()


def _volume(start, send, resident, count, beauvais):
    for index in range(count):
        other = UserFactory(commune=beauvais)
        conversation = start(resident, recipients=[other], subject=f"Sujet {index}")
        for _ in range(2):
            send(conversation, other)
    return conversation


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_costs_the_same_whatever_the_number_of_conversations(
    login, start, send, resident, beauvais, count, django_assert_max_num_queries
):
    _volume(start, send, resident, count, beauvais)
    client = login(resident)
    client.get("/")  # the session's bookkeeping
    # The session and the member, the count, the page, its participants.
    with django_assert_max_num_queries(5):
        response = client.get("/messages/")
    assert response.content.decode().count('class="unread"') == count


@pytest.mark.parametrize("count", [3, 40])
def test_a_conversation_costs_the_same_whatever_the_number_of_messages(
    settings, login, start, send, resident, other_resident, count, django_assert_max_num_queries
):
    conversation = start(resident, recipients=[other_resident])
    Message.objects.bulk_create(
        [
            Message(conversation=conversation, sender=other_resident, body=f"Message {index}")
            for index in range(count)
        ]
    )
    client = login(resident)
    client.get("/")
    # The session and the member, the conversation and its participants, the member's row,
    # the count and the page of messages, marking it read.
    with django_assert_max_num_queries(8):
        response = client.get(conversation.get_absolute_url())
    page = response.content.decode()
    assert f"Message {count - 1}" in page  # the latest page by default


def test_profile_organisation_and_official_pages_link_to_writing(
    client, login, resident, other_resident, association, official
):
    member = login(resident)
    profile = member.get(other_resident.get_absolute_url()).content.decode()
    assert f'href="/messages/nouveau/?a={other_resident.pk}"' in profile
    assert "/messages/nouveau/" not in member.get(resident.get_absolute_url()).content.decode()
    organisation = member.get(association.get_absolute_url()).content.decode()
    assert f'href="/messages/association/{association.slug}/"' in organisation
    assert "Contacter l’association" in organisation
    page = member.get(f"/elus/{official.pk}/").content.decode()
    assert f'href="/messages/elu/{official.pk}/"' in page and "Écrire à l’élu" in page


def test_writing_from_a_profile(login, resident, other_resident):
    client = login(resident)
    url = f"/messages/nouveau/?a={other_resident.pk}"
    page = client.get(url).content.decode()
    assert "Hugo Lefebvre" in page
    response = client.post(url, {"subject": "Vélo", "body": "Bonjour Hugo"})
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response.url == conversation.get_absolute_url()


def test_the_compose_page_adds_members_by_name_and_states_refusals(
    login, resident, other_resident, third_resident
):
    MessagingPreference.objects.create(user=third_resident, accept_from="nobody")
    client = login(resident)
    page = client.get(
        "/messages/nouveau/", {"a": other_resident.pk, "cherche": "Roux"}
    ).content.decode()
    assert f"a={other_resident.pk}&amp;a={third_resident.pk}" in page
    page = client.get(
        f"/messages/nouveau/?a={other_resident.pk}&a={third_resident.pk}"
    ).content.decode()
    assert "Inès Roux ne reçoit pas de messages privés." in page
    assert "<textarea" not in page  # no form while someone refuses
    response = client.post(
        f"/messages/nouveau/?a={other_resident.pk}&a={third_resident.pk}", {"body": "Salut"}
    )
    assert response.status_code == 200 and not Conversation.objects.exists()


def test_a_closed_organisation_says_so(login, resident, association, association_manager):
    services.organisation_contact_set(
        organisation=association, actor=association_manager, open=False
    )
    page = login(resident).get(f"/messages/association/{association.slug}/").content.decode()
    assert "ne reçoit pas de messages privés" in page and "<textarea" not in page


def test_settings_choose_who_writes_and_list_blocks(login, resident, other_resident):
    client = login(resident)
    response = client.post(
        "/messages/reglages/", {"action": "preference", "accept_from": "followed"}
    )
    assert response.status_code == 302
    assert MessagingPreference.objects.get(user=resident).accept_from == "followed"
    client.post(f"/messages/bloquer/{other_resident.pk}/")
    page = client.get("/messages/reglages/").content.decode()
    assert "Hugo Lefebvre" in page and "Débloquer" in page
    client.post(f"/messages/debloquer/{other_resident.pk}/")
    assert not Block.objects.exists()


def test_an_official_adds_a_delegate_and_a_manager_closes_the_organisation(
    login, official, other_resident, association, association_manager
):
    client = login(official)
    client.post("/messages/reglages/", {"action": "delegate", "email": other_resident.email})
    page = client.get("/messages/reglages/").content.decode()
    assert "Mon équipe (élu)" in page and "Hugo Lefebvre" in page
    page = client.post(
        "/messages/reglages/", {"action": "delegate", "email": "nobody@example.org"}
    ).content.decode()
    assert "Aucun membre n’a cette adresse e-mail." in page

    manager = login(association_manager)
    manager.post(
        "/messages/reglages/", {"action": "organisation", "slug": association.slug, "open": "0"}
    )
    page = manager.get("/messages/reglages/").content.decode()
    assert "Les Amis du Beauvaisis ne reçoit pas de messages." in page


def test_an_attachment_is_served_to_participants_only(
    login, start, resident, other_resident, third_resident, image
):
    conversation = start(resident, recipients=[other_resident], attachment=image())
    message = Message.objects.get()
    url = f"/messages/{conversation.pk}/images/{message.pk}/"
    response = login(other_resident).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    assert login(third_resident).get(url).status_code == 404
    assert (
        f'href="{url}"><img'
        in login(other_resident).get(conversation.get_absolute_url()).content.decode()
    )


def test_pages_are_never_cached(login, start, resident, other_resident):
    conversation = start(resident, recipients=[other_resident])
    response = login(resident).get(conversation.get_absolute_url())
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_an_organiser_writes_to_the_participants_from_the_event_page(
    login, resident, other_resident
):
    from parvis.agenda.models import Rsvp

    from ..agenda.conftest import create_event

    event = create_event(created_by=resident, commune=resident.commune)
    Rsvp.objects.create(occurrence=event.occurrences.first(), user=other_resident)
    client = login(resident)
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'href="/messages/evenement/{event.pk}/"' in page
    response = client.post(f"/messages/evenement/{event.pk}/", {"body": "Rendez-vous à 9 h"})
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and conversation.event == event
    assert "Rendez-vous à 9 h" in login(other_resident).get(response.url).content.decode()
    participant_page = client.get(event.get_absolute_url())
    assert participant_page.status_code == 200


def test_an_official_page_offers_writing_to_others_only(login, resident, official):
    assert (
        f"/messages/elu/{official.pk}/"
        in login(resident).get(f"/elus/{official.pk}/").content.decode()
    )
    assert (
        f"/messages/elu/{official.pk}/"
        not in login(official).get(f"/elus/{official.pk}/").content.decode()
    )


def test_the_header_count_costs_one_query_then_none(
    start, resident, other_resident, django_assert_num_queries
):
    from parvis.conversations.selectors import unread_count

    start(resident, recipients=[other_resident])
    with django_assert_num_queries(1):
        assert unread_count(other_resident) == 1
    with django_assert_num_queries(0):
        assert unread_count(other_resident) == 1


def test_the_list_is_paginated(login, start, resident, beauvais):
    for index in range(21):
        start(UserFactory(commune=beauvais), recipients=[resident], subject=f"Sujet n°{index}")
    client = login(resident)
    first = client.get("/messages/").content.decode()
    assert "Sujet n°20" in first and "Sujet n°0<" not in first and "Page 1 sur 2" in first
    second = client.get("/messages/?page=2").content.decode()
    assert "Sujet n°0<" in second
    searched = client.get("/messages/?q=Sujet").content.decode()
    assert 'href="?q=Sujet&amp;page=2"' in searched

"""Personal data (export, erasure: "Compte supprimé" for the others) and moderation (a
reported message, and only it, reaches the moderators) of the private messages."""

import pytest

from parvis.conversations import selectors
from parvis.conversations.models import Block, Message, Participant
from parvis.moderation.models import ModerationCase
from parvis.privacy import services as privacy
from parvis.privacy.archive import member_data

pytestmark = pytest.mark.django_db


def test_the_export_holds_my_messages_not_the_others(start, send, resident, other_resident, image):
    conversation = start(
        resident,
        recipients=[other_resident],
        subject="Jardin",
        body="Mon texte",
        attachment=image(),
    )
    send(conversation, other_resident, body="Le texte de Hugo")
    Block.objects.create(blocker=resident, blocked=other_resident)
    data, files = member_data(resident)
    text = str(data)
    data = data["sections"]
    assert "Mon texte" in text and "Le texte de Hugo" not in text
    (sent,) = data["private_messages_sent"]
    assert sent["conversation"] == "Jardin" and sent["attachment"].startswith("files/messages/")
    assert [file.name for file in files if file.name.startswith("messages/")]
    assert data["private_conversations"][0]["conversation"] == "Jardin"
    assert data["blocked_members"][0]["blocked"] == "Hugo Lefebvre"


def test_an_erased_members_messages_read_deleted_account(
    login, start, send, resident, other_resident, django_capture_on_commit_callbacks
):
    conversation = start(resident, recipients=[other_resident], body="Bonjour Hugo")
    send(conversation, other_resident, body="Bonjour Camille")
    Block.objects.create(blocker=resident, blocked=other_resident)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.account_erase(member=resident, actor=resident)

    assert not Participant.objects.filter(user=resident).exists()
    assert not Block.objects.exists()
    page = login(other_resident).get(conversation.get_absolute_url()).content.decode()
    assert "Compte supprimé" in page and "Bonjour Hugo" in page
    assert "Camille Martin" not in page
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_a_reported_message_alone_reaches_the_moderators(
    login, start, send, resident, other_resident, moderator, report, decide
):
    conversation = start(resident, recipients=[other_resident], body="Premier message anodin")
    insult = send(conversation, resident, body="Un message insultant")
    page = login(other_resident).get(conversation.get_absolute_url()).content.decode()
    assert f"/moderation/signaler/conversations.message/{insult.pk}/" in page
    own = login(resident).get(conversation.get_absolute_url()).content.decode()
    assert "/moderation/signaler/conversations.message/" not in own  # not one's own

    client = login(other_resident)
    response = client.post(
        f"/moderation/signaler/conversations.message/{insult.pk}/",
        {"reason": "harassment", "details": "Insultes"},
    )
    assert response.status_code == 302
    case = ModerationCase.objects.get()
    assert case.object_id == insult.pk

    admin_page = login(moderator).get(f"/admin/moderation/moderationcase/{case.pk}/change/")
    html = admin_page.content.decode()
    assert "Un message insultant" in html
    assert "Premier message anodin" not in html  # never the rest of the conversation

    decide(case, moderator, "delete", ground="harassment", facts="Insultes envers un membre.")
    insult.refresh_from_db()
    assert insult.body == "" and insult.removed_at is not None
    page = login(other_resident).get(conversation.get_absolute_url()).content.decode()
    assert "Ce message a été retiré par un modérateur." in page
    assert "Un message insultant" not in page


def test_a_hidden_message_disappears_for_the_others(
    login, start, send, resident, other_resident, moderator, report, decide
):
    conversation = start(resident, recipients=[other_resident], body="Du spam ici")
    message = Message.objects.get()
    report(other_resident, message)
    decide(ModerationCase.objects.get(), moderator, "hide", ground="spam")
    assert list(selectors.messages_for(conversation, other_resident)) == []
    assert list(selectors.messages_for(conversation, resident)) == [message]


def test_outsiders_cannot_report_a_message(login, start, resident, other_resident, third_resident):
    start(resident, recipients=[other_resident])
    message = Message.objects.get()
    url = f"/moderation/signaler/conversations.message/{message.pk}/"
    assert login(third_resident).get(url).status_code == 404

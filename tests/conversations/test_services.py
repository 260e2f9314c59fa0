"""The services of the private messages: who may write to whom, what is stored, who is told,
and every refusal (nothing stored, a clear message)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from parvis.conversations import selectors, services
from parvis.conversations.models import (
    MAX_PARTICIPANTS,
    AcceptFrom,
    Conversation,
    Message,
    Participant,
)
from parvis.news.models import Follow
from parvis.notifications.models import Notification, NotificationPreference
from parvis.organisations.models import OrganisationRole

from ..agenda.conftest import create_event
from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def nothing_stored():
    return not Conversation.objects.exists() and not Message.objects.exists()


def refusal(call):
    with pytest.raises(ValidationError) as error:
        call()
    return " ".join(error.value.messages)


# --- between members -----------------------------------------------------------------------


def test_a_member_writes_to_another_who_is_told_by_email(start, resident, other_resident):
    conversation = start(
        resident, recipients=[other_resident], subject="Jardin partagé", body="Le code est 4512"
    )

    assert conversation.subject == "Jardin partagé"
    (message,) = Message.objects.all()
    assert message.sender == resident and message.body == "Le code est 4512"
    assert set(Participant.objects.values_list("user_id", flat=True)) == {
        resident.pk,
        other_resident.pk,
    }
    (notice,) = Notification.objects.filter(recipient=other_resident)
    assert notice.type_key == "conversations.new_message"
    assert not Notification.objects.filter(recipient=resident).exists()
    (email,) = mail.outbox
    assert email.to == [other_resident.email]
    assert "Camille Martin" in email.subject
    assert "4512" not in email.body  # the e-mail never carries the message itself
    assert conversation.get_absolute_url() in email.body


def test_the_daily_digest_choice_is_honoured(start, resident, other_resident):
    NotificationPreference.objects.create(
        member=other_resident, type_key="conversations.new_message", delivery="daily"
    )
    start(resident, recipients=[other_resident])
    assert Notification.objects.filter(recipient=other_resident).count() == 1
    assert mail.outbox == []


def test_unread_counts_follow_reading_and_answering(start, send, resident, other_resident):
    conversation = start(resident, recipients=[other_resident])
    assert selectors.unread_count(other_resident) == 1
    assert selectors.unread_count(resident) == 0
    participant = selectors.participation_in(conversation, other_resident)
    services.conversation_mark_read(participant=participant)
    assert selectors.unread_count(other_resident) == 0
    send(conversation, other_resident)
    assert selectors.unread_count(resident) == 1
    assert selectors.unread_count(other_resident) == 0


def test_a_small_group_has_twenty_people_at_most(start, resident, beauvais):
    others = [UserFactory(commune=beauvais) for _ in range(MAX_PARTICIPANTS)]
    message = refusal(lambda: start(resident, recipients=others))
    assert "20" in message
    assert nothing_stored()
    conversation = start(resident, recipients=others[: MAX_PARTICIPANTS - 1])
    assert conversation.participants.count() == MAX_PARTICIPANTS


def test_a_member_who_closed_messages_is_not_written_to(start, resident, other_resident):
    services.preference_set(user=other_resident, accept_from=AcceptFrom.NOBODY)
    message = refusal(lambda: start(resident, recipients=[other_resident]))
    assert message == "Hugo Lefebvre ne reçoit pas de messages privés."
    assert nothing_stored()


def test_only_followed_people_write_to_who_chose_so(start, resident, other_resident):
    services.preference_set(user=other_resident, accept_from=AcceptFrom.FOLLOWED)
    message = refusal(lambda: start(resident, recipients=[other_resident]))
    assert "personnes qu’il suit" in message or "qu'il suit" in message or "suit" in message
    assert nothing_stored()
    Follow.objects.create(user=other_resident, followed_user=resident)
    assert start(resident, recipients=[other_resident]).pk


def test_a_blocked_member_cannot_start_nor_answer(start, send, resident, other_resident):
    conversation = start(resident, recipients=[other_resident])
    services.block_create(blocker=resident, blocked=other_resident)
    before = Message.objects.count()

    message = refusal(lambda: send(conversation, other_resident, body="Encore moi"))
    assert "n’accepte pas vos messages" in message or "accepte pas vos messages" in message
    assert Message.objects.count() == before
    message = refusal(lambda: start(other_resident, recipients=[resident]))
    assert message == "Camille Martin n’accepte pas vos messages." or "Camille" in message
    assert Conversation.objects.count() == 1


def test_blocking_hides_the_members_messages_and_their_conversation(
    start, send, resident, other_resident
):
    conversation = start(other_resident, recipients=[resident], body="Message de Hugo")
    assert list(selectors.conversations_of(resident)) == [conversation]
    services.block_create(blocker=resident, blocked=other_resident)
    assert list(selectors.conversations_of(resident)) == []
    assert list(selectors.messages_for(conversation, resident)) == []
    services.block_delete(blocker=resident, blocked=other_resident)
    assert list(selectors.conversations_of(resident)) == [conversation]


def test_empty_and_oversize_bodies_are_refused(start, resident, other_resident):
    assert "Écrivez un message" in refusal(
        lambda: start(resident, recipients=[other_resident], body="  ")
    )
    message = refusal(lambda: start(resident, recipients=[other_resident], body="x" * 5001))
    assert "trop long" in message and "5000" in message.replace("\u202f", "").replace(" ", "")
    assert nothing_stored()


def test_only_images_are_attached_and_they_are_reencoded(start, resident, other_resident, image):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>", "image/jpeg")
    message = refusal(lambda: start(resident, recipients=[other_resident], attachment=fake))
    assert "n’est pas une image valide" in message or "image valide" in message
    assert nothing_stored()

    start(resident, recipients=[other_resident], body="", attachment=image())
    (stored,) = Message.objects.all()
    assert stored.attachment.name.startswith("messages/") and stored.attachment.name.endswith(
        ".jpg"
    )
    with stored.attachment.open("rb") as file:
        assert file.read(3) == b"\xff\xd8\xff"  # re-encoded as JPEG


def test_new_accounts_may_not_post_links_nor_flood(settings, start, send, resident, other_resident):
    settings.PARVIS_NEW_ACCOUNT_DAYS = 7
    links = "https://a.example https://b.example https://c.example"
    message = refusal(lambda: start(resident, recipients=[other_resident], body=links))
    assert "liens" in message
    assert nothing_stored()
    conversation = start(resident, recipients=[other_resident])
    for _ in range(settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY - 1):
        send(conversation, resident)
    message = refusal(lambda: send(conversation, resident))
    assert "compte est récent" in message
    assert Message.objects.count() == settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY


def test_floods_are_refused(start, send, resident, other_resident):
    conversation = start(resident, recipients=[other_resident])
    for _ in range(services.FLOOD_LIMIT - 1):
        send(conversation, resident)
    message = refusal(lambda: send(conversation, resident))
    assert "beaucoup de messages" in message
    assert Message.objects.count() == services.FLOOD_LIMIT


def test_only_participants_send(start, send, resident, other_resident, third_resident):
    conversation = start(resident, recipients=[other_resident])
    with pytest.raises(PermissionDenied):
        send(conversation, third_resident)


def test_leaving_stops_the_conversation(start, send, resident, other_resident):
    conversation = start(resident, recipients=[other_resident])
    services.conversation_leave(conversation=conversation, user=other_resident)
    assert list(selectors.conversations_of(other_resident)) == []
    assert "quitté" in refusal(lambda: send(conversation, resident))


# --- organisations -------------------------------------------------------------------------


def test_the_managers_answer_as_the_organisation(
    start, send, resident, association, association_manager, beauvais
):
    editor = UserFactory(commune=beauvais)
    MembershipFactory(organisation=association, user=editor, role=OrganisationRole.EDITOR)
    conversation = start(resident, organisation=association, subject="Adhésion")

    team = Participant.objects.filter(conversation=conversation, role="team")
    assert [row.user for row in team] == [association_manager]  # managers, not editors
    assert Notification.objects.filter(recipient=association_manager).count() == 1

    answer = send(conversation, association_manager, body="Bienvenue !")
    assert answer.organisation == association
    assert selectors.sender_label(answer, conversation) == "Les Amis du Beauvaisis"
    for viewer, names in (
        (resident, ["Les Amis du Beauvaisis"]),
        (association_manager, ["Camille Martin"]),
    ):
        seen = selectors.conversation_for(conversation.pk, viewer)
        assert selectors.counterparts(seen, viewer) == names
    assert selectors.unread_count(resident) == 1


def test_a_new_manager_joins_and_a_former_one_leaves_the_conversations(
    start, send, resident, association, association_manager, beauvais
):
    conversation = start(resident, organisation=association)
    newcomer = UserFactory(commune=beauvais)
    MembershipFactory(organisation=association, user=newcomer)
    association.memberships.get(user=association_manager).delete()
    # At once: the newcomer reads it, the former manager no longer lists nor reads it.
    assert selectors.participation_in(conversation, association_manager) is None
    assert list(selectors.conversations_of(association_manager)) == []
    assert list(selectors.conversations_of(newcomer)) == [conversation]
    send(conversation, resident, body="Une relance")
    assert selectors.participation_in(conversation, newcomer) is not None
    assert selectors.unread_count(newcomer) == 1
    assert selectors.unread_count(association_manager) == 0


def test_an_organisation_may_close_its_messages(start, resident, association, association_manager):
    with pytest.raises(PermissionDenied):
        services.organisation_contact_set(organisation=association, actor=resident, open=False)
    services.organisation_contact_set(
        organisation=association, actor=association_manager, open=False
    )
    message = refusal(lambda: start(resident, organisation=association))
    assert message == "Les Amis du Beauvaisis ne reçoit pas de messages privés."
    assert nothing_stored()


def test_a_pending_organisation_cannot_be_written_to(start, resident, association):
    association.status = "pending"
    association.save(update_fields=["status"])
    refusal(lambda: start(resident, organisation=association))
    assert nothing_stored()


# --- officials -----------------------------------------------------------------------------


def test_the_official_and_their_delegates_answer(start, send, resident, official, beauvais):
    aide = UserFactory(email="assistant@example.org", first_name="Paul", last_name="Aide")
    earlier = start(resident, official=official, subject="Avant l'équipe")
    services.delegation_add(official=official, email="assistant@example.org")
    assert selectors.participation_in(earlier, aide) is not None  # at once
    conversation = start(resident, official=official, subject="Voirie")

    team = set(
        Participant.objects.filter(conversation=conversation, role="team").values_list(
            "user_id", flat=True
        )
    )
    assert team == {official.pk, aide.pk}
    answer = send(conversation, aide, body="Nous transmettons.")
    assert answer.for_official
    assert selectors.sender_label(answer, conversation) == "Paul Aide pour Jean Moreau"
    services.delegation_remove(official=official, delegate_id=aide.pk)
    assert selectors.participation_in(conversation, aide) is None
    assert list(selectors.conversations_of(aide)) == []


def test_only_verified_officials_delegate_and_may_close(start, resident, other_resident, official):
    with pytest.raises(PermissionDenied):
        services.delegation_add(official=resident, email=other_resident.email)
    refusal(lambda: start(other_resident, official=resident))
    services.preference_set(
        user=official, accept_from=AcceptFrom.EVERYONE, official_contact_open=False
    )
    message = refusal(lambda: start(resident, official=official))
    assert "Jean Moreau" in message and "élu" in message
    assert nothing_stored()


# --- events --------------------------------------------------------------------------------


def test_an_organiser_writes_to_the_participants(start, resident, other_resident, third_resident):
    from parvis.agenda.models import Rsvp

    event = create_event(created_by=resident, commune=resident.commune)
    occurrence = event.occurrences.first()
    Rsvp.objects.create(occurrence=occurrence, user=other_resident)
    Rsvp.objects.create(occurrence=occurrence, user=third_resident)
    services.preference_set(user=third_resident, accept_from=AcceptFrom.NOBODY)

    conversation = start(resident, event=event, body="Rendez-vous à 9 h.")
    assert conversation.subject == event.title
    assert set(conversation.participants.values_list("user_id", flat=True)) == {
        resident.pk,
        other_resident.pk,
    }
    with pytest.raises(PermissionDenied):
        start(other_resident, event=event)

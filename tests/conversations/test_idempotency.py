"""A private message sent twice (back button, double click) is sent once."""

import pytest

from parvis.conversations.models import Conversation, Message
from tests.idempotency import (
    assert_form_has_token,
    assert_new_token_sends_again,
    assert_retry_after_error,
    assert_sent_once,
)

pytestmark = pytest.mark.django_db


def test_a_new_conversation_sent_twice_starts_once(login, resident, other_resident):
    client = login(resident)
    url = f"/messages/nouveau/?a={other_resident.pk}"
    assert_form_has_token(client, url)
    data = {"subject": "Vélo", "body": "Bonjour Hugo"}
    assert_retry_after_error(
        client, url, {"subject": "Vélo", "body": ""}, data, Conversation.objects.count
    )
    assert_sent_once(client, url, data, Conversation.objects.count)


def test_a_reply_sent_twice_is_sent_once(login, start, resident, other_resident):
    conversation = start(resident, recipients=[other_resident])
    client = login(other_resident)
    url = conversation.get_absolute_url()
    assert_form_has_token(client, url)
    data = {"body": "Avec plaisir"}
    assert_sent_once(client, url, data, Message.objects.count)
    assert_new_token_sends_again(client, url, data, Message.objects.count)
    assert_retry_after_error(client, url, {"body": ""}, data, Message.objects.count)

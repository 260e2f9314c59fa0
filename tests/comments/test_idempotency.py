"""A comment sent twice (back button, double click) is published once."""

import pytest

from parvis.comments.models import Comment
from tests.idempotency import (
    assert_form_has_token,
    assert_new_token_sends_again,
    assert_retry_after_error,
    assert_sent_once,
)

from .test_views import create_url

pytestmark = pytest.mark.django_db


def test_a_comment_sent_twice_is_published_once(event, seasoned, login):
    client = login(seasoned[0])
    assert_form_has_token(client, event.get_absolute_url())
    url = create_url(event)
    data = {"body": "Qui vient en vélo ?"}
    assert_sent_once(client, url, data, Comment.objects.count)
    assert_new_token_sends_again(client, url, data, Comment.objects.count)
    assert_retry_after_error(client, url, {"body": ""}, data, Comment.objects.count)

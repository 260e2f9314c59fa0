"""Group messages, groups, information posts and consultations joined moderation through the
registry (each app's ``content.py``): a reported message is hidden in its thread."""

import pytest

from parvis.groups import services as groups
from parvis.groups.models import Message
from parvis.moderation import registry
from parvis.moderation.models import ModerationCase

from ..groups.conftest import add_member, create_group
from .conftest import notifications_of

NOTICE = "This content was hidden by moderation"


@pytest.fixture
def thread(resident, other_resident):
    group = create_group(resident)
    add_member(group, other_resident)
    return groups.thread_create(
        group=group, author=other_resident, title="Graines", body="Des graines de **tomates**."
    )


@pytest.fixture
def message(thread):
    return Message.objects.select_related("thread__group").get(thread=thread, position=1)


def test_the_new_content_types_are_registered():
    keys = {entry.key for entry in registry.entries()}
    assert {"groups.message", "groups.group", "news.post", "consultations.consultation"} <= keys


def test_a_thread_shows_a_report_link_on_other_members_messages(login, resident, message):
    page = login(resident).get(message.thread.get_absolute_url()).content.decode()
    assert f"/moderation/signaler/groups.message/{message.pk}/" in page


def test_a_hidden_message_is_replaced_by_a_notice_in_its_thread(
    client, login, resident, other_resident, message, moderator, members, report, decide
):
    (reporter,) = members(1)
    report(reporter, message, reason="harassment", details="Rude")
    case = ModerationCase.objects.get()
    assert case.object_repr == "Graines — message 1"
    decide(case, moderator, "hide", ground="harassment", facts="Insults towards a member.")

    page = client.get(message.thread.get_absolute_url()).content.decode()
    assert NOTICE in page and "tomates" not in page
    own = login(other_resident).get(message.thread.get_absolute_url()).content.decode()
    assert "tomates" in own  # its author still sees it
    (statement,) = notifications_of(other_resident, "moderation.statement")
    assert statement.params["facts"] == "Insults towards a member."


def test_a_deleted_message_keeps_its_place(message, moderator, members, report, decide):
    (reporter,) = members(1)
    report(reporter, message)
    decide(ModerationCase.objects.get(), moderator, "delete", ground="spam", facts="Spam.")
    message.refresh_from_db()
    assert message.deleted_at is not None and message.deleted_by == moderator
    assert message.deletion_reason == "Spam."


def test_thread_query_count_does_not_depend_on_moderation(
    settings, login, resident, thread, members, report, django_assert_max_num_queries
):
    settings.PARVIS_NEW_ACCOUNT_DAYS = 0  # ten replies: beyond a new account's daily allowance
    for number in range(10):
        groups.message_post(thread=thread, author=resident, body=f"Réponse {number}")
    client = login(members(1)[0])
    client.get(thread.get_absolute_url())
    with django_assert_max_num_queries(30) as captured:
        client.get(thread.get_absolute_url())
    # The moderation state comes in the group's and the messages' own queries (EXISTS): no
    # query of its own, whatever the number of messages.
    sql = [query["sql"] for query in captured.captured_queries]
    assert not [q for q in sql if q.startswith('SELECT "moderation_moderationcase"')]
    assert len([q for q in sql if "moderation_moderationcase" in q]) <= 2

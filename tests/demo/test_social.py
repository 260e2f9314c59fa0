"""The demo's person-to-person content: comments with replies and reactions on events and
posts, follows, private conversations (one with an association, answered by its managers and
not read yet); dated before the day of the first load; loading again changes nothing."""

from io import StringIO

from django.core.management import call_command

from parvis.comments.models import Comment, Reaction
from parvis.conversations import selectors as conversation_selectors
from parvis.conversations.models import Conversation, Participant, ParticipantRole
from parvis.demo.people import first_load
from parvis.news.models import Follow


def rows():
    return (
        sorted(Comment.objects.values_list("pk", "target", "parent", "author", "created_at")),
        sorted(Reaction.objects.values_list("target", "user", "kind")),
        Follow.objects.count(),
        sorted(Conversation.objects.values_list("pk", "subject", "message_count")),
    )


def test_demo_members_comment_react_follow_and_write_to_each_other(oise):
    output = StringIO()
    call_command("load_demo", stdout=output)
    assert "conversations: 3" in output.getvalue()

    comments = Comment.objects.all()
    assert comments.filter(target__startswith="agenda.event:", parent__isnull=False).exists()
    assert comments.filter(target__startswith="news.post:").exists()
    assert all(comment.created_at < first_load() for comment in comments)
    assert Reaction.objects.filter(target__startswith="agenda.event:").exists()
    assert Reaction.objects.filter(target__startswith="comments.comment:").exists()
    assert Follow.objects.filter(followed_user__isnull=False).exists()

    with_association = Conversation.objects.get(organisation__isnull=False)
    answer = with_association.messages.order_by("created_at").last()
    assert answer.organisation_id == with_association.organisation_id
    assert Participant.objects.filter(
        conversation=with_association, role=ParticipantRole.TEAM
    ).exists()
    resident = with_association.created_by
    assert conversation_selectors.unread_count(resident) >= 1

    before = rows()
    call_command("load_demo", stdout=StringIO())
    assert rows() == before

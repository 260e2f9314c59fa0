"""Comments joined moderation (``comments/content.py``): the report link, hiding (a notice in
place for everyone but the author and staff), deletion by a decision (a placeholder, the
statement of reasons to the author), and the posting safeguards (sanctions)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from parvis.comments import services
from parvis.moderation.models import Decision
from parvis.moderation.services import case_decide, report_create

from ..moderation.helpers import hide, suspend

pytestmark = pytest.mark.django_db

NOTICE = "This content was hidden by moderation"


@pytest.fixture
def comment(event, seasoned):
    return services.comment_post(item=event, author=seasoned[0], body="Un avis tranché")


def test_comments_have_the_report_link_but_not_for_their_author(comment, event, login, seasoned):
    report_url = f"/moderation/signaler/comments.comment/{comment.pk}/"
    assert report_url in Client().get(event.get_absolute_url()).content.decode()
    assert report_url in login(seasoned[1]).get(event.get_absolute_url()).content.decode()
    assert report_url not in login(seasoned[0]).get(event.get_absolute_url()).content.decode()


def test_a_hidden_comment_shows_a_notice_except_to_its_author_and_staff(
    comment, event, login, seasoned, moderator
):
    hide(comment, moderator)
    visitor_page = Client().get(event.get_absolute_url()).content.decode()
    assert NOTICE in visitor_page and "Un avis tranché" not in visitor_page
    assert "Un avis tranché" in login(seasoned[0]).get(event.get_absolute_url()).content.decode()
    assert "Un avis tranché" in login(moderator).get(event.get_absolute_url()).content.decode()
    # Nobody replies to, or reacts to, a hidden comment (but its author and staff).
    with pytest.raises(ValidationError):
        services.comment_post(item=event, author=seasoned[1], body="Je réponds", parent=comment)


def test_a_decision_to_delete_leaves_a_placeholder_and_a_statement(
    comment, event, moderator, seasoned
):
    report = report_create(reporter=seasoned[1], obj=comment, reason="harassment")
    case_decide(
        case=report.case,
        moderator=moderator,
        action="delete",
        ground="harassment",
        facts="Propos injurieux.",
    )
    comment.refresh_from_db()
    assert comment.deleted_at is not None and comment.removed_by_moderator
    assert comment.body == "Un avis tranché"  # kept out of sight for an appeal
    html = Client().get(event.get_absolute_url()).content.decode()
    assert "This comment was removed by a moderator." in html
    assert "Un avis tranché" not in html
    decision = Decision.objects.get(case=report.case)
    assert decision.get_absolute_url().startswith("/moderation/")


def test_a_suspended_member_cannot_comment_nor_react(event, seasoned):
    resident, _other = seasoned
    suspend(resident)
    with pytest.raises(ValidationError, match="suspended"):
        services.comment_post(item=event, author=resident, body="Bonjour")
    with pytest.raises(ValidationError, match="suspended"):
        services.reaction_set(item=event, user=resident, kind="like")

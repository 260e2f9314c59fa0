"""Discussion messages join moderation: members report them; a message hidden by the
moderators is replaced by a notice (its author and the staff still see it); deleting it keeps
the thread readable."""

import pytest

from parvis.consultations.models import Comment
from parvis.consultations.services import comment_post
from parvis.moderation import registry
from parvis.moderation.models import DecisionAction, Ground, Report, ReportReason
from parvis.moderation.services import case_decide, report_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(make_consultation, resident):
    return comment_post(consultation=make_consultation(), author=resident, body="Achetez **ici**")


def test_discussion_messages_are_reportable(login, comment, resident, other_resident):
    assert registry.get_for_model(Comment) is not None
    url = comment.consultation.get_absolute_url()
    page = login(other_resident).get(url).content.decode()
    report_url = f"/moderation/signaler/consultations.comment/{comment.pk}/"
    assert report_url in page
    page = login(resident).get(url).content.decode()
    assert report_url not in page  # not on one's own message
    login(other_resident).post(report_url, {"reason": "spam"})
    assert Report.objects.filter(reporter=other_resident).count() == 1


def test_a_message_hidden_by_the_moderators_shows_a_notice(
    client, login, comment, other_resident, resident, moderator
):
    report = report_create(reporter=other_resident, obj=comment, reason=ReportReason.SPAM)
    case_decide(
        case=report.case,
        moderator=moderator,
        action=DecisionAction.HIDE,
        ground=Ground.SPAM,
        facts="Publicité sans rapport avec la consultation.",
    )
    url = comment.consultation.get_absolute_url()

    page = client.get(url).content.decode()
    assert "hidden by moderation" in page and "Achetez" not in page
    assert "Achetez" in login(resident).get(url).content.decode()  # its author
    assert "Achetez" in login(moderator).get(url).content.decode()


def test_a_message_deleted_by_the_moderators_leaves_a_notice(
    client, comment, other_resident, moderator
):
    report = report_create(reporter=other_resident, obj=comment, reason=ReportReason.SPAM)
    case_decide(
        case=report.case,
        moderator=moderator,
        action=DecisionAction.DELETE,
        ground=Ground.SPAM,
        facts="Publicité.",
    )
    comment.refresh_from_db()
    assert comment.is_deleted
    page = client.get(comment.consultation.get_absolute_url()).content.decode()
    assert "Deleted by the moderators." in page and "Achetez" not in page

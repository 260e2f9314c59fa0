"""Questions joined moderation and the personal-data registry (``questions/content.py``)."""

from django.urls import reverse

from parvis.privacy.services import account_erase
from parvis.questions.models import Question, QuestionStatus, Support

from ..moderation.helpers import hide


def test_a_published_question_has_the_report_link(visitor, make_question):
    question = make_question()
    page = visitor.get(question.get_absolute_url()).content.decode()
    assert f"/moderation/signaler/questions.question/{question.pk}/" in page


def test_a_hidden_question_shows_a_notice_and_leaves_the_list(visitor, make_question, moderator):
    question = make_question(title="Une question masquée par la modération ?")
    hide(question, moderator)
    assert "masquée" not in visitor.get(reverse("questions:index")).content.decode()
    assert (
        "This content was hidden by moderation"
        in visitor.get(question.get_absolute_url()).content.decode()
    )


def test_erasing_the_author_keeps_published_questions_anonymously_and_deletes_the_others(
    make_question, resident, other_resident
):
    published = make_question()
    pending = make_question(status=QuestionStatus.PENDING)
    other = make_question(author=other_resident, commune=other_resident.commune)
    Support.objects.create(question=other, member=resident)
    Question.objects.filter(pk=other.pk).update(support_count=1)
    account_erase(member=resident, actor=resident)
    published.refresh_from_db()
    assert published.author is None
    assert not Question.objects.filter(pk=pending.pk).exists()
    other.refresh_from_db()
    assert other.support_count == 0

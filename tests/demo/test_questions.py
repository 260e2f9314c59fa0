"""The demo's questions to the elected officials: answered ones, ones awaiting an answer, one
in the moderators' queue, dated from the day the demo is loaded; loading again changes
nothing."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from parvis.questions.models import Question, QuestionStatus
from parvis.questions.selectors import officials_for


def rows():
    return sorted(Question.objects.values_list("pk", "title", "status", "support_count"))


def test_demo_questions_show_each_status_and_respect_who_may_be_asked(db):
    call_command("import_territory", "60", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    questions = list(Question.objects.select_related("author", "official", "institution"))
    statuses = {question.status for question in questions}
    assert {QuestionStatus.ANSWERED, QuestionStatus.PUBLISHED, QuestionStatus.PENDING} <= statuses
    assert any(question.institution_id for question in questions)
    now = timezone.now()
    for question in questions:
        if question.official_id:
            # Each resident asked an official who represents them.
            assert officials_for(question.author).filter(pk=question.official_id).exists()
        if question.published_at:
            assert now - dt.timedelta(days=40) < question.published_at < now
        assert question.support_count == question.supports.count()
    answered = [q for q in questions if q.status == QuestionStatus.ANSWERED]
    assert all(q.answer and q.answered_at > q.published_at for q in answered)

    before = rows()
    call_command("load_demo", stdout=StringIO())
    assert rows() == before

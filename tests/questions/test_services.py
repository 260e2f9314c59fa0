"""Asking, moderating, supporting, following, answering and closing, through the services that
the pages, the API and the admin share."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parvis.moderation.models import AuditEntry
from parvis.notifications.models import Notification
from parvis.questions import selectors, services
from parvis.questions.models import AnswerRevision, Question, QuestionStatus, Support, Theme
from tests.factories import UserFactory

VALID = {
    "theme": Theme.ROADS,
    "title": "Quand la rue Gambetta sera-t-elle refaite ?",
    "body": "La chaussée est dégradée depuis l'hiver dernier, avec des nids-de-poule.",
}


def test_a_resident_asks_their_mayor_and_the_question_awaits_moderation(resident, mayor):
    question = services.question_ask(author=resident, official=mayor, **VALID)
    assert question.status == QuestionStatus.PENDING
    assert question.commune == resident.commune
    assert question.published_at is None
    # The author follows their own question.
    assert question.follows.filter(member=resident).exists()
    # Nobody but the author, the person asked and the moderators reads it yet.
    assert not selectors.question_is_visible_to(question, UserFactory(commune=resident.commune))
    assert selectors.question_is_visible_to(question, mayor)


def test_only_the_officials_who_represent_the_resident_may_be_asked(
    resident, official, councillor, council
):
    # ``official`` is the mayor of Compiègne; Camille lives in Beauvais.
    with pytest.raises(ValidationError) as error:
        services.question_ask(author=resident, official=official, **VALID)
    assert "addressee" in error.value.message_dict
    assert not Question.objects.exists()
    # A departmental councillor and the council represent every resident.
    assert services.question_ask(author=resident, official=councillor, **VALID).pk
    assert services.question_ask(author=resident, institution=council, **VALID).pk


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": "Route ?"}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"body": "Trop court."}, "body"),
        ({"body": "x" * 2001}, "body"),
        ({"theme": "weather"}, "theme"),
    ],
)
def test_a_question_outside_the_rules_is_refused_by_field_and_nothing_is_stored(
    resident, mayor, changes, field
):
    with pytest.raises(ValidationError) as error:
        services.question_ask(author=resident, official=mayor, **{**VALID, **changes})
    assert field in error.value.message_dict
    assert not Question.objects.exists()


def test_a_member_without_a_commune_is_told_to_give_it(oise, mayor):
    member = UserFactory(commune=None)
    with pytest.raises(ValidationError, match="commune"):
        services.question_ask(author=member, official=mayor, **VALID)


def test_a_new_account_has_the_daily_allowance_of_new_accounts(resident, mayor, settings):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 2
    for _ in range(2):
        services.question_ask(author=resident, official=mayor, **VALID)
    with pytest.raises(ValidationError, match="new"):
        services.question_ask(author=resident, official=mayor, **VALID)
    assert Question.objects.count() == 2


def test_publishing_tells_the_author_and_the_official(
    resident, mayor, moderator, django_capture_on_commit_callbacks
):
    question = services.question_ask(author=resident, official=mayor, **VALID)
    with django_capture_on_commit_callbacks(execute=True):
        services.question_publish(question=question, moderator=moderator)
    question.refresh_from_db()
    assert question.status == QuestionStatus.PUBLISHED
    assert question.published_at is not None
    assert set(
        Notification.objects.filter(target_id=question.pk).values_list("type_key", "recipient")
    ) == {("questions.published", resident.pk), ("questions.asked", mayor.pk)}
    assert AuditEntry.objects.filter(action="questions.question_publish").count() == 1


def test_a_refusal_needs_a_statement_of_reasons_which_the_author_receives_by_email(
    resident, mayor, moderator, django_capture_on_commit_callbacks
):
    question = services.question_ask(author=resident, official=mayor, **VALID)
    with pytest.raises(ValidationError):
        services.question_refuse(question=question, moderator=moderator, reason="  ")
    question.refresh_from_db()
    assert question.status == QuestionStatus.PENDING
    reason = "Votre question porte sur un dossier personnel (règle 1)."
    with django_capture_on_commit_callbacks(execute=True):
        services.question_refuse(question=question, moderator=moderator, reason=reason)
    question.refresh_from_db()
    assert question.status == QuestionStatus.REFUSED
    (email,) = [m for m in mail.outbox if resident.email in m.to]
    assert reason in email.body
    assert "/questions/regles/" in email.body
    # Refused, it is never public, and the official no longer sees it.
    assert not selectors.question_is_visible_to(question, mayor)
    assert selectors.question_is_visible_to(question, resident)


def test_a_member_who_is_not_a_moderator_cannot_publish(resident, mayor, make_question):
    question = make_question(status=QuestionStatus.PENDING)
    with pytest.raises(PermissionDenied):
        services.question_publish(question=question, moderator=mayor)


def test_supporting_counts_once_and_follows_the_question(make_question, other_resident, resident):
    question = make_question()
    assert services.question_support(question=question, member=other_resident)
    assert not services.question_support(question=question, member=other_resident)
    question.refresh_from_db()
    assert question.support_count == 1
    assert question.follows.filter(member=other_resident).exists()
    with pytest.raises(ValidationError):
        services.question_support(question=question, member=resident)  # its author
    assert services.question_unsupport(question=question, member=other_resident)
    question.refresh_from_db()
    assert question.support_count == 0
    assert not Support.objects.exists()


def test_a_pending_question_cannot_be_supported(make_question, other_resident):
    question = make_question(status=QuestionStatus.PENDING)
    with pytest.raises(ValidationError):
        services.question_support(question=question, member=other_resident)


def test_the_official_answers_and_followers_are_told_then_an_amendment_keeps_history(
    make_question, mayor, other_resident, resident, django_capture_on_commit_callbacks
):
    question = make_question()
    services.question_support(question=question, member=other_resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(
            question=question, by=mayor, body="Les travaux commencent en mars."
        )
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    assert question.answered_by == mayor
    told = set(
        Notification.objects.filter(type_key="questions.answered").values_list(
            "recipient", flat=True
        )
    )
    assert told == {resident.pk, other_resident.pk}
    first_answered_at = question.answered_at
    services.question_answer(question=question, by=mayor, body="Les travaux commencent en avril.")
    question.refresh_from_db()
    assert question.answer == "Les travaux commencent en avril."
    assert question.answered_at == first_answered_at  # the answer time does not move
    (revision,) = AnswerRevision.objects.filter(question=question)
    assert revision.body == "Les travaux commencent en mars."


def test_only_the_addressee_answers(make_question, resident, official, council, agent):
    question = make_question()
    for stranger in (resident, official):
        with pytest.raises(PermissionDenied):
            services.question_answer(question=question, by=stranger, body="Réponse")
    to_council = make_question(official=None, institution=council)
    services.question_answer(question=to_council, by=agent, body="Le conseil répond.")
    to_council.refresh_from_db()
    assert to_council.status == QuestionStatus.ANSWERED


def test_the_author_closes_their_question_and_it_takes_no_more_support(
    make_question, resident, other_resident, mayor
):
    question = make_question()
    with pytest.raises(PermissionDenied):
        services.question_close(question=question, by=other_resident)
    services.question_close(question=question, by=resident)
    question.refresh_from_db()
    assert question.status == QuestionStatus.CLOSED
    with pytest.raises(ValidationError):
        services.question_support(question=question, member=other_resident)
    with pytest.raises(ValidationError):
        services.question_answer(question=question, by=mayor, body="Trop tard.")


def test_answer_rate_and_median_time_of_an_official(make_question, mayor):
    now = timezone.now()
    for days in (1, 3, 5):
        make_question(
            status=QuestionStatus.ANSWERED,
            published_at=now - dt.timedelta(days=10),
            answered_at=now - dt.timedelta(days=10 - days),
            answer="Réponse.",
        )
    make_question(published_at=now - dt.timedelta(days=2))  # awaiting an answer
    make_question(status=QuestionStatus.PENDING)  # not public: not counted
    stats = selectors.answer_stats(official=mayor)
    assert stats["received"] == 4
    assert stats["answered"] == 3
    assert stats["rate"] == 75
    assert stats["median"] == dt.timedelta(days=3)


def test_the_unanswered_list_is_oldest_first(make_question):
    now = timezone.now()
    recent = make_question(published_at=now - dt.timedelta(days=1))
    old = make_question(published_at=now - dt.timedelta(days=30))
    make_question(status=QuestionStatus.ANSWERED, answer="Oui.", answered_at=now)
    assert list(selectors.unanswered_by_age()) == [old, recent]


def test_an_officials_delegated_staff_answers_for_them(make_question, mayor, oise):
    from parvis.conversations.models import Delegation

    question = make_question()
    staff = UserFactory(commune=oise["beauvais"])
    with pytest.raises(PermissionDenied):
        services.question_answer(question=question, by=staff, body="Réponse.")
    Delegation.objects.create(official=mayor, delegate=staff)
    staff = type(staff).objects.get(pk=staff.pk)  # a new request: delegations read afresh
    services.question_answer(question=question, by=staff, body="Réponse du cabinet.")
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED and question.answered_by == staff

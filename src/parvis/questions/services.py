"""Every write on questions to the elected officials (see ``models``'s docstring).

The services check who may act, validate (the form, the API and the admin call them, so one
set of rules), write in a transaction and record what happened in the activity outbox
(``activities``), told after the commit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.moderation.audit import audit_record
from parvis.moderation.safeguards import check_links_allowed, check_posting_allowed
from parvis.moderation.selectors import hidden_from

from . import activities
from .models import (
    ANSWER_MAX_LENGTH,
    BODY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AnswerRevision,
    Follow,
    Question,
    QuestionStatus,
    Support,
    Theme,
)
from .selectors import institutions_for, is_question_moderator, may_answer, officials_for

#: The shortest question and details, in characters.
TITLE_MIN_LENGTH = 10
BODY_MIN_LENGTH = 20


def _clean_text(value, *, field, minimum, maximum, errors):
    value = (value or "").strip()
    if len(value) < minimum:
        errors[field] = _("Write at least %(min)d characters.") % {"min": minimum}
    elif len(value) > maximum:
        errors[field] = _("Write at most %(max)d characters (you wrote %(len)d).") % {
            "max": maximum,
            "len": len(value),
        }
    return value


def _check_member(user):
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Log in to ask the elected officials a question."))
    if user.commune_id is None:
        raise ValidationError(
            _("Give your commune in your profile first: officials answer their residents.")
        )


def question_validate(*, author, official=None, institution=None, theme, title, body):
    """The rules of a new question, shared by the form and the API: returns the cleaned
    ``(title, body)`` or raises ``ValidationError`` by field."""
    _check_member(author)
    errors = {}
    title = _clean_text(
        title, field="title", minimum=TITLE_MIN_LENGTH, maximum=TITLE_MAX_LENGTH, errors=errors
    )
    body = _clean_text(
        body, field="body", minimum=BODY_MIN_LENGTH, maximum=BODY_MAX_LENGTH, errors=errors
    )
    if theme not in Theme.values:
        errors["theme"] = _("Choose a theme from the list.")
    if (official is None) == (institution is None):
        errors["addressee"] = _("Choose the elected official or the institution you ask.")
    elif official is not None and not officials_for(author).filter(pk=official.pk).exists():
        errors["addressee"] = _(
            "You can ask the elected officials of your commune, its intercommunality and the "
            "département only."
        )
    elif institution is not None and not (
        institutions_for(author).filter(pk=institution.pk).exists()
    ):
        errors["addressee"] = _("This institution does not take questions on the platform.")
    if errors:
        raise ValidationError(errors)
    return title, body


def question_ask(*, author, official=None, institution=None, theme, title, body) -> Question:
    """A resident asks a public question; it waits for the moderators."""
    title, body = question_validate(
        author=author,
        official=official,
        institution=institution,
        theme=theme,
        title=title,
        body=body,
    )
    check_links_allowed(author, f"{title}\n{body}")
    check_posting_allowed(author, "question")
    with transaction.atomic():
        question = Question.objects.create(
            author=author,
            commune_id=author.commune_id,
            official=official,
            institution=institution,
            theme=theme,
            title=title,
            body=body,
        )
        Follow.objects.create(question=question, member=author)
    return question


def _check_moderator(moderator):
    if not is_question_moderator(moderator):
        raise PermissionDenied(_("Only moderators may review questions."))


def _locked(question):
    return Question.objects.select_for_update().get(pk=question.pk)


def question_publish(*, question: Question, moderator) -> Question:
    """A moderator publishes a question awaiting moderation; its author and its addressee are
    told."""
    _check_moderator(moderator)
    with transaction.atomic():
        question = _locked(question)
        if question.status != QuestionStatus.PENDING:
            raise ValidationError(_("This question is not awaiting moderation."))
        now = timezone.now()
        question.status = QuestionStatus.PUBLISHED
        question.published_at = now
        question.moderated_by = moderator
        question.moderated_at = now
        question.refusal_reason = ""
        question.save(
            update_fields=[
                "status",
                "published_at",
                "moderated_by",
                "moderated_at",
                "refusal_reason",
            ]
        )
        audit_record(actor=moderator, action="questions.question_publish", target=question)
        activities.tell_published(question=question)
    return question


def question_refuse(*, question: Question, moderator, reason: str) -> Question:
    """A moderator refuses a question against the published rules; the statement of reasons
    is e-mailed to its author."""
    _check_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the reason for the refusal: it is sent to the author.")}
        )
    with transaction.atomic():
        question = _locked(question)
        if question.status != QuestionStatus.PENDING:
            raise ValidationError(_("This question is not awaiting moderation."))
        question.status = QuestionStatus.REFUSED
        question.refusal_reason = reason
        question.moderated_by = moderator
        question.moderated_at = timezone.now()
        question.save(update_fields=["status", "refusal_reason", "moderated_by", "moderated_at"])
        audit_record(
            actor=moderator, action="questions.question_refuse", target=question, reason=reason
        )
        activities.tell_refused(question=question)
    return question


def _check_open_for_members(question, user):
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Log in to support or follow a question."))
    if question.status not in (QuestionStatus.PUBLISHED, QuestionStatus.ANSWERED):
        raise ValidationError(_("This question can no longer be supported or followed."))
    if question.deleted_at is not None or hidden_from(question, user):
        raise ValidationError(_("This question can no longer be supported or followed."))


def question_support(*, question: Question, member) -> bool:
    """``member`` supports the question (once; supporting follows it too). Returns whether a
    support was added."""
    _check_open_for_members(question, member)
    if question.author_id == member.pk:
        raise ValidationError(_("You asked this question: it already counts as yours."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                Support.objects.create(question=question, member=member)
        except IntegrityError:
            return False
        Follow.objects.get_or_create(question=question, member=member)
        Question.objects.filter(pk=question.pk).update(support_count=F("support_count") + 1)
    return True


def question_unsupport(*, question: Question, member) -> bool:
    if not member.is_authenticated:
        raise PermissionDenied(_("Log in to support or follow a question."))
    with transaction.atomic():
        deleted, _rows = Support.objects.filter(question=question, member=member).delete()
        if deleted:
            Question.objects.filter(pk=question.pk, support_count__gt=0).update(
                support_count=F("support_count") - 1
            )
    return bool(deleted)


def question_follow(*, question: Question, member) -> bool:
    _check_open_for_members(question, member)
    _follow, created = Follow.objects.get_or_create(question=question, member=member)
    return created


def question_unfollow(*, question: Question, member) -> bool:
    if not member.is_authenticated:
        raise PermissionDenied(_("Log in to support or follow a question."))
    deleted, _rows = Follow.objects.filter(question=question, member=member).delete()
    return bool(deleted)


def question_answer(*, question: Question, by, body: str) -> Question:
    """The official (or an agent of the institution) answers publicly, or amends the answer:
    the earlier wording is kept and shown. The author, supporters and followers are told."""
    if not may_answer(by, question):
        raise PermissionDenied(_("Only the elected official or institution asked may answer."))
    errors = {}
    body = _clean_text(body, field="body", minimum=2, maximum=ANSWER_MAX_LENGTH, errors=errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        question = _locked(question)
        if question.deleted_at is not None or question.status not in (
            QuestionStatus.PUBLISHED,
            QuestionStatus.ANSWERED,
        ):
            raise ValidationError(_("This question cannot be answered."))
        now = timezone.now()
        amended = question.status == QuestionStatus.ANSWERED
        if amended:
            if body == question.answer:
                return question
            AnswerRevision.objects.create(
                question=question,
                body=question.answer,
                answered_by_id=question.answered_by_id,
                written_at=question.answer_updated_at or question.answered_at,
                replaced_at=now,
            )
            question.answer_updated_at = now
        else:
            question.answered_at = now
            question.answer_updated_at = now
            question.status = QuestionStatus.ANSWERED
        question.answer = body
        question.answered_by = by
        question.save(
            update_fields=["answer", "answered_by", "answered_at", "answer_updated_at", "status"]
        )
        activities.tell_answered(question=question, amended=amended)
    return question


def question_close(*, question: Question, by) -> Question:
    """The author or a moderator closes a question: it stays readable, no more supports or
    answers."""
    if not (by.is_authenticated and (question.author_id == by.pk or is_question_moderator(by))):
        raise PermissionDenied(_("Only the author or a moderator may close this question."))
    with transaction.atomic():
        question = _locked(question)
        if question.status not in (QuestionStatus.PUBLISHED, QuestionStatus.ANSWERED):
            raise ValidationError(_("This question cannot be closed."))
        question.status = QuestionStatus.CLOSED
        question.closed_at = timezone.now()
        question.save(update_fields=["status", "closed_at"])
        if by.pk != question.author_id:
            audit_record(actor=by, action="questions.question_close", target=question)
    return question


def question_remove(*, question: Question, moderator, reason: str = "") -> Question:
    """What a moderation decision's "delete" does: the question leaves every page."""
    with transaction.atomic():
        question = _locked(question)
        if question.deleted_at is None:
            question.deleted_at = timezone.now()
            question.deleted_by = moderator
            question.save(update_fields=["deleted_at", "deleted_by"])
    return question

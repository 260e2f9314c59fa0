"""Checking a member's answers to a consultation's questions (``services.response_submit``)."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import ANSWER_TEXT_MAX_LENGTH, CHOICE_KINDS, SCALE_MAX, SCALE_MIN, QuestionKind


def field_name(question):
    """The form field (and error key) of ``question``: ``question_<pk>``."""
    return f"question_{question.pk}"


def _as_int(value):
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError


def _is_blank(value):
    return value is None or value == "" or value == [] or value == ()


def clean_answers(questions, answers):
    """Check ``answers`` (``{question_pk: value}``; keys may be strings) against the
    consultation's ``questions`` (with their options prefetched).

    Values: an option primary key for a single choice; a list of them for a multiple choice;
    an integer from 1 to 5 for a scale; a string for a short text. Returns a list of
    ``(question, option_pks, scale, text)`` for the answered questions. Raises
    ``ValidationError`` keyed by ``question_<pk>`` (or ``__all__`` for answers to questions
    of another consultation) and lists every problem at once.
    """
    if not isinstance(answers, Mapping):
        raise ValidationError(_("The answers could not be read."))
    by_pk = {question.pk: question for question in questions}
    values = {}
    errors = {}
    for key, value in answers.items():
        try:
            pk = _as_int(key)
        except ValueError:
            pk = None
        if pk not in by_pk:
            errors.setdefault("__all__", []).append(
                _("An answer was sent for a question that is not part of this consultation.")
            )
            continue
        values[pk] = value
    cleaned = []
    for question in questions:
        field = field_name(question)
        value = values.get(question.pk)
        if question.kind in CHOICE_KINDS:
            if isinstance(value, list | tuple):
                raw = [item for item in value if not _is_blank(item)]
            else:
                raw = [] if _is_blank(value) else [value]
            try:
                chosen = list(dict.fromkeys(_as_int(item) for item in raw))
            except ValueError:
                errors[field] = [_("Choose among the options of this question.")]
                continue
            allowed = {option.pk for option in question.options.all()}
            if any(pk not in allowed for pk in chosen):
                errors[field] = [_("Choose among the options of this question.")]
                continue
            if question.kind == QuestionKind.SINGLE and len(chosen) > 1:
                errors[field] = [_("Choose only one option.")]
                continue
            if not chosen:
                if question.required:
                    errors[field] = [_("This question needs an answer.")]
                continue
            cleaned.append((question, chosen, None, ""))
        elif question.kind == QuestionKind.SCALE:
            if _is_blank(value):
                if question.required:
                    errors[field] = [_("This question needs an answer.")]
                continue
            try:
                scale = _as_int(value)
            except ValueError:
                scale = None
            if scale is None or not SCALE_MIN <= scale <= SCALE_MAX:
                errors[field] = [
                    _("Give a value from %(min)d to %(max)d.")
                    % {"min": SCALE_MIN, "max": SCALE_MAX}
                ]
                continue
            cleaned.append((question, [], scale, ""))
        else:
            if value is not None and not isinstance(value, str):
                errors[field] = [_("Write your answer as text.")]
                continue
            text = (value or "").replace("\x00", "").strip()
            if not text:
                if question.required:
                    errors[field] = [_("This question needs an answer.")]
                continue
            if len(text) > ANSWER_TEXT_MAX_LENGTH:
                errors[field] = [
                    _("Your answer is too long (%(max)d characters at most).")
                    % {"max": ANSWER_TEXT_MAX_LENGTH}
                ]
                continue
            cleaned.append((question, [], None, text))
    if errors:
        raise ValidationError(errors)
    return cleaned

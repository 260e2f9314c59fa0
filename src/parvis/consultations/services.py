"""Writes of consultations: creating and publishing them, answering, concluding, discussing.

Every function is keyword-only, validates before writing, writes in a transaction and
changes nothing when it refuses: permission failures raise ``PermissionDenied``; invalid
input raises ``ValidationError`` with a message for the person (keyed by field, or by
``question_<pk>`` for an answer).

One answer per member: ``response_submit`` locks the consultation row (so that an edit of the
questions and the answers never cross), then creates the member's ``Response`` or, when one
exists, replaces its answers. The unique constraint on (consultation, member) is the backstop:
a concurrent insert that loses the race falls back on changing the existing response.
"""

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.models import User, VerificationStatus
from parvis.accounts.rules import is_identified_member
from parvis.core.slugs import title_slug
from parvis.moderation.safeguards import (
    check_links_allowed,
    check_not_sanctioned,
    check_posting_allowed,
)
from parvis.organisations.models import OrganisationKind
from parvis.territories.models import Territory

from .models import (
    ANSWER_TEXT_MAX_LENGTH,
    CHOICE_KINDS,
    SCALE_MAX,
    SCALE_MIN,
    Answer,
    Comment,
    Consultation,
    ConsultationStatus,
    Option,
    Phase,
    Question,
    QuestionKind,
    Response,
    ResultsVisibility,
)
from .selectors import (
    answer_refusal,
    is_consultation_moderator,
    is_institution_agent,
    user_manages,
)

MAX_QUESTIONS = 30
MIN_OPTIONS, MAX_OPTIONS = 2, 20
OPTION_MAX_LENGTH = 200
QUESTION_MAX_LENGTH = 500
COMMENT_MAX_LENGTH = 5000
#: Comments a member may post within ``COMMENT_WINDOW`` (all consultations together).
COMMENT_BURST, COMMENT_WINDOW = 5, dt.timedelta(minutes=10)

#: Fields of ``data`` copied as they are by consultation_create / consultation_update.
SIMPLE_FIELDS = ("title", "context", "opens_at", "closes_at", "results_visibility")


def _field_name(question):
    return f"question_{question.pk}"


# --- permissions ----------------------------------------------------------------------------------


def _check_can_create(author):
    if not (
        author.is_authenticated
        and author.is_active
        and (is_institution_agent(author) or is_consultation_moderator(author))
    ):
        raise PermissionDenied(
            _("Only the agents of a verified institution and the moderators may consult.")
        )


def _check_can_manage(consultation, user):
    if not user_manages(user, consultation):
        raise PermissionDenied(
            _("Only the agents of the consultation's institution and the moderators may do this.")
        )


def _check_organisation(user, organisation):
    if organisation is None:
        raise ValidationError({"organisation": _("Choose the institution that consults.")})
    if organisation.kind != OrganisationKind.INSTITUTION or (
        organisation.status != VerificationStatus.VERIFIED
    ):
        raise ValidationError(
            {"organisation": _("Only a verified institution may run a consultation.")}
        )
    if not (is_consultation_moderator(user) or _runs_organisation(user, organisation)):
        raise ValidationError(
            {"organisation": _("You can only consult for an institution you help run.")}
        )


def _runs_organisation(user, organisation):
    return organisation.memberships.filter(user=user).exists()


# --- validation of the consultation ---------------------------------------------------------------


def clean_questions(questions):
    """Check and normalise questions given as dicts (kind, text, required, options: a list
    of labels). Returns the list; raises ``ValidationError({"questions": [...]})``."""
    errors = []
    cleaned = []
    if not isinstance(questions, list | tuple):
        raise ValidationError({"questions": [_("Give the questions as a list.")]})
    if not questions:
        raise ValidationError({"questions": [_("Ask at least one question.")]})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": [_("Ask %(max)d questions at most.") % {"max": MAX_QUESTIONS}]}
        )
    kinds = set(QuestionKind.values)
    for number, question in enumerate(questions, start=1):
        prefix = _("Question %(number)d:") % {"number": number}
        if not isinstance(question, Mapping):
            errors.append(f"{prefix} {_('give its kind and its text.')}")
            continue
        kind = question.get("kind")
        text = " ".join(str(question.get("text") or "").split())
        options = question.get("options") or []
        if kind not in kinds:
            errors.append(f"{prefix} {_('choose one of the kinds of question.')}")
            continue
        if not text:
            errors.append(f"{prefix} {_('write the question.')}")
        elif len(text) > QUESTION_MAX_LENGTH:
            errors.append(
                f"{prefix} "
                + _("the question is too long (%(max)d characters at most).")
                % {"max": QUESTION_MAX_LENGTH}
            )
        if not isinstance(options, list | tuple):
            errors.append(f"{prefix} {_('give the options as a list.')}")
            continue
        labels = [" ".join(str(label).split()) for label in options]
        labels = [label for label in labels if label]
        if kind in CHOICE_KINDS:
            if not MIN_OPTIONS <= len(labels) <= MAX_OPTIONS:
                errors.append(
                    f"{prefix} "
                    + _("give between %(min)d and %(max)d options.")
                    % {"min": MIN_OPTIONS, "max": MAX_OPTIONS}
                )
            if any(len(label) > OPTION_MAX_LENGTH for label in labels):
                errors.append(
                    f"{prefix} "
                    + _("an option is too long (%(max)d characters at most).")
                    % {"max": OPTION_MAX_LENGTH}
                )
            if len({label.casefold() for label in labels}) != len(labels):
                errors.append(f"{prefix} {_('the same option is given twice.')}")
        elif labels:
            only_choices = _("only choice questions have options: remove them or change the kind.")
            errors.append(f"{prefix} {only_choices}")
        cleaned.append(
            {
                "kind": kind,
                "text": text,
                "required": bool(question.get("required", True)),
                "options": labels if kind in CHOICE_KINDS else [],
            }
        )
    if errors:
        raise ValidationError({"questions": errors})
    return cleaned


def _clean_audience(audience):
    territories = list(audience or [])
    for territory in territories:
        if not isinstance(territory, Territory):
            raise ValidationError({"audience": [_("Choose territories of the département.")]})
    return territories


def _apply(consultation, data):
    """Copy ``data`` onto ``consultation`` (unsaved); return the names of the fields that
    changed."""
    changed = set()
    for name in SIMPLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "context" and value is None:
            value = ""
        if name == "title":
            value = " ".join(str(value or "").split())
        if name == "opens_at" and value is None:
            value = consultation.opens_at or timezone.now()
        if getattr(consultation, name) != value:
            setattr(consultation, name, value)
            changed.add(name)
    if "title" in changed or not consultation.slug:
        consultation.slug = title_slug(consultation.title, default="consultation")
        changed.add("slug")
    return changed


def _validate(consultation):
    opens_at, closes_at = consultation.opens_at, consultation.closes_at
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationError({"closes_at": [_("The closing must come after the opening.")]})
    consultation.full_clean(exclude=["slug", "created_by", "organisation"])


def _write_questions(consultation, questions):
    consultation.questions.all().delete()
    for order, data in enumerate(questions, start=1):
        question = Question.objects.create(
            consultation=consultation,
            order=order,
            kind=data["kind"],
            text=data["text"],
            required=data["required"],
        )
        Option.objects.bulk_create(
            [
                Option(question=question, label=label, order=position)
                for position, label in enumerate(data["options"], start=1)
            ]
        )


# --- creating, editing, publishing, concluding ----------------------------------------------------


def consultation_create(*, author: User, data: dict, publish: bool = False) -> Consultation:
    """Create a consultation (a draft, or published at once with ``publish``).

    ``data`` keys: title, context (Markdown), organisation (a verified institution the author
    helps run; any verified institution for a moderator), audience (territories; empty: the
    whole département), opens_at (``None``: now), closes_at, results_visibility
    (``ResultsVisibility``), questions (dicts: kind, text, required, options — labels of a
    choice question).
    """
    _check_can_create(author)
    organisation = data.get("organisation")
    _check_organisation(author, organisation)
    consultation = Consultation(
        created_by=author,
        organisation=organisation,
        status=ConsultationStatus.DRAFT,
        results_visibility=ResultsVisibility.AFTER_CLOSING,
    )
    data = {"opens_at": None, **data}
    _apply(consultation, data)
    errors = {}
    try:
        questions = clean_questions(data.get("questions") or [])
    except ValidationError as error:
        errors.update(error.message_dict)
        questions = []
    try:
        _validate(consultation)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    audience = _clean_audience(data.get("audience"))
    check_not_sanctioned(author)
    with transaction.atomic():
        consultation.save()
        consultation.audience.set(audience)
        _write_questions(consultation, questions)
        if publish:
            consultation_publish(consultation=consultation, actor=author)
    return consultation


def consultation_update(*, consultation: Consultation, editor: User, data: dict) -> Consultation:
    """Change ``consultation`` with ``data`` (same keys as ``consultation_create``; absent
    keys are left alone). The questions can no longer change once someone has answered."""
    _check_can_manage(consultation, editor)
    with transaction.atomic():
        # Locked: an answer and a change of the questions never cross (see response_submit).
        locked = (
            Consultation.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=consultation.pk)
        )
        changed = _apply(locked, data)
        organisation = data.get("organisation", locked.organisation)
        if organisation is not None and organisation.pk != locked.organisation_id:
            _check_organisation(editor, organisation)
            locked.organisation = organisation
            changed.add("organisation")
        questions = None
        if "questions" in data:
            if locked.responses.exists():
                raise ValidationError(
                    {
                        "questions": [
                            _("The questions can no longer change: members have already answered.")
                        ]
                    }
                )
            questions = clean_questions(data["questions"])
        _validate(locked)  # closing a published consultation early is allowed
        if changed:
            locked.save(update_fields=sorted(changed | {"updated_at"}))
        if "audience" in data:
            locked.audience.set(_clean_audience(data["audience"]))
        if questions is not None:
            _write_questions(locked, questions)
    return locked


def consultation_publish(*, consultation: Consultation, actor: User) -> Consultation:
    """Publish a draft: visible to everyone, open to answers from its opening date."""
    _check_can_manage(consultation, actor)
    if consultation.status != ConsultationStatus.DRAFT:
        raise ValidationError(_("This consultation is already published."))
    if not consultation.questions.exists():
        raise ValidationError(_("Ask at least one question before publishing."))
    if consultation.closes_at <= timezone.now():
        raise ValidationError(
            {"closes_at": [_("The closing date is past: give a date to come before publishing.")]}
        )
    consultation.status = ConsultationStatus.PUBLISHED
    consultation.published_at = timezone.now()
    with transaction.atomic():
        consultation.save(update_fields=["status", "published_at", "updated_at"])
        if consultation.phase() == Phase.OPEN:
            # Open already: its members are told now (else when it opens: the periodic
            # tasks.consultations_announce_due).
            from .tasks import queue_announce

            pk = consultation.pk
            transaction.on_commit(lambda: queue_announce(pk))
    return consultation


def consultation_conclude(
    *, consultation: Consultation, actor: User, conclusion: str
) -> Consultation:
    """Publish (or correct) "what we did with your answers" on a closed consultation."""
    _check_can_manage(consultation, actor)
    conclusion = (conclusion or "").replace("\x00", "").strip()
    if consultation.status != ConsultationStatus.PUBLISHED or consultation.phase() != Phase.CLOSED:
        raise ValidationError(_("The conclusion is published once the consultation is closed."))
    if not conclusion:
        raise ValidationError(
            {"conclusion": [_("Write what the institution did with the answers.")]}
        )
    if len(conclusion) > 20000:
        raise ValidationError(
            {"conclusion": [_("The conclusion is too long (20,000 characters at most).")]}
        )
    consultation.conclusion = conclusion
    fields = ["conclusion", "updated_at"]
    if consultation.conclusion_published_at is None:
        consultation.conclusion_published_at = timezone.now()
        fields.append("conclusion_published_at")
    with transaction.atomic():
        consultation.save(update_fields=fields)
    return consultation


# --- answering ------------------------------------------------------------------------------------


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
        field = _field_name(question)
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


def _response_for(consultation, member, now):
    """The member's response, locked, and whether it was created now."""
    existing = (
        Response.objects.select_for_update()
        .filter(consultation=consultation, member=member)
        .first()
    )
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():  # a savepoint: the unique constraint may refuse the row
            response = Response.objects.create(
                consultation=consultation,
                member=member,
                commune_id=member.commune_id,
                created_at=now,
                updated_at=now,
            )
        return response, True
    except IntegrityError:
        # Another request of the same member inserted it first: change that one.
        return (
            Response.objects.select_for_update().get(consultation=consultation, member=member),
            False,
        )


def response_submit(*, consultation: Consultation, member: User, answers: Mapping) -> Response:
    """Record ``member``'s answers (``{question_pk: value}``, see ``clean_answers``).

    The first submission creates the member's response; the next ones, until closing,
    replace its answers (and its commune, taken again). Refuses (``ValidationError`` with
    the reason, code from ``answer_refusal``) a draft, a consultation not open, a visitor, a
    member who is not identified or lives outside the target territories, and any invalid
    answer — nothing is written then. Returns the response, with ``created`` set.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Consultation.objects.select_for_update(of=("self",), no_key=True)
            .select_related("organisation")
            .get(pk=consultation.pk)
        )
        refusal = answer_refusal(locked, member, now=now)
        if refusal is not None:
            raise ValidationError(refusal.message, code=refusal.code)
        questions = list(locked.questions.order_by("order", "pk").prefetch_related("options"))
        cleaned = clean_answers(questions, answers)
        response, created = _response_for(locked, member, now)
        if not created:
            Answer.objects.filter(response=response).delete()
            response.commune_id = member.commune_id
            response.updated_at = now
            response.save(update_fields=["commune", "updated_at"])
        rows = [
            Answer(response=response, question=question, scale=scale, text=text)
            for question, _options, scale, text in cleaned
        ]
        Answer.objects.bulk_create(rows)
        through = Answer.options.through
        through.objects.bulk_create(
            [
                through(answer_id=row.pk, option_id=option_pk)
                for row, (_question, option_pks, _scale, _text) in zip(rows, cleaned, strict=True)
                for option_pk in option_pks
            ]
        )
        if created:
            Consultation.objects.filter(pk=locked.pk).update(response_count=F("response_count") + 1)
    consultation.response_count = (
        Consultation.objects.filter(pk=consultation.pk)
        .values_list("response_count", flat=True)
        .first()
    )
    response.created = created
    return response


# --- discussion -----------------------------------------------------------------------------------


def comment_post(*, consultation: Consultation, author: User, body: str) -> Comment:
    """Add ``author``'s message to the consultation's discussion (identified members, on a
    published consultation; a few messages per quarter of an hour at most)."""
    if not is_identified_member(author):
        raise PermissionDenied(
            _("Only identified members (verified e-mail, commune given) may take part.")
        )
    if consultation.status != ConsultationStatus.PUBLISHED:
        raise ValidationError(_("The discussion opens when the consultation is published."))
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": [_("Write your message.")]})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "body": [
                    _("Your message is too long (%(max)d characters at most).")
                    % {"max": COMMENT_MAX_LENGTH}
                ]
            }
        )
    recent = Comment.objects.filter(
        author=author, created_at__gte=timezone.now() - COMMENT_WINDOW
    ).count()
    if recent >= COMMENT_BURST:
        raise ValidationError(
            _("You have posted several messages in a short time: wait a few minutes.")
        )
    comment = Comment(consultation=consultation, author=author, body=body)
    comment.full_clean()
    check_links_allowed(author, body)  # a new account's message with many links: refused
    check_posting_allowed(author, "comment")  # sanctions, new accounts' daily allowance
    with transaction.atomic():
        comment.save()
    return comment


def comment_delete(*, comment: Comment, actor: User, reason: str = "") -> Comment:
    """Remove a message from the discussion: its author (no reason needed), or an agent of
    the institution or a moderator (with the reason, shown in its place)."""
    reason = (reason or "").replace("\x00", "").strip()
    is_author = actor.is_authenticated and comment.author_id == actor.pk
    if not (is_author or user_manages(actor, comment.consultation)):
        raise PermissionDenied(_("You may only delete your own messages."))
    if comment.is_deleted:
        return comment
    if not is_author and not reason:
        raise ValidationError(
            {"reason": [_("Give the reason: it is shown in place of the message.")]}
        )
    if len(reason) > 500:
        raise ValidationError({"reason": [_("The reason is too long (500 characters at most).")]})
    comment.deleted_at = timezone.now()
    comment.deleted_by = actor
    comment.deletion_reason = reason
    with transaction.atomic():
        comment.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
    return comment

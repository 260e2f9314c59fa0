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

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.accounts.models import User, VerificationStatus
from parvis.core.slugs import title_slug
from parvis.moderation.safeguards import (
    check_not_sanctioned,
)
from parvis.organisations.models import OrganisationKind
from parvis.territories.models import Territory

from .activities import consultation_announce
from .answers import clean_answers
from .models import (
    ANSWER_TEXT_MAX_LENGTH,  # noqa: F401 (part of the services' public names, for the API)
    CHOICE_KINDS,
    Answer,
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

#: Fields of ``data`` copied as they are by consultation_create / consultation_update.
SIMPLE_FIELDS = ("title", "context", "opens_at", "closes_at", "results_visibility")


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
        if "opens_at" in changed:
            consultation_announce(consultation=locked)  # at its new date, if not yet told
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
        consultation_announce(consultation=consultation)  # when it opens
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

"""Every write on calls for volunteers (see ``models``'s docstring). The form, the API and the
admin call them, so one set of rules."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.moderation.safeguards import check_links_allowed, check_posting_allowed
from parvis.territories.models import TerritoryKind

from . import activities
from .models import (
    DESCRIPTION_MAX_LENGTH,
    MAX_PLACES,
    MAX_SLOTS,
    TITLE_MAX_LENGTH,
    Call,
    CallStatus,
    MemberSkill,
    Signup,
    Skill,
    Slot,
)
from .selectors import can_run, reminders_due, runners_for

MESSAGE_MAX_LENGTH = 3000


def _check_member(user):
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Log in first."))


def _clean_slots(slots, errors):
    cleaned = []
    for index, slot in enumerate(slots):
        label = (slot.get("label") or "").strip()
        places = slot.get("places")
        starts_at, ends_at = slot.get("starts_at"), slot.get("ends_at")
        if not label and not places:
            continue
        number = index + 1
        if not label:
            errors["slots"] = _("Slot %(number)d: give the role or the time slot.") % {
                "number": number
            }
        elif len(label) > 120:
            errors["slots"] = _("Slot %(number)d: 120 characters at most.") % {"number": number}
        elif not isinstance(places, int) or not 1 <= places <= MAX_PLACES:
            errors["slots"] = _("Slot %(number)d: between 1 and %(max)d places.") % {
                "number": number,
                "max": MAX_PLACES,
            }
        elif starts_at and ends_at and ends_at <= starts_at:
            errors["slots"] = _("Slot %(number)d: it must end after it starts.") % {
                "number": number
            }
        elif starts_at and starts_at < timezone.now():
            errors["slots"] = _("Slot %(number)d: it starts in the past.") % {"number": number}
        else:
            cleaned.append(
                {"label": label, "places": places, "starts_at": starts_at, "ends_at": ends_at}
            )
    if not cleaned and "slots" not in errors:
        errors["slots"] = _("Give at least one role or time slot, with its number of places.")
    if len(cleaned) > MAX_SLOTS:
        errors["slots"] = _("%(max)d roles or time slots at most.") % {"max": MAX_SLOTS}
    return cleaned


def call_validate(
    *,
    by,
    organisation=None,
    group=None,
    event=None,
    title,
    description,
    commune,
    place="",
    skills=(),
    slots=(),
):
    """The rules of a new call, shared by the form and the API: the cleaned values, or
    ``ValidationError`` by field."""
    _check_member(by)
    errors = {}
    runners = [runner for runner in (organisation, group, event) if runner is not None]
    organisations, groups, events = runners_for(by)
    if len(runners) != 1:
        errors["runner"] = _("Choose who runs the call: an organisation, a group or an event.")
    elif (
        (organisation is not None and not organisations.filter(pk=organisation.pk).exists())
        or (group is not None and not groups.filter(pk=group.pk).exists())
        or (event is not None and not events.filter(pk=event.pk).exists())
    ):
        errors["runner"] = _(
            "You may open a call for your organisations, the groups you run and your events "
            "to come only."
        )
    title = (title or "").strip()
    if len(title) < 5:
        errors["title"] = _("Give a title of 5 characters at least.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _("%(max)d characters at most.") % {"max": TITLE_MAX_LENGTH}
    description = (description or "").strip()
    if len(description) < 20:
        errors["description"] = _("Say in 20 characters at least what the volunteers will do.")
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = _("%(max)d characters at most.") % {"max": DESCRIPTION_MAX_LENGTH}
    if commune is None or commune.kind != TerritoryKind.COMMUNE:
        errors["commune"] = _("Choose the commune where the volunteers are needed.")
    skills = list(skills)
    if any(not isinstance(skill, Skill) for skill in skills):
        errors["skills"] = _("Choose skills from the list.")
    cleaned_slots = _clean_slots(list(slots), errors)
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "description": description,
        "place": (place or "").strip()[:200],
        "skills": skills,
        "slots": cleaned_slots,
    }


def call_open(
    *,
    by,
    organisation=None,
    group=None,
    event=None,
    title,
    description,
    commune,
    place="",
    skills=(),
    slots=(),
) -> Call:
    cleaned = call_validate(
        by=by,
        organisation=organisation,
        group=group,
        event=event,
        title=title,
        description=description,
        commune=commune,
        place=place,
        skills=skills,
        slots=slots,
    )
    check_links_allowed(by, cleaned["description"])
    check_posting_allowed(by, "volunteer_call")
    with transaction.atomic():
        call = Call.objects.create(
            title=cleaned["title"],
            description=cleaned["description"],
            commune=commune,
            place=cleaned["place"],
            organisation=organisation,
            group=group,
            event=event,
            created_by=by,
        )
        call.skills.set(cleaned["skills"])
        Slot.objects.bulk_create(
            [
                Slot(call=call, position=position, **slot)
                for position, slot in enumerate(cleaned["slots"])
            ]
        )
    return call


def call_close(*, call, by) -> Call:
    if not can_run(by, call):
        raise PermissionDenied(_("Only the call's organisers may do this."))
    Call.objects.filter(pk=call.pk).update(status=CallStatus.CLOSED)
    call.status = CallStatus.CLOSED
    return call


def signup_create(*, slot, member) -> Signup:
    """``member`` takes a place on ``slot``: never beyond its places (the slot row is locked),
    once, while the call is open and the slot to come."""
    _check_member(member)
    with transaction.atomic():
        slot = Slot.objects.select_for_update().select_related("call").get(pk=slot.pk)
        call = slot.call
        if call.status != CallStatus.OPEN or call.deleted_at is not None:
            raise ValidationError(_("This call is closed."))
        if slot.starts_at and slot.starts_at < timezone.now():
            raise ValidationError(_("This time slot has already started."))
        if Signup.objects.filter(slot=slot, member=member).exists():
            raise ValidationError(_("You are already signed up for this slot."))
        if slot.taken >= slot.places:
            raise ValidationError(_("This slot is full: choose another one."))
        try:
            with transaction.atomic():
                signup = Signup.objects.create(slot=slot, member=member)
        except IntegrityError:
            raise ValidationError(_("You are already signed up for this slot.")) from None
        Slot.objects.filter(pk=slot.pk).update(taken=F("taken") + 1)
        activities.tell_organisers_signup(call=call, slot=slot, member=member)
    return signup


def signup_cancel(*, slot, member) -> bool:
    _check_member(member)
    with transaction.atomic():
        slot = Slot.objects.select_for_update().get(pk=slot.pk)
        deleted, _rows = Signup.objects.filter(slot=slot, member=member).delete()
        if deleted:
            Slot.objects.filter(pk=slot.pk, taken__gt=0).update(taken=F("taken") - 1)
    return bool(deleted)


def volunteers_message(*, call, by, body) -> int:
    """The organisers write to every volunteer of ``call`` (a notification and an e-mail).
    Returns how many members were told."""
    if not can_run(by, call):
        raise PermissionDenied(_("Only the call's organisers may do this."))
    body = (body or "").strip()
    if len(body) < 2:
        raise ValidationError({"body": _("Write your message.")})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"body": _("%(max)d characters at most.") % {"max": MESSAGE_MAX_LENGTH}}
        )
    with transaction.atomic():
        return activities.tell_volunteers(call=call, by=by, body=body)


def skills_set(*, member, skills) -> None:
    _check_member(member)
    with transaction.atomic():
        MemberSkill.objects.filter(member=member).exclude(skill__in=skills).delete()
        MemberSkill.objects.bulk_create(
            [MemberSkill(member=member, skill=skill) for skill in skills], ignore_conflicts=True
        )


def reminders_send(now=None) -> int:
    """Remind the volunteers of the slots starting tomorrow, each once (a worker runs it
    daily; running it twice reminds nobody twice)."""
    now = now or timezone.now()
    sent = 0
    with transaction.atomic():
        due = list(
            reminders_due(now)
            .select_for_update(skip_locked=True)
            .select_related("slot", "slot__call", "slot__call__commune", "member")
        )
        if not due:
            return 0
        Signup.objects.filter(pk__in=[s.pk for s in due], reminded_at__isnull=True).update(
            reminded_at=now
        )
        for signup in due:
            activities.tell_reminder(signup=signup)
            sent += 1
    return sent

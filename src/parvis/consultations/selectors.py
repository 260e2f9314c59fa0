"""Reads of consultations; visibility comes in pairs (list filter, object check).

Targeting: a consultation concerns a member when its audience is empty (the whole
département) or contains their commune, its EPCI, its arrondissement or its département
(``Territory.lineage_ids``). ``answer_refusal`` says why someone may not answer (or
``None``): the page, the API and the service share it.

Moderation: a consultation hidden by a moderation decision (``parvis.moderation``) is left out
of every list, the home page, the portal sections and the API, in the same query; its
institution's agents and the staff still see it (``consultations_visible_to``), its page shows
the others a notice.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from parvis.accounts.models import User
from parvis.accounts.rules import has_verified_email
from parvis.moderation.selectors import annotate_hidden, exclude_hidden, visible
from parvis.organisations.models import OrganisationKind, OrganisationMembership
from parvis.organisations.selectors import membership_role
from parvis.territories.models import Territory, TerritoryKind

from .models import (
    Answer,
    Consultation,
    ConsultationStatus,
    Option,
    Phase,
    Question,
    Response,
)

#: Codes of ``Refusal``.
REFUSAL_CODES = frozenset(
    {"draft", "not_open", "closed", "login", "not_identified", "no_commune", "not_targeted"}
)
#: Territory names listed in a "not your territory" message before "…".
TERRITORIES_IN_MESSAGE = 6


# --- who runs consultations ----------------------------------------------------------------------


def institutions_run_by(user):
    """Verified institutions ``user`` helps run (manager or editor): the ones they may consult
    for."""
    from parvis.accounts.models import VerificationStatus
    from parvis.organisations.models import Organisation

    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=OrganisationKind.INSTITUTION,
        status=VerificationStatus.VERIFIED,
        memberships__user=user,
    ).order_by("name")


def is_institution_agent(user):
    """``user`` helps run a verified institution (remembered on the user instance)."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_parvis_institution_agent", None)
    if cached is None:
        cached = institutions_run_by(user).exists()
        user._parvis_institution_agent = cached
    return cached


def is_consultation_moderator(user):
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("consultations.change_consultation")
    )


def user_runs(user, consultation):
    """``user`` is an agent of the consultation's institution (manager or editor)."""
    return (
        user.is_authenticated
        and consultation.organisation_id is not None
        and membership_role(user, consultation.organisation) is not None
    )


def user_manages(user, consultation):
    """``user`` may edit the consultation, read its free-text answers and export them."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user_runs(user, consultation) or is_consultation_moderator(user))
    )


# --- visibility -----------------------------------------------------------------------------------


def run_filter(user):
    """Consultations ``user`` runs: those of the institutions they help run."""
    return Q(
        organisation__in=OrganisationMembership.objects.filter(user=user).values("organisation_id")
    )


def published_consultations():
    """Published consultations not hidden by moderation: what every list starts from."""
    return exclude_hidden(Consultation.objects.filter(status=ConsultationStatus.PUBLISHED))


def consultations_visible_to(user):
    """Published consultations for everyone; also the drafts of the institutions ``user``
    helps run; every consultation for staff. Hidden by moderation: only for staff and the
    institution's agents."""
    qs = Consultation.objects.all()
    if user.is_authenticated and user.is_staff:
        return qs
    allowed = Q(status=ConsultationStatus.PUBLISHED)
    if user.is_authenticated:
        allowed |= run_filter(user)
    return visible(qs.filter(allowed), user)


def consultation_is_visible_to(consultation, user):
    if consultation.status == ConsultationStatus.PUBLISHED:
        return True
    if not user.is_authenticated:
        return False
    return user.is_staff or user_runs(user, consultation)


# --- targeting ------------------------------------------------------------------------------------


def _audience_through():
    return Consultation.audience.through.objects


def concerns_commune_q(commune):
    """A ``Q`` for consultations whose audience includes ``commune`` (or is empty); with
    ``None``, those for the whole département (no audience, or the département itself)."""
    targeted = Exists(_audience_through().filter(consultation_id=OuterRef("pk")))
    if commune is None:
        whole = Exists(
            _audience_through().filter(
                consultation_id=OuterRef("pk"), territory__kind=TerritoryKind.DEPARTEMENT
            )
        )
        return ~targeted | whole
    hits = Exists(
        _audience_through().filter(
            consultation_id=OuterRef("pk"), territory_id__in=commune.lineage_ids
        )
    )
    return ~targeted | hits


def audience_of(consultation):
    """The consultation's target territories (uses a prefetched ``audience`` when there)."""
    return list(consultation.audience.all())


def concerns(consultation, commune):
    """Whether ``consultation`` is for the residents of ``commune`` (a ``Territory``)."""
    audience = audience_of(consultation)
    if not audience:
        return True
    if commune is None:
        return False
    lineage = set(commune.lineage_ids)
    return any(territory.pk in lineage for territory in audience)


@dataclass(frozen=True)
class Refusal:
    """Why someone may not answer: a ``code`` (``draft``, ``not_open``, ``closed``,
    ``login``, ``not_identified``, ``no_commune``, ``not_targeted``) and a message."""

    code: str
    message: str

    def __str__(self):
        return self.message


def _when(value):
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def answer_refusal(consultation, user, *, now=None):
    """Why ``user`` may not answer ``consultation`` now, as a ``Refusal``; ``None`` when they
    may. The time checks come first (a closed consultation is closed for everyone)."""
    if consultation.status != ConsultationStatus.PUBLISHED:
        return Refusal("draft", _("This consultation is not published yet."))
    phase = consultation.phase(now)
    if phase == Phase.UPCOMING:
        return Refusal(
            "not_open",
            _("This consultation is not open yet: it opens on %(date)s.")
            % {"date": _when(consultation.opens_at)},
        )
    if phase == Phase.CLOSED:
        return Refusal(
            "closed",
            _("This consultation closed on %(date)s: answers are no longer accepted.")
            % {"date": _when(consultation.closes_at)},
        )
    if not user.is_authenticated:
        return Refusal("login", _("Log in to answer: only identified members may take part."))
    if not user.is_active or not has_verified_email(user):
        return Refusal(
            "not_identified",
            _(
                "Only identified members may answer: confirm your e-mail address first "
                "(see the link we sent you)."
            ),
        )
    if user.commune_id is None:
        return Refusal(
            "no_commune",
            _(
                "Give your commune of residence in your profile: the consultation is for its "
                "residents."
            ),
        )
    if not concerns(consultation, user.commune):
        audience = audience_of(consultation)
        names = [territory.name for territory in audience[:TERRITORIES_IN_MESSAGE]]
        if len(audience) > TERRITORIES_IN_MESSAGE:
            names.append("…")
        return Refusal(
            "not_targeted",
            _(
                "This consultation is for the residents of %(territories)s. You live in "
                "%(commune)s, which is not part of it: you can read it, not answer it."
            )
            % {"territories": ", ".join(names), "commune": user.commune.name},
        )
    return None


# --- pages ----------------------------------------------------------------------------------------


def questions_prefetch():
    return Prefetch(
        "questions",
        queryset=Question.objects.order_by("order", "pk").prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("order", "pk"))
        ),
    )


def audience_prefetch():
    return Prefetch("audience", queryset=Territory.objects.order_by("kind", "name"))


def consultation_for_page(pk):
    """The consultation ``pk`` with its institution, audience, questions and options (4
    queries) and its moderation state (``moderation_hidden``), or ``None``. Visibility is
    checked after."""
    return (
        annotate_hidden(Consultation.objects.filter(pk=pk))
        .select_related("organisation", "created_by")
        .prefetch_related(audience_prefetch(), questions_prefetch())
        .first()
    )


def response_of(consultation, user):
    """``user``'s response to ``consultation`` with its answers and their options, or
    ``None``."""
    if not user.is_authenticated:
        return None
    return (
        Response.objects.filter(consultation=consultation, member=user)
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.prefetch_related(
                    Prefetch("options", queryset=Option.objects.order_by("order", "pk"))
                ),
            )
        )
        .first()
    )


def answers_by_question(response):
    """``{question_pk: value}`` of a response, as the answer form and the API take them."""
    values = {}
    if response is None:
        return values
    for answer in response.answers.all():
        option_pks = [option.pk for option in answer.options.all()]
        if answer.scale is not None:
            values[answer.question_id] = answer.scale
        elif answer.text:
            values[answer.question_id] = answer.text
        else:
            values[answer.question_id] = option_pks
    return values


def _with_phase(qs, now):
    """Annotate ``phase_rank``: 0 open, 1 upcoming, 2 closed."""
    return qs.annotate(
        phase_rank=Case(
            When(opens_at__gt=now, then=Value(1)),
            When(closes_at__lte=now, then=Value(2)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


#: Phases of the list's filter, by their French value in the address.
PHASE_FILTERS = {"ouvertes": Phase.OPEN, "a-venir": Phase.UPCOMING, "terminees": Phase.CLOSED}


def consultation_list(user, *, phase=None, commune=None, institution=None, now=None):
    """Published consultations for the list page, shaped for its cards.

    Open ones first — for a member, those for their territory first among them — soonest
    closing first; then the ones not open yet, soonest first; then the closed ones, most
    recently closed first. ``phase`` (a ``Phase``) keeps one kind only; ``commune`` (a
    commune) those its residents may answer; ``institution`` (an organisation) its own. Each
    row carries ``concerns_me`` (for a member with a commune) and ``phase_rank``.
    """
    now = now or timezone.now()
    qs = published_consultations().select_related("organisation")
    if phase == Phase.OPEN:
        qs = qs.filter(opens_at__lte=now, closes_at__gt=now)
    elif phase == Phase.UPCOMING:
        qs = qs.filter(opens_at__gt=now)
    elif phase == Phase.CLOSED:
        qs = qs.filter(closes_at__lte=now)
    if commune is not None:
        qs = qs.filter(concerns_commune_q(commune))
    if institution is not None:
        qs = qs.filter(organisation=institution)
    qs = _with_phase(qs, now)
    commune = user.commune if user.is_authenticated and user.commune_id else None
    if commune is not None:
        qs = qs.annotate(
            concerns_me=Case(
                When(concerns_commune_q(commune), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        first = ["phase_rank", Case(When(concerns_me=True, then=Value(0)), default=Value(1))]
    else:
        qs = qs.annotate(concerns_me=Value(False, output_field=BooleanField()))
        first = ["phase_rank"]
    # Open: soonest closing; upcoming: soonest opening; closed: most recently closed.
    when = Case(
        When(phase_rank=0, then="closes_at"),
        When(phase_rank=1, then="opens_at"),
        default=None,
    )
    return qs.order_by(*first, when.asc(nulls_last=True), "-closes_at", "-pk")


def open_for(user, limit=5, *, now=None):
    """Open consultations for the home page: for a member with a commune, those they may
    answer (their territory), the ones they have not answered yet first, then soonest
    closing; for visitors (and members without a commune), the département-wide ones,
    soonest closing. One query; each row carries ``answered`` (whether ``user`` already
    answered)."""
    now = now or timezone.now()
    qs = (
        published_consultations()
        .filter(opens_at__lte=now, closes_at__gt=now)
        .select_related("organisation")
    )
    commune = user.commune if user.is_authenticated and user.commune_id else None
    if commune is None:
        qs = qs.filter(concerns_commune_q(None)).annotate(
            answered=Value(False, output_field=BooleanField())
        )
        return list(qs.order_by("closes_at", "pk")[:limit])
    qs = qs.filter(concerns_commune_q(commune)).annotate(
        answered=Exists(Response.objects.filter(consultation=OuterRef("pk"), member=user))
    )
    return list(qs.order_by("answered", "closes_at", "pk")[:limit])


def consultations_managed_by(user):
    """Consultations ``user`` manages (their institutions'; every one for a moderator),
    drafts included, newest first; each carries ``moderation_hidden``."""
    qs = annotate_hidden(Consultation.objects.select_related("organisation"))
    if not is_consultation_moderator(user):
        qs = qs.filter(run_filter(user))
    return qs.order_by("-created_at", "-pk")


def consultations_of_organisations(organisations, *, limit=None):
    """Published consultations of these institutions, newest first (officials' pages)."""
    qs = (
        published_consultations()
        .filter(organisation__in=[organisation.pk for organisation in organisations])
        .select_related("organisation")
        .order_by("-opens_at", "-pk")
    )
    return list(qs[:limit]) if limit else qs


def open_in_territory(territory, *, limit=5, now=None):
    """Open consultations concerning ``territory``: for a commune, those its residents may
    answer; for an EPCI or an arrondissement, those targeted at no territory in particular,
    at it, at what contains it or at one of its communes; for the département, all. One
    query."""
    now = now or timezone.now()
    qs = (
        published_consultations()
        .filter(opens_at__lte=now, closes_at__gt=now)
        .select_related("organisation")
    )
    if territory.kind == "commune":
        qs = qs.filter(concerns_commune_q(territory))
    elif territory.kind != "departement":
        # Targeted at no territory, at this one or what contains it, or at a part of it.
        part = {f"territory__{territory.kind}_id": territory.pk}
        targeted = Exists(_audience_through().filter(consultation_id=OuterRef("pk")))
        hits = Exists(
            _audience_through().filter(
                Q(territory_id__in=territory.lineage_ids) | Q(**part),
                consultation_id=OuterRef("pk"),
            )
        )
        qs = qs.filter(~targeted | hits)
    return list(qs.order_by("closes_at", "pk")[:limit])


# --- announcements (notifications) ------------------------------------------------------------


def eligible_members(consultation):
    """The members who may answer ``consultation`` (``answer_refusal``'s rule, as a queryset
    of users): active, e-mail verified, living in a commune of its audience (any commune for
    the whole département)."""
    audience = list(
        _audience_through()
        .filter(consultation_id=consultation.pk)
        .values_list("territory_id", flat=True)
    )
    members = User.objects.filter(is_active=True, commune__isnull=False).filter(
        Exists(
            EmailAddress.objects.filter(
                user_id=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
            )
        )
    )
    departement_wide = (
        not audience
        or Territory.objects.filter(pk__in=audience, kind=TerritoryKind.DEPARTEMENT).exists()
    )
    if departement_wide:
        return members
    return members.filter(
        Q(commune_id__in=audience)
        | Q(commune__epci_id__in=audience)
        | Q(commune__arrondissement_id__in=audience)
        | Q(commune__departement_id__in=audience)
    )

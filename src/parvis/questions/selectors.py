"""Reads of the questions to the elected officials.

Visibility comes in a pair: ``questions_visible_to(user)`` for lists and
``question_is_visible_to(question, user)`` for a page. Everyone reads the published, answered
and closed questions (not deleted, not hidden by moderation); the author also reads theirs
while it awaits moderation or after a refusal; the addressee (the official, an agent of the
institution) and the moderators read what is addressed to them.
"""

import datetime as dt
import statistics

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from parvis.accounts.models import Mandate, MandateRole, User, VerificationStatus
from parvis.conversations.models import Delegation
from parvis.core.visitors import same_for_every_visitor
from parvis.moderation.selectors import annotate_hidden, visible
from parvis.organisations.models import Organisation, OrganisationKind, OrganisationMembership
from parvis.territories.models import TerritoryKind

from .models import PUBLIC_STATUSES, AnswerRevision, Follow, Question, QuestionStatus, Support

#: The mandates whose holders may be asked by the residents of their territory.
ASKABLE_ROLES = (
    MandateRole.MAYOR,
    MandateRole.DEPUTY_MAYOR,
    MandateRole.MUNICIPAL_COUNCILLOR,
    MandateRole.DEPARTMENTAL_COUNCILLOR,
    MandateRole.DEPARTMENTAL_PRESIDENT,
    MandateRole.EPCI_PRESIDENT,
    MandateRole.EPCI_VICE_PRESIDENT,
    MandateRole.EPCI_COUNCILLOR,
)


def is_question_moderator(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("questions.change_question")
    )


def institutions_answered_by(user):
    """Primary keys of the verified institutions whose team ``user`` belongs to."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_parvis_question_institutions", None)
    if cached is None:
        cached = list(
            OrganisationMembership.objects.filter(
                user=user,
                organisation__kind=OrganisationKind.INSTITUTION,
                organisation__status=VerificationStatus.VERIFIED,
            ).values_list("organisation_id", flat=True)
        )
        user._parvis_question_institutions = cached
    return cached


def may_answer(user, question) -> bool:
    """``user`` answers for the question's addressee: the official themself, or an agent
    (manager or editor) of the institution."""
    if not (user.is_authenticated and user.is_active):
        return False
    if question.official_id is not None:
        return question.official_id == user.pk or question.official_id in officials_delegating_to(
            user
        )
    return question.institution_id in institutions_answered_by(user)


def officials_delegating_to(user):
    """Primary keys of the officials who named ``user`` among their staff (the delegation of
    their messages, ``conversations.Delegation``): their staff answer their questions too."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_parvis_question_delegations", None)
    if cached is None:
        cached = list(
            Delegation.objects.filter(delegate=user).values_list("official_id", flat=True)
        )
        user._parvis_question_delegations = cached
    return cached


def addressed_to(user):
    """``Q`` for the questions ``user`` answers for (as the official, their staff, or an
    agent of the institution)."""
    return (
        Q(official=user.pk)
        | Q(official__in=officials_delegating_to(user))
        | Q(institution__in=institutions_answered_by(user))
    )


@same_for_every_visitor
def questions_visible_to(user):
    """The questions ``user`` may read (see the module's docstring), addressee loaded. A
    visitor's are the same for every visitor: built once per process, each caller gets a
    copy."""
    queryset = Question.objects.select_related(
        "official", "institution", "commune", "author", "author__commune"
    ).filter(deleted_at__isnull=True)
    if is_question_moderator(user):
        return queryset
    allowed = Q(status__in=PUBLIC_STATUSES)
    if user.is_authenticated:
        allowed |= Q(author=user.pk) | (addressed_to(user) & ~Q(status=QuestionStatus.REFUSED))
    return visible(queryset.filter(allowed), user)


def question_is_visible_to(question, user) -> bool:
    if question.deleted_at is not None:
        return False
    if is_question_moderator(user):
        return True
    if question.status in PUBLIC_STATUSES:
        return True
    if not user.is_authenticated:
        return False
    if question.author_id == user.pk:
        return True
    return question.status != QuestionStatus.REFUSED and may_answer(user, question)


def question_for_page(pk):
    return (
        Question.objects.select_related(
            "official", "institution", "commune", "author", "answered_by", "moderated_by"
        )
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=AnswerRevision.objects.select_related("answered_by"),
            )
        )
        .filter(pk=pk)
        .first()
    )


def question_list(user, *, status=None, theme=None, commune=None, official=None, institution=None):
    """The questions of the list page, newest published first, with whether ``user``
    supports each (one query)."""
    queryset = questions_visible_to(user)
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.filter(status__in=PUBLIC_STATUSES)
    if theme:
        queryset = queryset.filter(theme=theme)
    if commune is not None:
        queryset = queryset.filter(commune=commune)
    if official is not None:
        queryset = queryset.filter(official=official)
    if institution is not None:
        queryset = queryset.filter(institution=institution)
    queryset = annotate_hidden(queryset)
    if user.is_authenticated:
        queryset = queryset.annotate(
            supported=Exists(Support.objects.filter(question=OuterRef("pk"), member=user.pk))
        )
    return queryset.order_by(F("published_at").desc(nulls_last=True), "-created_at", "-pk")


def member_state(question, user):
    """Whether ``user`` supports and follows ``question`` (one query)."""
    if not user.is_authenticated:
        return {"supported": False, "followed": False}
    rows = Question.objects.filter(pk=question.pk).annotate(
        supported=Exists(Support.objects.filter(question=OuterRef("pk"), member=user.pk)),
        followed=Exists(Follow.objects.filter(question=OuterRef("pk"), member=user.pk)),
    )
    row = rows.values("supported", "followed").first() or {}
    return {"supported": bool(row.get("supported")), "followed": bool(row.get("followed"))}


def officials_for(member):
    """The verified officials ``member`` may ask: a verified mandate on their commune, its
    intercommunality or the département (by name)."""
    if not member.is_authenticated or member.commune_id is None:
        return User.objects.none()
    lineage = member.commune.lineage_ids
    return (
        User.objects.filter(is_active=True)
        .filter(
            Exists(
                Mandate.objects.filter(
                    user=OuterRef("pk"),
                    status=VerificationStatus.VERIFIED,
                    role__in=ASKABLE_ROLES,
                    territory__in=lineage,
                )
            )
        )
        .exclude(pk=member.pk)
        .order_by("last_name", "first_name", "pk")
    )


def institutions_for(member):
    """The verified institutions ``member`` may ask: the département's institutions and the
    town hall of their commune, i.e. every verified institution of the territory (they all
    serve its residents)."""
    if not member.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=OrganisationKind.INSTITUTION, status=VerificationStatus.VERIFIED
    ).order_by("name", "pk")


def answer_stats(*, official=None, institution=None, now=None):
    """An addressee's record: questions published to them, answered, the answer rate (in %,
    ``None`` before any question) and the median time to answer (a ``timedelta`` or
    ``None``). Two queries; the median reads the answered questions' two dates only."""
    queryset = Question.objects.filter(status__in=PUBLIC_STATUSES, deleted_at__isnull=True)
    if official is not None:
        queryset = queryset.filter(official=official)
    else:
        queryset = queryset.filter(institution=institution)
    received = queryset.count()
    delays = [
        answered - published
        for published, answered in queryset.filter(
            answered_at__isnull=False, published_at__isnull=False
        ).values_list("published_at", "answered_at")
    ]
    answered = len(delays)
    return {
        "received": received,
        "answered": answered,
        "rate": round(100 * answered / received) if received else None,
        "median": dt.timedelta(seconds=statistics.median(d.total_seconds() for d in delays))
        if delays
        else None,
    }


def unanswered_by_age(now=None):
    """The published questions still without an answer, oldest first (the council's list)."""
    now = now or timezone.now()
    return (
        Question.objects.filter(status=QuestionStatus.PUBLISHED, deleted_at__isnull=True)
        .select_related("official", "institution", "commune")
        .order_by("published_at", "pk")
    )


def answered_in(territory, user, limit):
    """Answered questions asked from ``territory`` (a commune, or inside it), newest first.

    Only what their cards show is joined (the addressee and the commune): the author and
    their commune would make PostgreSQL join every member before keeping the newest six."""
    queryset = (
        questions_visible_to(user)
        .select_related(None)
        .select_related("official", "institution", "commune")
        .filter(status=QuestionStatus.ANSWERED)
    )
    if territory.kind == TerritoryKind.COMMUNE:
        queryset = queryset.filter(commune=territory)
    elif territory.kind == TerritoryKind.EPCI:
        queryset = queryset.filter(commune__epci=territory)
    elif territory.kind == TerritoryKind.ARRONDISSEMENT:
        queryset = queryset.filter(commune__arrondissement=territory)
    return list(queryset.order_by("-answered_at", "-pk")[:limit])


def questions_to_official(official, user, limit):
    return list(
        questions_visible_to(user)
        .filter(official=official, status__in=PUBLIC_STATUSES)
        .order_by(F("published_at").desc(nulls_last=True), "-pk")[:limit]
    )


def answered_near(user, limit):
    """Home block: recent answers to questions of the member's commune, else anywhere."""
    queryset = questions_visible_to(user).filter(status=QuestionStatus.ANSWERED)
    if user.is_authenticated and user.commune_id:
        queryset = queryset.order_by(
            # The member's commune first, then the newest answers.
            Case(When(commune=user.commune_id, then=Value(0)), default=Value(1)),
            "-answered_at",
        )
    else:
        queryset = queryset.order_by("-answered_at")
    return list(queryset[:limit])


def followers_of(question):
    """Members told when the question changes: its author, its supporters and followers."""
    return User.objects.filter(
        Q(pk=question.author_id)
        | Q(question_supports__question=question)
        | Q(question_follows__question=question),
        is_active=True,
    ).distinct()

"""Reads of the elected officials' pages.

An *official* is an active member with at least one verified mandate. Who appears follows the
directory: a visitor sees the officials who opened their profile to everyone, a member also
those who opened it to members, nobody those who chose not to be listed (``hidden``).
Visibility comes in a pair: ``officials_visible_to(user)`` for lists,
``official_is_visible_to(official, user)`` for the page.
"""

import functools

from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from parvis.accounts.models import Mandate, MandateRole, User, VerificationStatus
from parvis.accounts.selectors import member_is_visible_to
from parvis.directory import search
from parvis.directory.selectors import listed_members
from parvis.organisations.models import Organisation, OrganisationKind
from parvis.territories.selectors import KIND_RANK, in_territory

#: Mandates in the order of ``MandateRole`` (mayor first...), widest territory first.
ROLE_RANK = Case(
    *(When(role=role, then=Value(rank)) for rank, role in enumerate(MandateRole.values)),
    default=Value(len(MandateRole.values)),
    output_field=IntegerField(),
)
TERRITORY_RANK = Case(
    *(When(territory__kind=kind, then=Value(rank)) for kind, rank in KIND_RANK.items()),
    default=Value(len(KIND_RANK)),
    output_field=IntegerField(),
)


def verified_mandates():
    return Mandate.objects.filter(status=VerificationStatus.VERIFIED)


def ordered_mandates(queryset):
    """``queryset`` of mandates, widest territory first, then by role and territory name."""
    return (
        queryset.select_related("territory")
        .annotate(territory_rank=TERRITORY_RANK, role_rank=ROLE_RANK)
        .order_by("territory_rank", "role_rank", "territory__name", "pk")
    )


def mandate_filter(*, territories=(), role=None):
    """``Q`` for mandates of ``role`` on each of ``territories`` or a territory inside it."""
    condition = Q()
    for territory in territories:
        condition &= in_territory("territory", territory)
    if role:
        condition &= Q(role=role)
    return condition


def officials_visible_to(user):
    """The officials ``user`` may find (see the module docstring), with their commune."""
    return listed_members(user).filter(Exists(verified_mandates().filter(user=OuterRef("pk"))))


def official_is_visible_to(official, user):
    """Whether ``user`` may read the page of ``official`` (loaded by ``official_for_page``)."""
    return bool(official.verified_mandates) and member_is_visible_to(official, user)


def with_verified_mandates(queryset):
    """``queryset`` of members, each carrying ``verified_mandates`` (one query in all)."""
    return queryset.prefetch_related(
        Prefetch(
            "mandates",
            queryset=ordered_mandates(verified_mandates()),
            to_attr="verified_mandates",
        )
    )


def filter_officials(queryset, *, territories=(), role=None, text=""):
    """``queryset`` of members narrowed to those with a verified mandate of ``role`` on each of
    ``territories`` (or inside it) and whose name matches every word of ``text``. On
    PostgreSQL, searching annotates ``rank``."""
    mandates = verified_mandates().filter(mandate_filter(territories=territories, role=role))
    queryset = queryset.filter(Exists(mandates.filter(user=OuterRef("pk"))))
    return search.search(
        queryset,
        words=search.search_words(text),
        vector=search.member_vector(),
        fallback_fields=("first_name", "last_name"),
    )


def official_list(user, *, territories=(), role=None, text=""):
    """The officials ``user`` may find with a verified mandate of ``role`` on ``territories``
    (or inside them), whose name matches ``text``; by name, best matches first when searching.
    Each carries ``verified_mandates`` (one more query per page, whatever its size)."""
    queryset = filter_officials(
        officials_visible_to(user), territories=territories, role=role, text=text
    )
    ordering = ["last_name", "first_name", "pk"]
    if search.search_words(text) and search.full_text_available(queryset):
        ordering.insert(0, "-rank")
    return with_verified_mandates(queryset).order_by(*ordering)


def official_for_page(pk):
    """The active member ``pk`` with what their official page shows, or ``None``: their commune,
    verified mandates (``verified_mandates``) and the verified institutions whose team they
    belong to (``institutions``). Three queries."""
    institutions = (
        Organisation.objects.filter(
            kind=OrganisationKind.INSTITUTION, status=VerificationStatus.VERIFIED
        )
        .select_related("commune")
        .order_by("name", "pk")
    )
    return (
        with_verified_mandates(User.objects.filter(pk=pk, is_active=True).select_related("commune"))
        .prefetch_related(Prefetch("organisations", queryset=institutions, to_attr="institutions"))
        .first()
    )


@functools.cache
def _ranked_mandates():
    """The verified mandates with their territory and holder, ranked (``ordered_mandates``):
    built once per process, since resolving the ranks' ``CASE`` costs more than the rest of
    the query. Each use is a filtered copy; never evaluate it itself."""
    return ordered_mandates(verified_mandates()).select_related("user")


def territory_mandates(territory, user, *, limit):
    """Verified mandates on ``territory`` or inside it whose holder ``user`` may find: those on
    the territory itself first, then the widest territories, by role (one query)."""
    return list(
        _ranked_mandates()
        .filter(
            mandate_filter(territories=[territory]),
            user__in=listed_members(user).values("pk"),
        )
        .annotate(
            elsewhere=Case(
                When(territory=territory, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by(
            "elsewhere",
            "territory_rank",
            "role_rank",
            "territory__name",
            "user__last_name",
            "user__first_name",
            "pk",
        )[:limit]
    )


def upcoming_events_of(official, *, limit, now=None):
    """The next public dates of events ``official`` organises: in their own name, or in the
    name of an institution they belong to (``official.institutions``). One query."""
    from parvis.agenda.filters import local_midnight
    from parvis.agenda.selectors import public_occurrences

    now = now or timezone.now()
    organised = Q(event__created_by=official, event__organisation__isnull=True)
    institution_ids = [institution.pk for institution in official.institutions]
    if institution_ids:
        organised |= Q(event__organisation__in=institution_ids)
    return list(
        public_occurrences()
        .filter(organised, start__gte=local_midnight(timezone.localdate(now)), end__gte=now)
        .order_by("start", "pk")[:limit]
    )

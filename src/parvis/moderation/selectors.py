"""Reads of moderation: hidden items, sanctions, the moderators' queue, members' decisions.

Visibility helpers for the content apps (a hidden item is replaced, for everyone but staff and
its author, by a notice; lists leave it out):

- ``exclude_hidden(queryset, path="pk")``: leave out hidden items, for everyone (public
  lists, feeds, exports). ``path`` leads from the queryset's rows to the item
  (``"event"`` for occurrences of events).
- ``visible(queryset, user, path="pk")``: leave out hidden items, except for staff and their
  author (the registration's ``author_filter`` or ``author_field``); for ``*_visible_to(user)``
  selectors.
- ``annotate_hidden(queryset)``: add ``moderation_hidden`` (bool) to each row, to show a
  notice in place of a hidden item (messages of a thread).
- ``hidden_from(item, user)``: the object check of a detail page.
"""

import datetime as dt
import functools
from contextlib import suppress

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from redis.exceptions import RedisError

from . import registry
from .models import (
    RESTRICTIVE_ACTIONS,
    Appeal,
    AppealStatus,
    CaseStatus,
    Decision,
    ModerationCase,
    Report,
    Sanction,
)

# --- hidden items -----------------------------------------------------------------------------


#: The cache (Redis) may be down: the sanction check then asks the database.
CACHE_ERRORS = (RedisError, OSError)


def _of_model(model, prefix="content_type"):
    """Lookups selecting the cases of ``model`` by joining the content type (rather than
    loading it first: no extra query, whatever the content type cache holds)."""
    opts = model._meta.concrete_model._meta
    return {f"{prefix}__app_label": opts.app_label, f"{prefix}__model": opts.model_name}


def _path_model(queryset, path):
    """The model reached from ``queryset``'s model by the lookup ``path``."""
    model = queryset.model
    if path == "pk":
        return model
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def hidden_exists(model, path="pk"):
    """An ``Exists`` expression: the item at ``path`` (an outer reference) is hidden."""
    return _hidden_exists(model, path)


@functools.cache
def _hidden_exists(model, path):
    # Built once per model and path (every public list filters with it): Django resolves a
    # copy of the subquery in each query that uses it, never the expression itself.
    return Exists(
        ModerationCase.objects.filter(**_of_model(model), object_id=OuterRef(path), is_hidden=True)
    )


def exclude_hidden(queryset, path="pk"):
    """``queryset`` without the rows whose item (at ``path``) is hidden, for everyone."""
    return queryset.exclude(hidden_exists(_path_model(queryset, path), path))


def visible(queryset, user, path="pk"):
    """``queryset`` without hidden items, except for staff and for the items' author."""
    if user.is_authenticated and user.is_staff:
        return queryset
    model = _path_model(queryset, path)
    allowed = ~hidden_exists(model, path)
    entry = registry.get_for_model(model)
    prefix = "" if path == "pk" else f"{path}__"
    if user.is_authenticated and entry is not None and entry.author_filter is not None:
        # Several people answer for it (a team): the items they answer for, as a subquery.
        authored = model._default_manager.filter(entry.author_filter(user)).values("pk")
        allowed |= Q(**{f"{prefix}pk__in": authored})
    elif user.is_authenticated and entry is not None and entry.author_field:
        if "__" in entry.author_field:  # a to-many path: no duplicate rows
            authored = model._default_manager.filter(**{entry.author_field: user.pk}).values("pk")
            allowed |= Q(**{f"{prefix}pk__in": authored})
        else:
            allowed |= Q(**{f"{prefix}{entry.author_field}": user.pk})
    return queryset.filter(allowed)


def annotate_hidden(queryset, path="pk", name="moderation_hidden"):
    """Each row gets ``<name>``: whether its item (at ``path``) is hidden."""
    return queryset.annotate(**{name: hidden_exists(_path_model(queryset, path), path)})


def case_of(obj):
    """The moderation case of ``obj`` or ``None`` (remembered on the instance)."""
    if obj is None or obj.pk is None:
        return None
    if "_moderation_case" not in obj.__dict__:
        obj.__dict__["_moderation_case"] = (
            ModerationCase.objects.filter(**_of_model(type(obj)), object_id=obj.pk)
            .only("pk", "is_hidden", "hidden_automatically", "status")
            .first()
        )
    return obj.__dict__["_moderation_case"]


def is_hidden(obj) -> bool:
    """Whether ``obj`` is hidden; no query when it was loaded through ``annotate_hidden``."""
    annotated = obj.__dict__.get("moderation_hidden") if obj is not None else None
    if annotated is not None:
        return bool(annotated)
    case = case_of(obj)
    return bool(case and case.is_hidden)


def is_author(obj, user) -> bool:
    if not user.is_authenticated:
        return False
    entry = registry.get_for_model(obj)
    if entry is None:
        return False
    if entry.is_author is not None:
        return bool(entry.is_author(obj, user))
    if entry.author_field and "__" in entry.author_field:
        return (
            type(obj)._default_manager.filter(pk=obj.pk, **{entry.author_field: user.pk}).exists()
        )
    author = entry.author_of(obj)
    return author is not None and author.pk == user.pk


def hidden_from(obj, user) -> bool:
    """Whether ``obj`` is hidden by moderation for ``user``: the page shows a notice instead.

    Staff and the item's author still see it (with a banner saying it is hidden)."""
    if not is_hidden(obj):
        return False
    if user.is_authenticated and user.is_staff:
        return False
    return not is_author(obj, user)


# --- sanctions --------------------------------------------------------------------------------

_SANCTION_CACHE = "parvis:moderation:sanction:{}"
_SANCTION_CACHE_SECONDS = 3600


def active_sanctions(now=None):
    now = now or timezone.now()
    return Sanction.objects.filter(lifted_at__isnull=True, starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )


def sanctioned_exists(user_path="pk"):
    """An ``Exists`` expression: the member at ``user_path`` (an outer reference) is suspended
    or banned — to check it in the query that loads the member (the API's token lookup)."""
    return Exists(active_sanctions().filter(user_id=OuterRef(user_path)))


def active_sanction(user):
    """The member's current suspension or ban (a ban first, else the longest), or ``None``.

    Asked on every request of a logged-in member (``middleware.SanctionMiddleware``): the
    answer is cached, and the cache is cleared when a sanction is created or lifted."""
    if user is None or not user.is_authenticated:
        return None
    key = _SANCTION_CACHE.format(user.pk)
    try:
        cached = cache.get(key)
    except CACHE_ERRORS:  # Redis down: ask the database; the page still answers
        cached = None
    now = timezone.now()
    if cached is None:
        sanction = (
            active_sanctions(now)
            .filter(user_id=user.pk)
            .order_by("kind", "-ends_at")  # "ban" before "suspension", then the longest
            .first()
        )
        timeout = _SANCTION_CACHE_SECONDS
        if sanction is not None and sanction.ends_at is not None:
            timeout = max(1, min(timeout, int((sanction.ends_at - now).total_seconds()) + 1))
        cached = sanction or False
        with suppress(CACHE_ERRORS):
            cache.set(key, cached, timeout)
    if cached and not cached.is_active(now):
        forget_sanction(user.pk)
        return active_sanction(user)
    return cached or None


def forget_sanction(user_pk):
    with suppress(CACHE_ERRORS):
        cache.delete(_SANCTION_CACHE.format(user_pk))


# --- the moderators' queue --------------------------------------------------------------------


def cases_for_queue():
    """Cases with their number of reports, for the queue's list (one query)."""
    return ModerationCase.objects.select_related("content_type", "author").annotate(
        report_count=Count("reports", distinct=True)
    )


def case_reports(case):
    return case.reports.select_related("reporter", "reporter__commune").order_by("created_at")


def case_decisions(case):
    return (
        case.decisions.select_related("moderator", "author", "appeal", "appeal__decided_by")
        .prefetch_related("sanctions")
        .order_by("created_at")
    )


def author_history(author, *, exclude_case=None):
    """The author's other cases (with their decisions) and sanctions, newest first."""
    if author is None:
        return {"cases": [], "sanctions": [], "report_count": 0}
    cases = (
        ModerationCase.objects.filter(author=author)
        .select_related("content_type")
        .annotate(report_count=Count("reports", distinct=True))
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("moderator").order_by("-created_at"),
            )
        )
        .order_by("-created_at")
    )
    if exclude_case is not None:
        cases = cases.exclude(pk=exclude_case.pk)
    cases = list(cases[:20])
    sanctions = list(Sanction.objects.filter(user=author).select_related("decision")[:20])
    return {
        "cases": cases,
        "sanctions": sanctions,
        "report_count": sum(case.report_count for case in cases),
    }


def open_case_count():
    return ModerationCase.objects.filter(status=CaseStatus.OPEN).count()


def pending_appeals():
    return Appeal.objects.filter(status=AppealStatus.PENDING).select_related(
        "decision", "decision__case", "decision__moderator", "appellant"
    )


# --- members' decisions -----------------------------------------------------------------------


def decision_for_statement(pk):
    return (
        Decision.objects.filter(pk=pk)
        .select_related("case", "case__content_type", "author", "appeal")
        .prefetch_related("sanctions")
        .first()
    )


def decisions_concerning(user):
    """The decisions about ``user``'s content or account, newest first (their statements)."""
    return (
        Decision.objects.filter(author=user)
        .select_related("case", "case__content_type", "appeal")
        .order_by("-created_at")
    )


def appeal_deadline(decision, days):
    return decision.created_at + dt.timedelta(days=days)


def is_appealable(decision, *, days, now=None) -> bool:
    """A restrictive decision about a member, not appealed yet, within the appeal period."""
    now = now or timezone.now()
    if decision.action not in RESTRICTIVE_ACTIONS or decision.author_id is None:
        return False
    if hasattr(decision, "appeal"):  # False when the reverse one-to-one is missing
        return False
    return now <= appeal_deadline(decision, days)


def reports_by(user):
    return Report.objects.filter(reporter=user).select_related("case")

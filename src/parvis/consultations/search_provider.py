"""Consultations in the search box (``parvis.core.search``), registered by ``content.py``.

Published consultations not hidden by moderation (``published_consultations``), matched on
``consultation_vector`` (title A, context B), indexed by
``migrations/0005_consultation_full_text_search`` with the same expression.
"""

from django.contrib.postgres.search import SearchVector
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from parvis.core import search as core_search

from .selectors import published_consultations


def consultation_vector():
    """The document of a consultation (indexed as ``consultations_consultation_fts``)."""
    return SearchVector("title", config=core_search.CONFIG, weight="A") + SearchVector(
        "context", config=core_search.CONFIG, weight="B"
    )


def consultations_matching(user, query):
    return (
        core_search.text_search(
            published_consultations(),
            query,
            vector=consultation_vector(),
            fallback_fields=("title", "context"),
        )
        .select_related("organisation")
        .only("pk", "slug", "title", "opens_at", "closes_at", "organisation__name")
        .order_by("-score", "-closes_at", "-pk")
    )


def consultation_result(consultation):
    closes = formats.date_format(timezone.localtime(consultation.closes_at), "DATE_FORMAT")
    if consultation.closes_at > timezone.now():
        when = _("open until %(date)s") % {"date": closes}
    else:
        when = _("closed on %(date)s") % {"date": closes}
    by = consultation.organisation.name if consultation.organisation_id else ""
    return core_search.Result(
        title=consultation.title,
        url=consultation.get_absolute_url(),
        detail=f"{by} · {when}" if by else str(when),
    )


core_search.providers.register(
    core_search.SearchProvider(
        key="consultations",
        label=_("Consultations"),
        order=core_search.ORDER["consultations"],
        query=consultations_matching,
        result=consultation_result,
        audience=core_search.everyone,
    )
)

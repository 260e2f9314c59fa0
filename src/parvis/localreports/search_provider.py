"""Local reports in the search box (``parvis.core.search``), registered by ``content.py``:
reports not deleted nor hidden, matched on their place and description.

Their category's name is not matched: an expression index cannot reach the categories' table,
and an ``OR`` on the category (a few categories, each shared by many reports) would turn the
search into a scan of every report. The reports' list filters by category."""

from django.contrib.postgres.search import SearchVector
from django.utils.translation import gettext_lazy as _

from parvis.core import search as core_search
from parvis.moderation.selectors import exclude_hidden

from .selectors import reports_visible_to


def _vector():
    """Indexed as it is (``migrations/0003_full_text_search``): change both together."""
    return SearchVector("address", weight="A", config=core_search.CONFIG) + SearchVector(
        "description", weight="B", config=core_search.CONFIG
    )


def reports_matching(user, query):
    reports = exclude_hidden(reports_visible_to(user))
    return core_search.text_search(
        reports,
        query,
        vector=_vector(),
        fallback_fields=("description", "address"),
        newest=("-created_at", "-pk"),
    ).order_by("-score", "-created_at", "-pk")


def report_result(report):
    return core_search.Result(
        title=f"{report.category.name} — {report.commune.name}",
        url=report.get_absolute_url(),
        detail=f"{report.get_status_display().capitalize()} · {report.address}".rstrip(" ·"),
    )


core_search.providers.register(
    core_search.SearchProvider(
        key="signalements",
        label=_("Local reports"),
        order=85,
        query=reports_matching,
        result=report_result,
        audience=core_search.everyone,
    )
)

"""Open calls for volunteers in the search box (``parvis.core.search``), registered by
``content.py``: the calls a member may see, matched on their title (A) and description (B)."""

from django.contrib.postgres.search import SearchVector
from django.utils.translation import gettext_lazy as _

from parvis.core import search as core_search
from parvis.groups.selectors import readable_groups_audience
from parvis.moderation.selectors import exclude_hidden

from .models import CallStatus
from .selectors import calls_visible_to


def _vector():
    return SearchVector("title", weight="A", config=core_search.CONFIG) + SearchVector(
        "description", "place", weight="B", config=core_search.CONFIG
    )


def calls_matching(user, query):
    calls = exclude_hidden(calls_visible_to(user).filter(status=CallStatus.OPEN))
    return core_search.text_search(
        calls, query, vector=_vector(), fallback_fields=("title", "description")
    ).order_by("-score", "-created_at", "-pk")


def call_result(call):
    return core_search.Result(
        title=call.title, url=call.get_absolute_url(), detail=f"{call.runner} · {call.commune.name}"
    )


core_search.providers.register(
    core_search.SearchProvider(
        key="benevolat",
        label=_("Calls for volunteers"),
        order=75,
        query=calls_matching,
        result=call_result,
        # A group's calls show to those who read its content (``calls_visible_to``).
        audience=readable_groups_audience,
    )
)

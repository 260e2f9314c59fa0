"""Elected officials in the search box (``parvis.core.search``), registered by ``content.py``.

The officials ``user`` may find (``officials_visible_to``: the directory's rules), never hidden
by moderation; matched on their name (full text, or trigram similarity: typos forgiven), each
with their first verified mandate read in the same query.
"""

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import MandateRole
from parvis.core import search as core_search
from parvis.directory.search import member_vector
from parvis.moderation.selectors import exclude_hidden

from .selectors import ROLE_RANK, TERRITORY_RANK, officials_visible_to, verified_mandates


def officials_matching(user, query):
    first_mandate = (
        verified_mandates()
        .filter(user=OuterRef("pk"))
        .annotate(territory_rank=TERRITORY_RANK, role_rank=ROLE_RANK)
        .order_by("territory_rank", "role_rank", "territory__name", "pk")
    )
    return (
        core_search.name_search(
            exclude_hidden(officials_visible_to(user)),
            query,
            vector=member_vector(),
            names=("last_name", "first_name"),
        )
        .annotate(
            mandate_role=Subquery(first_mandate.values("role")[:1]),
            mandate_territory=Subquery(first_mandate.values("territory__name")[:1]),
        )
        .select_related(None)
        .only("pk", "email", "first_name", "last_name")
        .order_by("-score", "last_name", "first_name", "pk")
    )


def official_result(official):
    detail = ""
    if official.mandate_role:
        role = MandateRole(official.mandate_role).label
        detail = f"{str(role).capitalize()} · {official.mandate_territory}"
    return core_search.Result(
        title=official.get_full_name(),
        url=reverse("officials:detail", kwargs={"pk": official.pk}),
        detail=detail,
    )


core_search.providers.register(
    core_search.SearchProvider(
        key="elus",
        label=_("Elected officials"),
        order=core_search.ORDER["officials"],
        query=officials_matching,
        result=official_result,
        see_all_url=lambda query: f"{reverse('officials:list')}?{query.urlencoded}",
        audience=core_search.visitors_or_members,
    )
)

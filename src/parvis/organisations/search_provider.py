"""Organisations in the search box (``parvis.core.search``), registered by ``content.py``.

Verified associations and institutions, never hidden by moderation; matched on the indexed
``organisation_vector`` (name A, description B) or by the similarity of their name (typos
forgiven: trigram index of ``migrations/0005_organisation_name_trigram``).
"""

from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import VerificationStatus
from parvis.core import search as core_search
from parvis.directory.search import organisation_vector
from parvis.moderation.selectors import exclude_hidden

from .selectors import organisations_visible_to


def organisations_matching(user, query):
    organisations = exclude_hidden(
        organisations_visible_to(user).filter(status=VerificationStatus.VERIFIED)
    )
    return (
        core_search.name_search(
            organisations,
            query,
            vector=organisation_vector(),
            names=("name",),
            fallback_fields=("name", "description"),
            union=True,
        )
        .select_related("commune")
        .only("pk", "slug", "name", "kind", "commune__name")
        .order_by("-score", "name", "pk")
    )


def organisation_result(organisation):
    detail = organisation.get_kind_display().capitalize()
    if organisation.commune_id:
        detail = f"{detail} · {organisation.commune.name}"
    return core_search.Result(
        title=organisation.name, url=organisation.get_absolute_url(), detail=detail
    )


core_search.providers.register(
    core_search.SearchProvider(
        key="organisations",
        label=_("Organisations"),
        order=core_search.ORDER["organisations"],
        query=organisations_matching,
        result=organisation_result,
        audience=core_search.everyone,
    )
)

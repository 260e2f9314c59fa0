"""Members in the search box (``parvis.core.search``), registered by ``content.py``.

The members ``user`` may find in the directory (``listed_members``: their own choice of
visibility respected, never those who chose not to be listed nor hidden by moderation),
matched on their name (full text, or trigram similarity: typos forgiven).
"""

from django.utils.translation import gettext_lazy as _

from parvis.core import search as core_search
from parvis.moderation.selectors import exclude_hidden

from .search import member_vector
from .selectors import listed_members


def members_matching(user, query):
    return (
        core_search.name_search(
            exclude_hidden(listed_members(user)),
            query,
            vector=member_vector(),
            names=("last_name", "first_name"),
        )
        .only("pk", "email", "first_name", "last_name", "kind", "commune__name")
        .order_by("-score", "last_name", "first_name", "pk")
    )


def member_result(member):
    detail = str(member.get_kind_display()).capitalize()
    if member.commune_id:
        detail = f"{detail} · {member.commune.name}"
    return core_search.Result(
        title=member.get_full_name(), url=member.get_absolute_url(), detail=detail
    )


core_search.providers.register(
    core_search.SearchProvider(
        key="membres",
        label=_("Members"),
        order=core_search.ORDER["members"],
        query=members_matching,
        result=member_result,
        audience=core_search.visitors_or_members,
    )
)

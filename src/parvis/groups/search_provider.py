"""Groups and their discussions in the search box (``parvis.core.search``), registered by
``content.py``.

Groups: the ones ``user`` may find (``groups_visible_to``: public and private ones, not
deleted), never hidden by moderation. Discussions: only those of groups whose content ``user``
may read (``threads_visible_to``: public groups, and private ones they belong to), never
deleted nor in a hidden group. Both matched on the indexed documents of ``search.py``.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from parvis.core import search as core_search
from parvis.moderation.selectors import exclude_hidden

from .models import GroupStatus, Visibility
from .search import group_vector, thread_vector
from .selectors import groups_visible_to, readable_groups_audience, threads_visible_to


def groups_matching(user, query):
    groups = exclude_hidden(groups_visible_to(user).exclude(status=GroupStatus.DELETED))
    return (
        core_search.text_search(
            groups, query, vector=group_vector(), fallback_fields=("name", "description")
        )
        .only("pk", "slug", "name", "visibility", "member_count", "last_activity_at")
        .order_by("-score", "-last_activity_at", "-pk")
    )


def group_result(group):
    members = ngettext("%(count)s member", "%(count)s members", group.member_count) % {
        "count": group.member_count
    }
    if group.visibility == Visibility.PRIVATE:
        members = f"{_('Private group')} · {members}"
    return core_search.Result(title=group.name, url=group.get_absolute_url(), detail=members)


def threads_matching(user, query):
    threads = exclude_hidden(
        threads_visible_to(user).exclude(group__status=GroupStatus.DELETED), "group"
    )
    return (
        core_search.text_search(threads, query, vector=thread_vector(), fallback_fields=("title",))
        .select_related("group")
        .only("pk", "title", "last_activity_at", "group__slug", "group__name")
        .order_by("-score", "-last_activity_at", "-pk")
    )


def thread_result(thread):
    return core_search.Result(
        title=thread.title,
        url=thread.get_absolute_url(),
        detail=_("in %(group)s") % {"group": thread.group.name},
    )


core_search.providers.register(
    core_search.SearchProvider(
        key="groupes",
        label=_("Groups"),
        order=core_search.ORDER["groups"],
        query=groups_matching,
        result=group_result,
        see_all_url=lambda query: f"{reverse('groups:index')}?{query.urlencoded}",
        # Every group not deleted nor hidden, private ones included, whoever asks.
        audience=core_search.everyone,
    )
)
core_search.providers.register(
    core_search.SearchProvider(
        key="discussions",
        label=_("Discussions"),
        order=core_search.ORDER["discussions"],
        query=threads_matching,
        result=thread_result,
        audience=readable_groups_audience,
    )
)

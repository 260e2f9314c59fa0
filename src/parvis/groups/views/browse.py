"""Reading the groups: the list, a group's page and its members, search (in one group
or in every group the reader may read)."""

from django.shortcuts import render
from django.utils.translation import ngettext

from parvis.accounts.selectors import member_is_visible_to
from parvis.core import pagecache
from parvis.core.htmx import is_htmx, render_list, results_fragment
from parvis.core.pagecache import public_page
from parvis.core.pagination import Paginator
from parvis.core.richtext import render_markdown
from parvis.core.routers import replica_reads
from parvis.moderation.selectors import hidden_from, visible
from parvis.moderation.views import render_hidden

from .. import mentions, search
from ..forms import GroupFilterForm, SearchForm
from ..models import Membership, MembershipState, Message, Thread
from ..selectors import group_list as select_group_list
from ..selectors import (
    group_list_tags,
    group_members,
    group_moderators,
    group_threads,
    group_upcoming_events,
    in_territory,
    is_site_moderator,
    mark_unread,
    membership_of,
    mentionable_members,
    messages_visible_to,
    pending_requests,
    threads_visible_to,
    visitor_group_list,
)
from .common import (
    GROUPS_PER_PAGE,
    MEMBERS_PER_PAGE,
    RESULTS_PER_PAGE,
    THREADS_PER_PAGE,
    CappedPaginator,
    _group_or_404,
    _message_results,
    _page_number,
    _readable_group_or_404,
    _viewer_context,
)


@public_page(params=(*GroupFilterForm.base_fields, "page"), dynamic=True)
@replica_reads
def group_list(request):
    """Groups by latest activity, filtered by theme, territory and words (all in the URL)."""
    form = GroupFilterForm(request.GET)
    text, theme, territories, mine = form.filters()
    pagecache.depends_on(*group_list_tags(theme, territories))
    words = search.search_words(text)
    if not request.user.is_authenticated and not words:
        groups = visitor_group_list(theme, territories)
    else:
        groups = select_group_list(request.user)
        if theme:
            groups = groups.filter(theme=theme)
        for territory in territories:
            groups = groups.filter(in_territory(territory))
        if mine and request.user.is_authenticated:
            groups = groups.filter(
                memberships__user=request.user, memberships__state=MembershipState.ACTIVE
            )
        groups = search.matching(
            groups,
            words=words,
            vector=search.group_vector(),
            fallback_fields=("name", "description"),
        )
        if words and search.full_text_available(groups):
            groups = groups.order_by("-rank", "-last_activity_at", "-pk")
    page = Paginator(groups, GROUPS_PER_PAGE).get_page(_page_number(request))
    my_ids = set()
    if request.user.is_authenticated:
        my_ids = set(
            Membership.objects.filter(
                user=request.user,
                state=MembershipState.ACTIVE,
                group__in=[group.pk for group in page.object_list],
            ).values_list("group_id", flat=True)
        )
    for group in page.object_list:
        group.is_mine = group.pk in my_ids
    context = {
        "form": form,
        "page": page,
        "filtered": bool(text.strip() or theme or territories or mine),
        "can_create": request.user.has_perm("groups.create_group"),
    }
    if is_htmx(request) and request.user.is_authenticated:  # filters or another page, in place
        count = page.paginator.count
        found = ngettext("%(counter)s group", "%(counter)s groups", count) % {"counter": count}
        return results_fragment(request, "groups/_group_results.html", context, page, found=found)
    return render(request, "groups/group_list.html", context)


@replica_reads
def search_all(request):
    """Messages of every group ``request.user`` may read that match the words (and the
    discussions whose title matches)."""
    form = SearchForm(request.GET)
    form.is_valid()
    text = form.cleaned_data.get("q", "") if hasattr(form, "cleaned_data") else ""
    words = search.search_words(text)
    page = threads = None
    if words:
        threads = list(
            search.matching(
                threads_visible_to(request.user),
                words=words,
                vector=search.thread_vector(),
                fallback_fields=("title",),
            )
            .select_related("group")
            .order_by("-last_activity_at", "-pk")[:10]
        )
        results = _message_results(messages_visible_to(request.user), words)
        page = CappedPaginator(results, RESULTS_PER_PAGE).get_page(_page_number(request))
    return render_list(
        request,
        "groups/search.html",
        "groups/_search_results.html",
        {"form": form, "words": words, "page": page, "threads": threads, "group": None},
        page,
    )


@public_page(params=("page",), dynamic=True)
def group_detail(request, slug):
    group = _group_or_404(request, slug, hidden_ok=True)
    # Its discussions, its members and its events, whichever items show.
    pagecache.depends_on(
        pagecache.scoped("groups.thread", "group", group.pk),
        pagecache.scoped("groups.membership", "group", group.pk),
        pagecache.scoped("agenda.event", "group", group.pk),
    )
    if hidden_from(group, request.user):  # hidden by moderation: a notice instead
        return render_hidden(request, group)
    context = _viewer_context(request, group)
    if context["readable"]:
        threads = Paginator(group_threads(group, request.user), THREADS_PER_PAGE).get_page(
            _page_number(request)
        )
        mark_unread(threads.object_list, context["membership"])
        context.update(
            description_html=render_markdown(group.description),
            threads=threads,
            moderators=list(group_moderators(group)),
            upcoming=group_upcoming_events(group),
            search_form=SearchForm(),
        )
    else:
        context["description_html"] = render_markdown(group.description)
    if context["can_manage"]:
        context["pending_count"] = pending_requests(group).count()
    threads = context["threads"] if context.get("readable") else None
    return render_list(
        request, "groups/group_detail.html", "groups/_thread_results.html", context, threads
    )


def group_member_list(request, slug):
    group = _readable_group_or_404(request, slug)
    page = Paginator(group_members(group), MEMBERS_PER_PAGE).get_page(_page_number(request))
    viewer_is_member = membership_of(request.user, group) is not None or is_site_moderator(
        request.user
    )
    hidden = 0
    shown = []
    for membership in page.object_list:
        # Members see each other; others see the names of those whose profile they may see.
        membership.listed = viewer_is_member or member_is_visible_to(membership.user, request.user)
        membership.linked = member_is_visible_to(membership.user, request.user)
        if membership.listed:
            shown.append(membership)
        else:
            hidden += 1
    # Handles are unique within the whole group (a clash adds the member number).
    handles = (
        mentions.member_handles(list(mentionable_members(group).order_by()))
        if viewer_is_member
        else {}
    )
    for membership in shown:
        membership.handle = handles.get(membership.user_id, "")
    context = {**_viewer_context(request, group), "page": page, "shown": shown, "hidden": hidden}
    return render_list(
        request, "groups/member_list.html", "groups/_member_results.html", context, page
    )


def group_search(request, slug):
    group = _readable_group_or_404(request, slug)
    form = SearchForm(request.GET)
    form.is_valid()
    text = form.cleaned_data.get("q", "")
    words = search.search_words(text)
    page = threads = None
    if words:
        threads = list(
            search.matching(
                Thread.objects.filter(group=group, deleted_at__isnull=True),
                words=words,
                vector=search.thread_vector(),
                fallback_fields=("title",),
            )
            .select_related("group")
            .order_by("-last_activity_at", "-pk")[:10]
        )
        results = _message_results(
            visible(
                Message.objects.filter(thread__group=group, thread__deleted_at__isnull=True),
                request.user,
            ),
            words,
        )
        page = CappedPaginator(results, RESULTS_PER_PAGE).get_page(_page_number(request))
    return render_list(
        request,
        "groups/search.html",
        "groups/_search_results.html",
        {"form": form, "words": words, "page": page, "threads": threads, "group": group},
        page,
    )

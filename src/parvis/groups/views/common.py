"""What the groups' pages share: page sizes, paging, error messages, loading a group,
a discussion or a message through the selectors' visibility pairs (404 otherwise),
and what the page header needs about the viewer."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from parvis.core.pagination import CappedPaginator  # noqa: F401 (the views import it here)
from parvis.moderation.selectors import hidden_from

from .. import search
from ..selectors import (
    group_content_is_readable_by,
    group_for_page,
    group_is_visible_to,
    is_site_moderator,
    membership_of,
    message_in_thread,
    pending_invitation_of,
    pending_request_of,
    thread_for_page,
)

GROUPS_PER_PAGE = 20


THREADS_PER_PAGE = 20


MEMBERS_PER_PAGE = 50


RESULTS_PER_PAGE = 20


#: Members shown on the group page before "all members".
MEMBERS_SHOWN = 12


def _page_number(request, key="page"):
    """The page asked for, as a positive integer (1 for anything else)."""
    try:
        number = int(request.GET.get(key, "1"))
    except (TypeError, ValueError):
        return 1
    return number if number >= 1 else 1


def _show_errors(request, error):
    for message in getattr(error, "messages", None) or [str(error)]:
        messages.error(request, message)


def _group_or_404(request, slug, *, hidden_ok=False):
    """The group ``slug`` if ``request.user`` may see it listed (else 404). Hidden by
    moderation: 404 too, except for those who run it and the staff (``hidden_ok``: the
    caller shows the notice instead)."""
    group = group_for_page(slug)
    if group is None or not group_is_visible_to(group, request.user):
        raise Http404
    if not hidden_ok and hidden_from(group, request.user):
        raise Http404
    return group


def _readable_group_or_404(request, slug):
    """The group ``slug`` if ``request.user`` may read its content (else 404)."""
    group = _group_or_404(request, slug)
    if not group_content_is_readable_by(group, request.user):
        raise Http404
    return group


def _thread_or_404(request, slug, pk):
    group = _readable_group_or_404(request, slug)
    thread = thread_for_page(group, pk)
    if thread is None:
        raise Http404
    return group, thread


def _message_or_404(request, slug, pk, message_pk):
    group, thread = _thread_or_404(request, slug, pk)
    message = message_in_thread(thread, message_pk)
    if message is None:
        raise Http404
    return group, thread, message


def _require_perm(request, permission, obj):
    if not request.user.has_perm(permission, obj):
        raise PermissionDenied


def _message_results(queryset, words):
    """Messages matching ``words`` (``queryset`` leaves out what the reader may not see,
    messages hidden by moderation included)."""
    return (
        search.matching_messages(queryset.filter(deleted_at__isnull=True), words=words)
        .select_related("author", "thread", "thread__group")
        .order_by("-created_at", "-pk")
    )


def _viewer_context(request, group):
    """What the page's header and action buttons need about the viewer."""
    user = request.user
    membership = membership_of(user, group)
    invitation = pending_invitation_of(user, group) if membership is None else None
    join_request = (
        pending_request_of(user, group)
        if membership is None and group.join_policy == "request"
        else None
    )
    return {
        "group": group,
        "membership": membership,
        "invitation": invitation,
        "join_request": join_request,
        "readable": group_content_is_readable_by(group, user),
        "can_join": user.has_perm("groups.join_group", group),
        "can_request": user.has_perm("groups.request_membership", group),
        "can_leave": membership is not None,
        "can_edit": user.has_perm("groups.change_group_settings", group),
        "can_manage": user.has_perm("groups.manage_members", group),
        "can_start_thread": user.has_perm("groups.start_thread", group),
        "is_site_moderator": is_site_moderator(user),
        "login_url": reverse("account_login") + "?" + urlencode({"next": request.get_full_path()}),
    }

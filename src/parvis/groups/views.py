"""Pages of the groups: the list, a group's page, its discussions, members and management.

Views are thin: load through the selectors' visibility pair (what the person may not read
answers 404), check the named rule, call a service, render or redirect with a message.
Services' ``ValidationError``\\ s become messages and change nothing.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.accounts.models import User
from parvis.accounts.selectors import member_is_visible_to
from parvis.core import pagecache
from parvis.core.pagecache import public_page
from parvis.core.richtext import render_markdown
from parvis.core.routers import replica_reads
from parvis.moderation.selectors import hidden_from, visible
from parvis.moderation.views import render_hidden

from . import mentions, search, services
from .forms import (
    DecisionForm,
    GroupFilterForm,
    GroupForm,
    InviteForm,
    JoinRequestForm,
    MessageEditForm,
    MoveForm,
    ReasonForm,
    ReplyForm,
    RoleForm,
    SearchForm,
    ThreadForm,
    TransferForm,
)
from .models import (
    Ban,
    GroupStatus,
    Invitation,
    JoinRequest,
    Membership,
    MembershipState,
    Message,
    Role,
    Thread,
)
from .selectors import (
    group_bans,
    group_content_is_readable_by,
    group_for_page,
    group_is_visible_to,
    group_members,
    group_moderators,
    group_threads,
    group_upcoming_events,
    groups_of,
    in_territory,
    invitations_pending_for,
    is_site_moderator,
    mark_unread,
    membership_of,
    mentionable_members,
    message_in_thread,
    message_revisions,
    messages_visible_to,
    pending_invitation_of,
    pending_invitations,
    pending_request_of,
    pending_requests,
    role_of,
    thread_for_page,
    thread_messages,
    thread_page_count,
    thread_read_of,
    threads_visible_to,
)
from .selectors import (
    group_list as select_group_list,
)

GROUPS_PER_PAGE = 20
THREADS_PER_PAGE = 20
MEMBERS_PER_PAGE = 50
RESULTS_PER_PAGE = 20
#: Members shown on the group page before "all members".
MEMBERS_SHOWN = 12


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (search results): beyond, the page says "more than"."""

    cap = 500
    truncated = False

    @cached_property
    def count(self):
        counted = self.object_list[: self.cap + 1].count()
        self.truncated = counted > self.cap
        return min(counted, self.cap)


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


# --- loading through the visibility pairs -------------------------------------------------


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


# --- the list, search, invitations --------------------------------------------------------


@public_page("groups.group", params=(*GroupFilterForm.base_fields, "page"))
@replica_reads
def group_list(request):
    """Groups by latest activity, filtered by theme, territory and words (all in the URL)."""
    form = GroupFilterForm(request.GET)
    text, theme, territories, mine = form.filters()
    groups = select_group_list(request.user)
    if theme:
        groups = groups.filter(theme=theme)
    for territory in territories:
        groups = groups.filter(in_territory(territory))
    if mine and request.user.is_authenticated:
        groups = groups.filter(
            memberships__user=request.user, memberships__state=MembershipState.ACTIVE
        )
    words = search.search_words(text)
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
    return render(
        request,
        "groups/group_list.html",
        {
            "form": form,
            "page": page,
            "filtered": bool(text.strip() or theme or territories or mine),
            "can_create": request.user.has_perm("groups.create_group"),
        },
    )


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
    return render(
        request,
        "groups/search.html",
        {"form": form, "words": words, "page": page, "threads": threads, "group": None},
    )


def _message_results(queryset, words):
    """Messages matching ``words`` (``queryset`` leaves out what the reader may not see,
    messages hidden by moderation included)."""
    return (
        search.matching_messages(queryset.filter(deleted_at__isnull=True), words=words)
        .select_related("author", "thread", "thread__group")
        .order_by("-created_at", "-pk")
    )


@login_required
def my_invitations(request):
    return render(
        request,
        "groups/invitations.html",
        {"invitations": invitations_pending_for(request.user)},
    )


@login_required
def group_create(request):
    if not request.user.has_perm("groups.create_group"):
        return render(request, "groups/create_denied.html", status=403)
    form = GroupForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(creator=request.user, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Your group is created: invite members or start a discussion.")
            )
            return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": None})


# --- a group's page -----------------------------------------------------------------------


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
    return render(request, "groups/group_detail.html", context)


@login_required
def group_edit(request, slug):
    group = _readable_group_or_404(request, slug)
    _require_perm(request, "groups.change_group_settings", group)
    form = GroupForm(request.POST or None, request.FILES or None, user=request.user, group=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, actor=request.user, **form.service_data())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The group's settings are saved."))
            return redirect(group)
    return render(request, "groups/group_form.html", {"form": form, "group": group})


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
    return render(
        request,
        "groups/member_list.html",
        {**_viewer_context(request, group), "page": page, "shown": shown, "hidden": hidden},
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
    return render(
        request,
        "groups/search.html",
        {"form": form, "words": words, "page": page, "threads": threads, "group": group},
    )


# --- joining and leaving ------------------------------------------------------------------


@login_required
@require_POST
def group_join(request, slug):
    group = _group_or_404(request, slug)
    try:
        services.membership_join(group=group, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Welcome to the group!"))
    return redirect(group)


@login_required
def group_request(request, slug):
    group = _group_or_404(request, slug)
    form = JoinRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_request(
                group=group, user=request.user, message=form.cleaned_data["message"]
            )
        except PermissionDenied as error:
            _show_errors(request, error)
            return redirect(group)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Your request is sent: the group's moderators will answer.")
            )
            return redirect(group)
    return render(request, "groups/request_form.html", {"group": group, "form": form})


@login_required
@require_POST
def group_request_withdraw(request, slug):
    group = _group_or_404(request, slug)
    join_request = pending_request_of(request.user, group)
    if join_request is None:
        messages.error(request, _("You have no pending request for this group."))
        return redirect(group)
    services.request_withdraw(join_request=join_request, user=request.user)
    messages.success(request, _("Your request is withdrawn."))
    return redirect(group)


@login_required
@require_POST
def group_invitation_answer(request, slug):
    group = _group_or_404(request, slug)
    invitation = pending_invitation_of(request.user, group)
    if invitation is None:
        messages.error(request, _("You have no pending invitation to this group."))
        return redirect(group)
    try:
        if request.POST.get("answer") == "accept":
            services.invitation_accept(invitation=invitation, user=request.user)
            messages.success(request, _("Welcome to the group!"))
        else:
            services.invitation_decline(invitation=invitation, user=request.user)
            messages.success(request, _("Invitation declined."))
    except (ValidationError, PermissionDenied) as error:
        _show_errors(request, error)
    if request.POST.get("next") == "invitations":
        return redirect("groups:invitations")
    return redirect(group)


@login_required
def group_leave(request, slug):
    group = _group_or_404(request, slug)
    membership = membership_of(request.user, group)
    if membership is None:
        messages.error(request, _("You are not a member of this group."))
        return redirect(group)
    if request.method == "POST":
        services.membership_leave(group=group, user=request.user)
        messages.success(request, _("You have left the group."))
        if group_content_is_readable_by(group, request.user):
            return redirect(group)
        return redirect("groups:index")
    return render(request, "groups/leave_confirm.html", {"group": group, "membership": membership})


# --- managing members ---------------------------------------------------------------------


def _managed_group(request, slug):
    group = _readable_group_or_404(request, slug)
    _require_perm(request, "groups.manage_members", group)
    return group


@login_required
def group_manage(request, slug):
    group = _managed_group(request, slug)
    return _render_manage(request, group)


def _render_manage(request, group, *, invite_form=None, status=200):
    members = list(group_members(group))
    return render(
        request,
        "groups/manage.html",
        {
            **_viewer_context(request, group),
            "requests": pending_requests(group),
            "invitations": pending_invitations(group),
            "members": members,
            "bans": group_bans(group),
            "invite_form": invite_form or InviteForm(),
            "role_form": RoleForm(),
            "can_change_roles": request.user.has_perm("groups.change_roles", group),
            "can_transfer": request.user.has_perm("groups.transfer_ownership", group),
            "viewer_role": role_of(request.user, group),
        },
        status=status,
    )


def _member_or_404(group, user_id):
    membership = (
        Membership.objects.filter(group=group, user_id=user_id, state=MembershipState.ACTIVE)
        .select_related("user", "group")
        .first()
    )
    if membership is None:
        raise Http404
    membership.group = group
    return membership


@login_required
@require_POST
def request_decide(request, slug, request_id):
    group = _managed_group(request, slug)
    join_request = (
        JoinRequest.objects.filter(group=group, pk=request_id).select_related("user").first()
    )
    if join_request is None:
        raise Http404
    join_request.group = group
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _show_errors(
            request, ValidationError([e for errors in form.errors.values() for e in errors])
        )
        return redirect("groups:manage", slug=group.slug)
    try:
        if form.cleaned_data["decision"] == "accept":
            services.request_accept(
                join_request=join_request,
                moderator=request.user,
                message=form.cleaned_data["message"],
            )
            messages.success(
                request,
                _("%(name)s is now a member of the group.")
                % {"name": join_request.user.get_full_name()},
            )
        else:
            services.request_refuse(
                join_request=join_request,
                moderator=request.user,
                message=form.cleaned_data["message"],
            )
            messages.success(request, _("Request refused; the member is told."))
    except (ValidationError, PermissionDenied) as error:
        _show_errors(request, error)
    return redirect("groups:manage", slug=group.slug)


@login_required
@require_POST
def member_invite(request, slug):
    group = _managed_group(request, slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                group=group,
                inviter=request.user,
                email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "If this address belongs to a member of the site who is not invited yet, "
                    "they will find the invitation in their notifications."
                ),
            )
            return redirect("groups:manage", slug=group.slug)
    return _render_manage(request, group, invite_form=form, status=400)


@login_required
@require_POST
def invitation_withdraw(request, slug, invitation_id):
    group = _managed_group(request, slug)
    invitation = Invitation.objects.filter(group=group, pk=invitation_id).first()
    if invitation is None:
        raise Http404
    invitation.group = group
    try:
        services.invitation_cancel(invitation=invitation, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("groups:manage", slug=group.slug)


@login_required
@require_POST
def member_role(request, slug, user_id):
    group = _readable_group_or_404(request, slug)
    _require_perm(request, "groups.change_roles", group)
    membership = _member_or_404(group, user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose moderator or member."))
        return redirect("groups:manage", slug=group.slug)
    try:
        services.role_change(
            membership=membership, actor=request.user, role=form.cleaned_data["role"]
        )
    except (ValidationError, PermissionDenied) as error:
        _show_errors(request, error)
    else:
        messages.success(
            request,
            _("%(name)s is now %(role)s.")
            % {"name": membership.user.get_full_name(), "role": membership.get_role_display()},
        )
    return redirect("groups:manage", slug=group.slug)


def _ban_target_or_404(group, user_id):
    """An active member, or someone with a pending request (banned from the requests list)."""
    membership = (
        Membership.objects.filter(group=group, user_id=user_id, state=MembershipState.ACTIVE)
        .select_related("user")
        .first()
    )
    if membership is None:
        join_request = (
            JoinRequest.objects.filter(group=group, user_id=user_id, status="pending")
            .select_related("user")
            .first()
        )
        if join_request is None:
            raise Http404
        membership = Membership(group=group, user=join_request.user, role=Role.MEMBER)
    membership.group = group
    return membership


def _member_action(request, slug, user_id, *, ban):
    group = _managed_group(request, slug)
    membership = _ban_target_or_404(group, user_id) if ban else _member_or_404(group, user_id)
    form = ReasonForm(request.POST or None, required=ban)
    if request.method == "POST" and form.is_valid():
        try:
            if ban:
                services.member_ban(
                    group=group,
                    user=membership.user,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("The member is banned from the group."))
            else:
                services.member_remove(
                    membership=membership, actor=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The member is removed from the group."))
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            _show_errors(request, error)
            return redirect("groups:manage", slug=group.slug)
        else:
            return redirect("groups:manage", slug=group.slug)
    return render(
        request,
        "groups/member_action.html",
        {"group": group, "target": membership, "form": form, "ban": ban},
    )


@login_required
def member_remove(request, slug, user_id):
    return _member_action(request, slug, user_id, ban=False)


@login_required
def member_ban(request, slug, user_id):
    return _member_action(request, slug, user_id, ban=True)


@login_required
@require_POST
def ban_lift(request, slug, ban_id):
    group = _managed_group(request, slug)
    ban = Ban.objects.filter(group=group, pk=ban_id).first()
    if ban is None:
        raise Http404
    ban.group = group
    services.ban_lift(ban=ban, actor=request.user)
    messages.success(request, _("The ban is lifted: this person may ask to join again."))
    return redirect("groups:manage", slug=group.slug)


@login_required
def ownership_transfer(request, slug):
    group = _readable_group_or_404(request, slug)
    _require_perm(request, "groups.transfer_ownership", group)
    members = (
        User.objects.filter(
            group_memberships__group=group,
            group_memberships__state=MembershipState.ACTIVE,
            is_active=True,
        )
        .exclude(group_memberships__group=group, group_memberships__role=Role.OWNER)
        .order_by("last_name", "first_name")
    )
    form = TransferForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.ownership_transfer(
                group=group, actor=request.user, new_owner=form.cleaned_data["new_owner"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Ownership transferred. You are now a moderator of the group.")
            )
            return redirect(group)
    return render(request, "groups/transfer.html", {"group": group, "form": form})


# --- discussions --------------------------------------------------------------------------


@login_required
def thread_create(request, slug):
    group = _readable_group_or_404(request, slug)
    if not request.user.has_perm("groups.start_thread", group):
        return render(
            request, "groups/not_allowed.html", {**_viewer_context(request, group)}, status=403
        )
    form = ThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.thread_create(
                group=group,
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your discussion is started."))
            return redirect(thread)
    return render(request, "groups/thread_form.html", {"group": group, "form": form})


def _decorate_messages(request, thread, page_messages, *, read_position):
    user = request.user
    for message in page_messages:
        message.can_edit = user.has_perm("groups.edit_message", message)
        message.can_delete = user.has_perm("groups.delete_message", message)
        message.can_see_history = message.edited_at is not None and user.has_perm(
            "groups.see_message_history", message
        )
        message.is_new = read_position is not None and message.position > read_position
        message.removed_by_moderator = bool(
            message.deleted_at and message.deleted_by_id != message.author_id
        )
    return page_messages


@public_page("groups.message@thread:{pk}", params=("page",))
def thread_detail(request, slug, pk):
    group, thread = _thread_or_404(request, slug, pk)
    pages = thread_page_count(thread)
    number = min(_page_number(request), pages)
    page_messages = thread_messages(thread, page=number)
    membership = membership_of(request.user, group)
    read = thread_read_of(request.user, thread) if membership else None
    read_position = read.last_position if read else (0 if membership else None)
    _decorate_messages(request, thread, page_messages, read_position=read_position)
    if membership and page_messages:
        last = page_messages[-1].position
        if read is None or read.last_position < last or read.read_at < thread.last_activity_at:
            services.thread_mark_read(thread=thread, user=request.user, position=last)
    can_reply = request.user.has_perm("groups.reply_to_thread", thread)
    return render(
        request,
        "groups/thread_detail.html",
        {
            **_viewer_context(request, group),
            "thread": thread,
            "page_messages": page_messages,
            "page_number": number,
            "pages": pages,
            "page_range": range(1, pages + 1),
            "can_reply": can_reply,
            "can_moderate": request.user.has_perm("groups.moderate_thread", thread),
            "reply_form": ReplyForm() if can_reply else None,
        },
    )


@login_required
def thread_reply(request, slug, pk):
    """The reply form (with ``?citer=<message id>``, quoting it); posting adds the reply."""
    group, thread = _thread_or_404(request, slug, pk)
    quoted = None
    quoted_pk = request.POST.get("quoted") or request.GET.get("citer")
    if quoted_pk:
        quoted = message_in_thread(thread, quoted_pk)
        if quoted is None:
            messages.error(request, _("The message to quote is not in this discussion."))
            return redirect(thread)
    if not request.user.has_perm("groups.reply_to_thread", thread):
        if membership_of(request.user, group) is None:
            messages.error(request, _("Join the group to reply."))
        elif thread.locked:
            messages.error(request, _("This discussion is locked: no more replies."))
        else:
            messages.error(request, _("You may not reply here."))
        return redirect(thread)
    if quoted is not None and quoted.deleted_at is not None:
        messages.error(request, _("This message was deleted: it cannot be quoted."))
        return redirect(thread)
    if quoted is not None and hidden_from(quoted, request.user):
        messages.error(request, _("This message was hidden by moderation: it cannot be quoted."))
        return redirect(thread)
    form = ReplyForm(request.POST or None, initial={"quoted": quoted.pk if quoted else None})
    if request.method == "POST" and form.is_valid():
        try:
            message = services.message_post(
                thread=thread, author=request.user, body=form.cleaned_data["body"], quoted=quoted
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your reply is posted."))
            return redirect(_message_url(group, thread, message))
    return render(
        request,
        "groups/reply_form.html",
        {"group": group, "thread": thread, "form": form, "quoted": quoted},
        status=400 if form.errors else 200,
    )


def _message_url(group, thread, message):
    url = reverse("groups:thread", kwargs={"slug": group.slug, "pk": thread.pk})
    if message.page_number > 1:
        url += f"?page={message.page_number}"
    return f"{url}#{message.anchor}"


def message_permalink(request, slug, pk, message):
    group, thread, message = _message_or_404(request, slug, pk, message)
    return redirect(_message_url(group, thread, message))


@login_required
def message_edit(request, slug, pk, message):
    group, thread, message = _message_or_404(request, slug, pk, message)
    if not request.user.has_perm("groups.edit_message", message):
        if message.deleted_at is not None:
            messages.error(request, _("This message was deleted."))
        elif thread.locked:
            messages.error(
                request, _("This discussion is locked: messages can no longer be edited.")
            )
        else:
            messages.error(request, _("Only its author may edit a message."))
        return redirect(_message_url(group, thread, message))
    form = MessageEditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.message_edit(
                message=message, editor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your message is updated."))
            return redirect(_message_url(group, thread, message))
    return render(
        request,
        "groups/message_edit.html",
        {"group": group, "thread": thread, "message": message, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def message_delete(request, slug, pk, message):
    group, thread, message = _message_or_404(request, slug, pk, message)
    if not request.user.has_perm("groups.delete_message", message):
        messages.error(
            request,
            _("This message is already deleted.")
            if message.deleted_at
            else _("You may not delete this message."),
        )
        return redirect(_message_url(group, thread, message))
    own = message.author_id == request.user.pk
    form = ReasonForm(request.POST or None, required=not own)
    if request.method == "POST" and form.is_valid():
        try:
            services.message_delete(
                message=message, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The message is deleted."))
            return redirect(_message_url(group, thread, message))
    return render(
        request,
        "groups/message_delete.html",
        {"group": group, "thread": thread, "message": message, "form": form, "own": own},
    )


@login_required
def message_history(request, slug, pk, message):
    group, thread, message = _message_or_404(request, slug, pk, message)
    _require_perm(request, "groups.see_message_history", message)
    return render(
        request,
        "groups/message_history.html",
        {
            "group": group,
            "thread": thread,
            "message": message,
            "revisions": message_revisions(message),
        },
    )


def _moderated_thread(request, slug, pk):
    group, thread = _thread_or_404(request, slug, pk)
    _require_perm(request, "groups.moderate_thread", thread)
    return group, thread


@login_required
@require_POST
def thread_pin(request, slug, pk):
    group, thread = _moderated_thread(request, slug, pk)
    pinned = request.POST.get("pinned") != "0"
    services.thread_pin(thread=thread, actor=request.user, pinned=pinned)
    messages.success(request, _("Discussion pinned.") if pinned else _("Discussion unpinned."))
    return redirect(thread)


@login_required
@require_POST
def thread_lock(request, slug, pk):
    group, thread = _moderated_thread(request, slug, pk)
    locked = request.POST.get("locked") != "0"
    services.thread_lock(thread=thread, actor=request.user, locked=locked)
    messages.success(
        request,
        _("Discussion locked: no more replies.") if locked else _("Discussion unlocked."),
    )
    return redirect(thread)


@login_required
def thread_move(request, slug, pk):
    group, thread = _moderated_thread(request, slug, pk)
    if is_site_moderator(request.user):
        targets = select_group_list(request.user).filter(status=GroupStatus.ACTIVE)
    else:
        targets = groups_of(request.user).filter(
            status=GroupStatus.ACTIVE,
            memberships__user=request.user,
            memberships__role__in=(Role.OWNER, Role.MODERATOR),
        )
    form = MoveForm(request.POST or None, groups=targets.exclude(pk=group.pk).order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            services.thread_move(
                thread=thread, actor=request.user, to_group=form.cleaned_data["to_group"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Discussion moved."))
            return redirect(thread)
    return render(
        request, "groups/thread_move.html", {"group": group, "thread": thread, "form": form}
    )


@login_required
def thread_delete(request, slug, pk):
    group, thread = _moderated_thread(request, slug, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.thread_delete(
                thread=thread, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Discussion deleted."))
            return redirect(group)
    return render(
        request, "groups/thread_delete.html", {"group": group, "thread": thread, "form": form}
    )

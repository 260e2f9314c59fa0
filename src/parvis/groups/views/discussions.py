"""Discussions: starting one, reading it, replying, a message's permalink, editing,
deleting and its history; pinning, locking, moving and deleting a discussion."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.core.htmx import fragment, is_htmx
from parvis.core.idempotency import record_success
from parvis.core.pagecache import public_page
from parvis.moderation.selectors import hidden_from

from .. import services
from ..forms import MessageEditForm, MoveForm, ReasonForm, ReplyForm, ThreadForm
from ..models import GroupStatus, Role
from ..selectors import group_list as select_group_list
from ..selectors import (
    groups_of,
    is_site_moderator,
    membership_of,
    message_in_thread,
    message_revisions,
    thread_messages,
    thread_page_count,
    thread_read_of,
)
from .common import (
    _message_or_404,
    _page_number,
    _readable_group_or_404,
    _require_perm,
    _thread_or_404,
    _viewer_context,
)


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
    # Each of these permissions asks for an active member first (groups.rules): a visitor's
    # page does not ask the authentication backends three times per message.
    member = user.is_authenticated and user.is_active
    for message in page_messages:
        message.can_edit = member and user.has_perm("groups.edit_message", message)
        message.can_delete = member and user.has_perm("groups.delete_message", message)
        message.can_see_history = (
            member
            and message.edited_at is not None
            and user.has_perm("groups.see_message_history", message)
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
            # What a message's links need (groups/_message.html, shared by visitors' pages).
            "group_slug": group.slug,
            "thread_pk": thread.pk,
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
            url = _message_url(group, thread, message)
            if is_htmx(request):
                return _reply_in_place(request, group, thread, message, url)
            messages.success(request, _("Your reply is posted."))
            return redirect(url)
    if is_htmx(request) and request.method == "POST":
        # The thread page's form again, with its errors (and the same token: nothing was posted).
        return fragment(
            request,
            "groups/_reply_inline.html",
            {
                "group": group,
                "thread": thread,
                "reply_form": form,
                "page_number": _shown_page(request),
            },
        )
    return render(
        request,
        "groups/reply_form.html",
        {"group": group, "thread": thread, "form": form, "quoted": quoted},
        status=400 if form.errors else 200,
    )


def _shown_page(request):
    try:
        return int(request.POST.get("page", ""))
    except ValueError:
        return 0


def _reply_in_place(request, group, thread, message, url):
    """The thread page's reply form, empty with a new token, and the new message appended to
    the list (out of band) when it shows on the page the member is reading; else htmx loads
    the message's page."""
    if message.page_number != _shown_page(request):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        messages.success(request, _("Your reply is posted."))
        return record_success(request, response, url)
    message.is_new = False
    message.can_edit = request.user.has_perm("groups.edit_message", message)
    message.can_delete = request.user.has_perm("groups.delete_message", message)
    record_success(request, None, url)  # the fragment's form gets a new token
    response = fragment(
        request,
        "groups/_reply_inline.html",
        {
            "group": group,
            "thread": thread,
            "group_slug": group.slug,
            "thread_pk": thread.pk,
            "reply_form": ReplyForm(),
            "page_number": message.page_number,
            "posted": message,
            "posted_messages": [message],
            "can_reply": True,
        },
        message=_("Your reply is posted."),
    )
    return record_success(request, response, url)


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

"""Pages of comments and reactions: post, reply, edit and delete a comment; react; see who
reacted. Every form works without JavaScript and comes back to the item's page."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.core.htmx import fragment, is_htmx
from parvis.moderation.selectors import hidden_from

from . import services
from .forms import CommentForm, DeleteForm
from .selectors import attach_reactions, comment_by_pk, reactions_of
from .targets import visible_item


def _item_or_404(request, target):
    target_type, item = visible_item(target, request.user)
    if item is None:
        raise Http404
    return target_type, item


def _back(request, fallback):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return fallback


def comment_create(request, target):
    """``POST``: a comment on the item (or a reply, with ``parent``); ``GET``: its form."""
    target_type, item = _item_or_404(request, target)
    if not request.user.is_authenticated:
        return redirect_to_login(item.get_absolute_url() + "#commentaires")
    parent = comment_by_pk(request.POST.get("parent") or request.GET.get("parent"))
    if parent is not None and (parent.target != target or hidden_from(parent, request.user)):
        parent = None
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.comment_post(
                item=item, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except PermissionDenied as error:
            messages.error(request, str(error) or _("You may not comment on this item."))
            return redirect(item.get_absolute_url())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your comment is published."))
            return redirect(f"{item.get_absolute_url()}#{comment.anchor}")
    return render(
        request,
        "comments/comment_form.html",
        {"form": form, "item": item, "target": target, "parent": parent},
    )


def _comment_or_404(request, pk):
    comment = comment_by_pk(pk)
    if comment is None or comment.deleted_at is not None:
        raise Http404
    target_type, item = visible_item(comment.target, request.user)
    if item is None or hidden_from(comment, request.user):
        raise Http404
    return comment, item


def comment_goto(request, pk):
    """A comment's permanent address: its item's page, at the comment."""
    comment, item = _comment_or_404(request, pk)
    return redirect(f"{item.get_absolute_url()}#{comment.anchor}")


def comment_edit(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    comment, item = _comment_or_404(request, pk)
    if comment.author_id != request.user.pk:
        raise Http404
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(
                comment=comment, editor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Your comment is updated."))
            return redirect(f"{item.get_absolute_url()}#{comment.anchor}")
    return render(
        request, "comments/comment_edit.html", {"form": form, "comment": comment, "item": item}
    )


def comment_delete(request, pk):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    comment, item = _comment_or_404(request, pk)
    own = comment.author_id == request.user.pk
    if not (own or services.may_remove(comment, request.user)):
        raise Http404
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_delete(
                comment=comment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The comment is deleted."))
            return redirect(f"{item.get_absolute_url()}#commentaires")
    return render(
        request,
        "comments/comment_delete.html",
        {"form": form, "comment": comment, "item": item, "own": own},
    )


@require_POST
def react(request, target):
    """Choose a reaction (the same one again takes it back)."""
    target_type, item = _item_or_404(request, target)
    if not request.user.is_authenticated:
        return redirect_to_login(item.get_absolute_url())
    back = _back(request, item.get_absolute_url())
    kind = request.POST.get("kind", "")
    try:
        if request.POST.get("remove") or request.POST.get("current") == kind:
            services.reaction_remove(item=item, user=request.user)
            text, level = _("Your reaction is removed."), messages.SUCCESS
        else:
            services.reaction_set(item=item, user=request.user, kind=kind)
            text, level = _("Your reaction is recorded."), messages.SUCCESS
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(getattr(error, "messages", None) or [str(error)])
        text, level = text or _("Nothing was changed."), messages.ERROR
    if is_htmx(request):  # the reactions block alone, swapped in place
        attach_reactions([item], request.user)
        return fragment(
            request,
            "comments/_reactions.html",
            {"item": item, "reactions_next": back},
            message=text,
        )
    messages.add_message(request, level, text)
    return redirect(back)


def reactions(request, target):
    """Who reacted to the item, by reaction."""
    target_type, item = _item_or_404(request, target)
    rows = list(reactions_of(target)[:500])
    return render(
        request,
        "comments/reactions.html",
        {"item": item, "title": target_type.title(item), "rows": rows},
    )

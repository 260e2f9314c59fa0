"""The home page's composer ("What's new?"): a message to one of the member's groups, posted
through the discussions' service (``services.thread_create``), so that the group's rules,
moderation safeguards, limits and notifications apply as on the group's own form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parvis.moderation.safeguards import posting_allowance

from .. import services
from ..forms import ComposeForm
from ..models import GroupStatus
from ..selectors import groups_of

#: The moderation safeguards count a discussion as a "message" (``_check_moderation_safeguards``).
POSTING_KIND = "message"


def composer_groups(user):
    """The groups the composer offers: the member's active groups, most recently active first."""
    return groups_of(user).filter(status=GroupStatus.ACTIVE)


def my_active_groups(user):
    """``composer_groups`` as a list, read once per request (the composer and the first-week
    checklist's "Join a group" share it)."""
    if "_parvis_composer_groups" not in user.__dict__:
        user.__dict__["_parvis_composer_groups"] = list(composer_groups(user))
    return user.__dict__["_parvis_composer_groups"]


def composer_context(user):
    """The composer's block on the home page (``content.py``): the form and the new account's
    remaining allowance (one query: the member's groups)."""
    groups = my_active_groups(user)
    form = ComposeForm(groups=composer_groups(user))
    form.fields["group"].choices = [(group.pk, group.name) for group in groups]
    return {
        "compose_form": form,
        "compose_groups": groups,
        "allowance": posting_allowance(user, POSTING_KIND),
    }


@login_required
def compose(request):
    """``GET``: the composer on a page of its own; ``POST``: start the discussion, then back
    to the home page (its feed shows it); errors on this page, by field, nothing stored."""
    user = request.user
    form = ComposeForm(request.POST or None, groups=composer_groups(user))
    if request.method == "POST" and form.is_valid():
        group = form.cleaned_data["group"]
        try:
            services.thread_create(
                group=group,
                author=user,
                title=form.thread_title(),
                body=form.cleaned_data["body"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your message is posted in the group %(group)s.") % {"group": group.name}
            )
            return redirect("home")
    return render(
        request,
        "groups/compose.html",
        {
            "compose_form": form,
            "has_groups": form.fields["group"].queryset.exists(),
            "allowance": posting_allowance(user, POSTING_KIND),
        },
    )

from allauth.account.decorators import reauthentication_required
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parvis.moderation.selectors import hidden_from
from parvis.moderation.views import render_hidden

from . import selectors, services
from .forms import ApiTokenForm, MandateForm, ProfileForm
from .models import ApiToken, Mandate
from .profile import profile_extras
from .staff import session_passed_mfa

_NEW_TOKEN_SESSION_KEY = "parvis_new_api_token"


@login_required
def account_settings(request):
    return render(request, "accounts/settings.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    user = request.user
    form = ProfileForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.profile_update(
                user=user,
                photo=data["photo"],
                remove_photo=data.get("remove_photo", False),
                first_name=data["first_name"],
                last_name=data["last_name"],
                commune=data["commune"],
                bio=data["bio"],
                website=data["website"],
                links=data["links"],
                directory_visibility=data["directory_visibility"],
                allow_follows=data["allow_follows"],
            )
        except ValidationError as error:
            user.refresh_from_db()
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile_edit")
    return render(request, "accounts/profile_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def mandate_list(request):
    form = MandateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandate_declare(
                user=request.user,
                role=form.cleaned_data["role"],
                territory=form.cleaned_data["territory"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your mandate has been declared. A moderator will verify it; "
                    "you will be told by e-mail."
                ),
            )
            return redirect("accounts:mandates")
    return render(
        request,
        "accounts/mandate_list.html",
        {"form": form, "mandates": selectors.mandates_of(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def mandate_withdraw(request, pk):
    mandate = get_object_or_404(
        Mandate.objects.select_related("territory"),
        pk=pk,
        user=request.user,
        status__in=services.WITHDRAWABLE,
    )
    if request.method == "POST":
        services.mandate_withdraw(user=request.user, mandate=mandate)
        messages.success(request, _("Your declaration has been withdrawn."))
        return redirect("accounts:mandates")
    return render(request, "accounts/mandate_withdraw.html", {"mandate": mandate})


@login_required
@require_http_methods(["POST"])
def mandate_resubmit(request, pk):
    """Submit again a mandate a moderator sent back with changes to make."""
    mandate = get_object_or_404(Mandate, pk=pk, user=request.user)
    try:
        services.mandate_resubmit(user=request.user, mandate=mandate)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(
            request,
            _("Your mandate has been submitted again. A moderator will verify it."),
        )
    return redirect("accounts:mandates")


@login_required
@reauthentication_required(allow_get=True)  # creating a token asks for the password again
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                created_with_mfa=session_passed_mfa(request, request.user),
            )
        except ValidationError as error:  # the service's rules (an invisible character...)
            form.add_service_errors(error)
        else:
            request.session[_NEW_TOKEN_SESSION_KEY] = {"pk": token.pk, "key": key}
            return redirect("accounts:token_created")
    return render(
        request,
        "accounts/token_list.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_of(request.user),
            "lifetime_days": settings.PARVIS_API_TOKEN_DAYS,
        },
    )


@login_required
def token_created(request):
    """Show the new key once: it is removed from the session as soon as it is displayed."""
    new = request.session.pop(_NEW_TOKEN_SESSION_KEY, None)
    token = new and ApiToken.objects.filter(pk=new["pk"], user=request.user).first()
    if not token:
        messages.info(request, _("A token's key is shown only once, right after it is created."))
        return redirect("accounts:tokens")
    response = render(request, "accounts/token_created.html", {"token": token, "key": new["key"]})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if request.method == "POST":
        services.api_token_revoke(user=request.user, token=token)
        messages.success(
            request, _("The token “%(name)s” has been revoked.") % {"name": token.name}
        )
        return redirect("accounts:tokens")
    return render(request, "accounts/token_revoke.html", {"token": token})


def profile_detail(request, pk):
    member = selectors.member_profile(pk)
    if member is None or not selectors.member_is_visible_to(member, request.user):
        raise Http404
    if hidden_from(member, request.user):  # hidden by moderation: a notice instead
        return render_hidden(request, member)
    return render(
        request,
        "accounts/profile_detail.html",
        {
            "member": member,
            "is_self": request.user.is_authenticated and request.user.pk == member.pk,
            # What other apps show of the member (their organisations...): accounts.profile.
            **profile_extras.context(member, request.user),
            # Only web addresses are ever turned into links, whatever was stored.
            "links": [
                link
                for link in [member.website, *(member.links or [])]
                if isinstance(link, str) and link.startswith(("https://", "http://"))
            ],
        },
    )

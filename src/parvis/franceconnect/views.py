from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import perform_login
from allauth.socialaccount.models import SocialLogin
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from parvis.accounts.models import User

from .adapter import LINK_SESSION_KEY, logout_state_is_valid
from .forms import LinkForm


@require_http_methods(["GET", "POST"])
def link(request):
    """A FranceConnect identity with the e-mail address of an existing account: linked to it
    only with that account's password (then signed in, through the usual steps: MFA...)."""
    data = request.session.get(LINK_SESSION_KEY)
    sociallogin = SocialLogin.deserialize(data) if data else None
    email = sociallogin.user.email if sociallogin and sociallogin.user else ""
    user = User.objects.filter(email__iexact=email, is_active=True).first() if email else None
    if user is None:
        request.session.pop(LINK_SESSION_KEY, None)
        messages.error(request, _("This FranceConnect sign-in has expired: please start again."))
        return redirect("account_login")
    form = LinkForm(request.POST or None)
    if request.method == "POST" and "cancel" in request.POST:
        request.session.pop(LINK_SESSION_KEY, None)
        return redirect("account_login")
    if request.method == "POST" and form.is_valid():
        try:
            authenticated = get_account_adapter(request).authenticate(
                request, email=user.email, password=form.cleaned_data["password"]
            )
        except ValidationError as error:  # too many wrong passwords (allauth's rate limit)
            form.add_error("password", error)
            authenticated = user = None
            return render(request, "franceconnect/link.html", {"form": form, "email": email})
        if authenticated is None or authenticated.pk != user.pk:
            form.add_error("password", _("This is not the password of this account."))
        else:
            request.session.pop(LINK_SESSION_KEY, None)
            sociallogin.connect(request, user)
            return perform_login(
                request,
                user,
                email_verification=account_settings.EMAIL_VERIFICATION,
                redirect_url=sociallogin.get_redirect_url(request),
                signal_kwargs={"sociallogin": sociallogin},
            )
    return render(request, "franceconnect/link.html", {"form": form, "email": user.email})


@require_http_methods(["GET"])
def logout_callback(request):
    """Back from FranceConnect's end-session page: the member is logged out of both. Only a
    ``state`` Parvis signed when it sent the member there says so."""
    if logout_state_is_valid(request.GET.get("state")):
        messages.info(request, _("You are also logged out of FranceConnect."))
    return redirect("home")

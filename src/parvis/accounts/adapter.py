from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone

from parvis.core.clientip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Parvis account adapter: sign-up data lands on the custom user model."""

    def save_user(self, request, user, form, commit=True):
        data = form.cleaned_data
        if "commune" in data:
            user.commune = data["commune"]
        if data.get("terms"):
            user.terms_accepted_at = timezone.now()
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        """E-mails greet with the site's name ("Bonjour, c'est Parvis Oise !"), not the host
        name allauth falls back to without django.contrib.sites."""
        host = getattr(settings, "PARVIS_SITE_URL", "").split("://")[-1].rstrip("/")
        site = SimpleNamespace(name=settings.PARVIS_SITE_NAME, domain=host)
        return super().send_mail(template_prefix, email, {"current_site": site, **context})

    def get_client_ip(self, request):
        """The client behind the trusted proxies (``core.clientip``): log-in rate limits and
        the session list key on it, never on the proxy's address nor on a forged header."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's address")
        return address

    def pre_login(self, request, user, **kwargs):
        """Refuse the login of a suspended or banned member, saying why and until when."""
        response = super().pre_login(request, user, **kwargs)
        if response is not None:
            return response
        from parvis.moderation.safeguards import login_refusal

        refusal = login_refusal(user)
        if refusal:
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            messages.error(request, refusal)
            return redirect("account_login")
        return None

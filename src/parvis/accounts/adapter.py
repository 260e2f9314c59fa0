from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone


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

from allauth.account.adapter import DefaultAccountAdapter
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

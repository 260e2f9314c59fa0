from allauth.socialaccount.forms import SignupForm as SocialSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from .provider import PROVIDER_ID


class SignupForm(SocialSignupForm):
    """Sign-up after a first FranceConnect sign-in: the names are FranceConnect's (shown, not
    editable); the member gives their commune and accepts the terms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.sociallogin.account.provider == PROVIDER_ID:
            for name in ("first_name", "last_name"):
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("Given by FranceConnect.")


class LinkForm(forms.Form):
    password = forms.CharField(
        label=_("Password of your account"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

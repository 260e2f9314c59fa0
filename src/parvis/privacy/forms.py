from django import forms
from django.utils.translation import gettext_lazy as _

KEEP_CONTRIBUTIONS = "keep"
DELETE_CONTRIBUTIONS = "delete"


class AccountDeleteForm(forms.Form):
    contributions = forms.ChoiceField(
        label=_("Your public contributions (events, posts, messages)"),
        choices=[
            (KEEP_CONTRIBUTIONS, _("Keep them, shown as written by “a former member”")),
            (DELETE_CONTRIBUTIONS, _("Delete them")),
        ],
        widget=forms.RadioSelect,
        initial=KEEP_CONTRIBUTIONS,
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be erased for good."),
        error_messages={"required": _("Tick this box to confirm.")},
    )

    @property
    def delete_contributions(self):
        return self.cleaned_data["contributions"] == DELETE_CONTRIBUTIONS

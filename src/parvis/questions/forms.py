"""Forms of the questions: ask, answer, refuse (the admin). The rules are the services'."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.core.mixins import ServiceErrorsMixin
from parvis.organisations.models import Organisation

from .models import ANSWER_MAX_LENGTH, BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Theme
from .selectors import institutions_for, officials_for


def addressee_choices(member):
    """The select's groups: the member's officials (with their mandates), the institutions."""
    officials = [
        (f"official:{official.pk}", official.get_full_name()) for official in officials_for(member)
    ]
    institutions = [
        (f"institution:{institution.pk}", institution.name)
        for institution in institutions_for(member)
    ]
    choices = [("", _("Choose…"))]
    if officials:
        choices.append((_("Your elected officials"), officials))
    if institutions:
        choices.append((_("Institutions"), institutions))
    return choices


class AskForm(ServiceErrorsMixin, forms.Form):
    addressee = forms.ChoiceField(
        label=_("To whom"),
        help_text=_(
            "The elected officials of your commune, its intercommunality and the département, "
            "or an institution."
        ),
        error_messages={
            "required": _("Choose the elected official or the institution you ask."),
            "invalid_choice": _("Choose the elected official or the institution you ask."),
        },
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        choices=[("", _("Choose…")), *((value, capfirst(label)) for value, label in Theme.choices)],
        error_messages={"required": _("Choose a theme from the list.")},
    )
    title = forms.CharField(
        label=_("Your question"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("One sentence, ending with a question mark."),
        error_messages={"required": _("Write your question.")},
    )
    body = forms.CharField(
        label=_("Details of your question"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What you would like to know and why. No personal case, no name of a third party, "
            "no insult: the moderators read every question before it is published."
        ),
        error_messages={"required": _("Explain your question in a few lines.")},
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["addressee"].choices = addressee_choices(member)

    def addressee_kwargs(self):
        """``{"official": user}`` or ``{"institution": organisation}`` from the choice."""
        kind, _sep, pk = self.cleaned_data["addressee"].partition(":")
        if kind == "official":
            return {"official": User.objects.filter(pk=pk).first()}
        return {"institution": Organisation.objects.filter(pk=pk).first()}


class AnswerForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Your public answer"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Published at once under your name. You may amend it later: the earlier wording "
            "stays visible."
        ),
        error_messages={"required": _("Write your answer.")},
    )

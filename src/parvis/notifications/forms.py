from django import forms

from . import registry


class PreferencesForm(forms.Form):
    """One choice per notification type: e-mail at once, daily digest, or none."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for ntype in registry.all_types():
            self.fields[self.field_name(ntype.key)] = forms.ChoiceField(
                label=ntype.label,
                help_text=ntype.help_text,
                choices=ntype.choices,
                initial=current.get(ntype.key, ntype.default_delivery),
                widget=forms.RadioSelect,
            )

    @staticmethod
    def field_name(key):
        return "type_" + key.replace(".", "__")

    def choices(self) -> dict[str, str]:
        """``{type key: delivery}`` from the cleaned data."""
        return {
            ntype.key: self.cleaned_data[self.field_name(ntype.key)]
            for ntype in registry.all_types()
            if self.field_name(ntype.key) in self.cleaned_data
        }

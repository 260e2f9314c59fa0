from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.territories.forms import TerritoryChoiceField
from parvis.territories.models import TerritoryKind

__all__ = ["DirectoryFilterForm", "TerritoryChoiceField"]


class DirectoryFilterForm(forms.Form):
    """The directory's GET form; a field with a bad value is reported and ignored."""

    q = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    commune = TerritoryChoiceField(
        TerritoryKind.COMMUNE, label=_("Commune"), empty_label=_("All communes")
    )
    epci = TerritoryChoiceField(
        TerritoryKind.EPCI,
        label=_("Intercommunality (EPCI)"),
        empty_label=_("All intercommunalities"),
    )
    arrondissement = TerritoryChoiceField(
        TerritoryKind.ARRONDISSEMENT,
        label=_("Arrondissement"),
        empty_label=_("All arrondissements"),
    )

    TERRITORY_FIELDS = ("commune", "epci", "arrondissement")

    def __init__(self, *args, directory_type=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.choice_filters = directory_type.choice_filters if directory_type else ()
        for choice_filter in self.choice_filters:
            self.fields[choice_filter.name] = forms.ChoiceField(
                label=choice_filter.label,
                choices=[("", choice_filter.empty_label), *choice_filter.choices()],
                required=False,
            )

    def choice_values(self):
        """The valid values of the type's extra filters: {name: value}."""
        self.is_valid()
        return {
            choice_filter.name: self.cleaned_data[choice_filter.name]
            for choice_filter in self.choice_filters
            if self.cleaned_data.get(choice_filter.name)
        }

    def filters(self):
        """The valid values: (text, [territories]); invalid fields are left out."""
        self.is_valid()
        data = self.cleaned_data
        territories = [data[name] for name in self.TERRITORY_FIELDS if data.get(name)]
        return data.get("q") or "", territories

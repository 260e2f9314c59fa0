from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import MandateRole
from parvis.agenda.filters import FilterCommuneField
from parvis.territories.models import Territory, TerritoryKind


class OfficialFilterForm(forms.Form):
    """The GET form of ``/elus/``; a field with a bad value is reported and ignored.

    ``commune`` takes what the agenda's filter takes (INSEE code, name, postal code), ``epci``
    a SIREN code and ``arrondissement`` an INSEE code: the territory pages link here.
    """

    q = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Mandate"), required=False)
    commune = FilterCommuneField(label=_("Commune"), required=False, help_text="")
    epci = forms.ChoiceField(label=_("Intercommunality (EPCI)"), required=False)
    arrondissement = forms.ChoiceField(label=_("Arrondissement"), required=False)

    TERRITORY_FIELDS = ("commune", "epci", "arrondissement")

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["role"].choices = [("", _("All mandates")), *MandateRole.choices]
        self.territories = {}
        choices = {TerritoryKind.EPCI: [], TerritoryKind.ARRONDISSEMENT: []}
        for territory in Territory.objects.filter(kind__in=list(choices)).order_by("name", "pk"):
            self.territories[(territory.kind, territory.code)] = territory
            choices[territory.kind].append((territory.code, territory.name))
        self.fields["epci"].choices = [("", _("All intercommunalities"))] + choices["epci"]
        self.fields["arrondissement"].choices = [("", _("All arrondissements"))] + choices[
            "arrondissement"
        ]

    def filters(self):
        """The valid values: (text, role, [territories]); invalid fields are left out."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        territories = []
        if data.get("commune"):
            territories.append(data["commune"])
        for kind in (TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT):
            territory = self.territories.get((kind, data.get(kind)))
            if territory is not None:
                territories.append(territory)
        return (data.get("q") or "").strip(), data.get("role") or "", territories

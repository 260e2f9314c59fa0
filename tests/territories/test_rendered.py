"""The territory pickers rendered once per version of the territories (``rendered``) give the
HTML of Django's own widgets, and show a territory written since at once."""

import pytest
from django import forms
from django.utils import translation

from parvis.territories.forms import CommuneInput, TerritoryChoiceField, commune_label
from parvis.territories.models import Territory, TerritoryKind
from parvis.territories.selectors import commune_choices

from ..factories import TerritoryFactory

pytestmark = pytest.mark.django_db


class Cached(forms.Form):
    commune = TerritoryChoiceField(TerritoryKind.COMMUNE, empty_label="All <communes>")


class Plain(forms.Form):
    commune = forms.ModelChoiceField(
        queryset=Territory.objects.filter(kind=TerritoryKind.COMMUNE).order_by("name", "pk"),
        required=False,
        empty_label="All <communes>",
    )


class PlainInput(CommuneInput):
    """``CommuneInput`` rendered by Django's templates with every suggestion."""

    def get_context(self, name, value, attrs):
        context = forms.TextInput.get_context(self, name, value, attrs)
        context["widget"]["suggestions"] = [
            commune_label(name, postal) for _pk, name, postal in commune_choices()
        ]
        return context

    def render(self, *args, **kwargs):
        return forms.Widget.render(self, *args, **kwargs)


def test_select_renders_as_django_does(oise):
    TerritoryFactory(name="Saint-<Test> & Co", code="99001", postal_codes="99001")
    commune = oise["beauvais"]
    for data in (None, {}, {"commune": ""}, {"commune": str(commune.pk)}, {"commune": "x"}):
        for language in ("fr", "en"):
            with translation.override(language):
                assert str(Cached(data)["commune"]) == str(Plain(data)["commune"])
    initial = {"commune": commune}
    assert str(Cached(initial=initial)["commune"]) == str(Plain(initial=initial)["commune"])
    assert f'<option value="{commune.pk}" selected>' in str(Cached(initial=initial)["commune"])


def test_datalist_renders_as_django_does(oise):
    TerritoryFactory(name="Saint-<Test> & Co", code="99001", postal_codes="99001")
    for value in (None, "Beauvais (60000)", "<x>"):
        attrs = {"id": "id_commune"}
        assert CommuneInput().render("commune", value, attrs) == PlainInput().render(
            "commune", value, attrs
        )


def test_a_new_or_renamed_territory_shows_at_once(oise):
    assert "Nouvelle-Commune" not in str(Cached()["commune"])
    assert "Nouvelle-Commune" not in CommuneInput().render("commune", None)
    created = TerritoryFactory(name="Nouvelle-Commune", code="99002")
    assert "Nouvelle-Commune" in str(Cached()["commune"])
    assert "Nouvelle-Commune" in CommuneInput().render("commune", None)
    Territory.objects.filter(pk=created.pk).update(name="Autre-Nom")
    assert "Nouvelle-Commune" not in str(Cached()["commune"])
    assert "Autre-Nom" in CommuneInput().render("commune", None)

import pytest
from django import forms

from parvis.territories.forms import CommuneField
from parvis.territories.selectors import commune_lookup, territories_containing


class CommuneForm(forms.Form):
    commune = CommuneField(label="Commune")


def clean(value):
    form = CommuneForm(data={"commune": value})
    form.is_valid()
    return form


@pytest.mark.parametrize(
    "typed", ["Beauvais (60000)", "Beauvais", "beauvais", "BEAUVAIS", "60000", "60057"]
)
def test_commune_field_accepts_label_name_postal_or_insee_code(oise, typed):
    form = clean(typed)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["commune"] == oise["beauvais"]


def test_commune_field_ignores_accents_and_case(oise):
    assert clean("compiegne").cleaned_data["commune"] == oise["compiegne"]


def test_ambiguous_input_lists_the_candidates(oise):
    form = clean("Comp")  # the start of Compiègne, no other candidates: found
    assert form.cleaned_data["commune"] == oise["compiegne"]
    form = clean("M")
    assert form.cleaned_data["commune"] == oise["margny"]
    oise["margny"].postal_codes = "60200"
    oise["margny"].save(update_fields=["postal_codes"])
    form = clean("60200")
    assert not form.is_valid()
    message = form.errors["commune"][0]
    assert "Compiègne (60200)" in message
    assert "Margny-lès-Compiègne (60200)" in message


@pytest.mark.parametrize("typed", ["Lyon", "75001", "12", "x" * 500, "<script>"])
def test_unknown_commune_is_refused_with_a_clear_message(oise, typed):
    form = clean(typed)
    assert not form.is_valid()
    assert "commune" in form.errors


def test_empty_commune_is_required(oise):
    form = clean("   ")
    assert not form.is_valid()


def test_widget_offers_every_commune_as_a_suggestion_without_javascript(oise):
    html = str(CommuneForm()["commune"])
    assert 'list="communes-list"' in html
    assert '<datalist id="communes-list">' in html
    assert '<option value="Beauvais (60000)">' in html
    assert "<script" not in html


def test_initial_commune_is_shown_as_its_label(oise):
    form = CommuneForm(initial={"commune": oise["compiegne"].pk})
    assert 'value="Compiègne (60200)"' in str(form["commune"])


def test_containing_territories_are_read_from_the_commune(oise, django_assert_num_queries):
    beauvais = oise["beauvais"]
    with django_assert_num_queries(1):
        containers = territories_containing(beauvais)
    assert {t.code for t in containers} == {"60", "601", "200067999"}
    assert commune_lookup("") == []

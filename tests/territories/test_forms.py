import pytest
from django import forms
from django.utils import translation

from parvis.territories.forms import CommuneField
from parvis.territories.models import TerritoryKind
from parvis.territories.selectors import commune_lookup, territories_containing

from ..factories import TerritoryFactory


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


@pytest.mark.parametrize(
    "typed",
    ["compiegne", "COMPIÈGNE", "  Compiègne  ", "compiegne (60200)", "Compiegn (60200)"],
)
def test_commune_field_ignores_accents_case_and_spaces(oise, typed):
    assert clean(typed).cleaned_data["commune"] == oise["compiegne"]


@pytest.mark.parametrize(
    "typed", ["margny les compiegne", "Margny lès Compiègne", "MARGNY-LES-COMPIEGNE"]
)
def test_commune_field_treats_hyphens_as_spaces(oise, typed):
    assert clean(typed).cleaned_data["commune"] == oise["margny"]


def test_commune_field_reads_ligatures_and_apostrophes(oise):
    crevecoeur = TerritoryFactory(code="60178", name="Crèvecœur-le-Grand", postal_codes="60360")
    leu = TerritoryFactory(code="60591", name="Saint-Leu-d'Esserent", postal_codes="60340")
    assert clean("crevecoeur le grand").cleaned_data["commune"] == crevecoeur
    assert clean("saint leu d esserent").cleaned_data["commune"] == leu
    assert clean("Saint-Leu-d’Esserent").cleaned_data["commune"] == leu


def test_commune_with_several_postal_codes_is_found_by_each(oise):
    oise["compiegne"].postal_codes = "60200 60321"
    oise["compiegne"].save(update_fields=["postal_codes"])
    assert clean("60321").cleaned_data["commune"] == oise["compiegne"]
    assert clean("60200").cleaned_data["commune"] == oise["compiegne"]
    assert clean("6032").errors  # postal codes are matched whole


def test_postal_code_that_is_also_an_insee_code_lists_both(oise):
    catenoy = TerritoryFactory(code="60130", name="Catenoy", postal_codes="60840")
    saint_just = TerritoryFactory(code="60581", name="Saint-Just-en-Chaussée", postal_codes="60130")
    assert commune_lookup("60130") == [catenoy, saint_just]
    assert clean("Saint-Just-en-Chaussée (60130)").cleaned_data["commune"] == saint_just
    assert clean("Catenoy (60840)").cleaned_data["commune"] == catenoy


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


def test_ambiguous_message_names_the_input_and_asks_to_choose(oise):
    oise["margny"].postal_codes = "60200"
    oise["margny"].save(update_fields=["postal_codes"])
    with translation.override("en"):
        form = clean("60200")
        assert form.errors["commune"] == [
            "Several communes match “60200”: Compiègne (60200), "
            "Margny-lès-Compiègne (60200). Please choose one."
        ]


def test_long_list_of_candidates_is_cut(oise):
    for n in range(15):
        TerritoryFactory(code=f"60{n + 600}", name=f"Saint-Village {n}", postal_codes="60480")
    with translation.override("en"):
        message = clean("Saint-Village").errors["commune"][0]
    assert message.count("Saint-Village") == 11  # the input and ten candidates
    assert ", …. Please choose one." in message


def test_unknown_commune_message_quotes_the_input(oise):
    with translation.override("en"):
        form = clean("Lyon")
        assert form.errors["commune"] == ["No commune of our territory matches “Lyon”."]


@pytest.mark.parametrize("typed", ["Lyon", "75001", "12", "x" * 500, "<script>", "60000 60200"])
def test_unknown_commune_is_refused_with_a_clear_message(oise, typed):
    form = clean(typed)
    assert not form.is_valid()
    assert "commune" in form.errors


def test_only_communes_are_accepted(oise):
    # "60" is the département, "601" an arrondissement, "Beauvais" also an arrondissement.
    assert clean("60").errors
    assert clean("601").errors
    assert clean("Beauvais").cleaned_data["commune"].kind == TerritoryKind.COMMUNE


def test_empty_commune_is_required(oise):
    form = clean("   ")
    assert not form.is_valid()


def test_widget_offers_every_commune_as_a_suggestion_without_javascript(
    oise, django_assert_num_queries
):
    with django_assert_num_queries(1):
        html = str(CommuneForm()["commune"])
    assert 'list="communes-list"' in html
    assert 'autocomplete="off"' in html
    assert 'type="text"' in html
    assert '<datalist id="communes-list">' in html
    assert '<option value="Beauvais (60000)">' in html
    assert '<option value="Compiègne (60200)">' in html
    assert "<script" not in html


def test_typed_value_is_shown_back_after_an_error(oise):
    html = str(clean("Lyon")["commune"])
    assert 'value="Lyon"' in html


def test_initial_commune_is_shown_as_its_label(oise):
    form = CommuneForm(initial={"commune": oise["compiegne"].pk})
    assert 'value="Compiègne (60200)"' in str(form["commune"])
    form = CommuneForm(initial={"commune": oise["beauvais"]})
    assert 'value="Beauvais (60000)"' in str(form["commune"])


def test_containing_territories_are_read_from_the_commune(oise, django_assert_num_queries):
    beauvais = oise["beauvais"]
    with django_assert_num_queries(1):
        containers = territories_containing(beauvais)
    assert {t.code for t in containers} == {"60", "601", "200067999"}
    assert commune_lookup("") == []

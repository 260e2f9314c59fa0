"""What makes uncached pages cheaper renders exactly what Django renders: the remembered
``{% url %}`` (``core.templatetags.urls``) and the ``<select>`` options written in Python
(``core.formrenderer``)."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template, engines
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from parvis.core.formrenderer import Renderer


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def test_url_tag_gives_reverse_address_with_arguments():
    assert render("{% url 'agenda:index' %}") == reverse("agenda:index")
    for _ in range(2):  # the second time remembered
        assert render("{% url 'agenda:event' pk=5 slug=s %}", s="fete") == reverse(
            "agenda:event", kwargs={"pk": 5, "slug": "fete"}
        )
        assert render("{% url 'agenda:day' 2026 12 24 %}") == reverse(
            "agenda:day", args=[2026, 12, 24]
        )
    assert render("{% url 'agenda:index' as link %}[{{ link }}]") == f"[{reverse('agenda:index')}]"


def test_url_tag_reverses_other_values_as_django_does():
    slug = gettext_lazy("agenda")  # not a plain string: reversed each time
    expected = reverse("agenda:event", kwargs={"pk": 7, "slug": slug})

    assert render("{% url 'agenda:event' pk=7 slug=s %}", s=slug) == expected


def test_url_tag_raises_for_unknown_address_each_time():
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            render("{% url 'agenda:nowhere' %}")
    assert render("{% url 'agenda:nowhere' as link %}[{{ link }}]") == "[]"


def test_url_tag_follows_language_of_the_request():
    with override("en"):
        english = render("{% url 'agenda:index' %}")
    with override("fr"):
        assert render("{% url 'agenda:index' %}") == english == reverse("agenda:index")


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "All"), ("a", "A & B"), ("<b>", "C")])
    grouped = forms.ChoiceField(
        choices=[("", "None"), ("Fruits & co", [("1", "Apple"), ("2", "Pear")]), ("3", "Other")]
    )
    lazy = forms.ChoiceField(choices=[("x", gettext_lazy("Agenda")), ("y", mark_safe("<i>y</i>"))])
    many = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two"), (3, "Three")])
    numbers = forms.TypedChoiceField(choices=[(1, 1000), (2, 2000)], coerce=int)
    typed = forms.ChoiceField(
        choices=[("a", "A")], widget=forms.Select(attrs={"class": "x", "data-q": '"q"'})
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"plain": "a", "grouped": "2", "lazy": "y", "many": ["1", "3"], "numbers": "2"},
        {"plain": "<b>", "grouped": "nothing", "many": ["9"]},
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_select_renders_as_django_templates(data, language):
    form = Everything(data)
    with override(language):
        for name in form.fields:
            form.renderer = Renderer()  # the one of the settings
            ours = form[name].as_widget()
            form.renderer = DjangoTemplates()
            assert ours == form[name].as_widget(), name


def test_select_options_are_written_by_renderer():
    form = Everything({"plain": "a"})
    html = Renderer().render(
        "django/forms/widgets/select.html",
        form.fields["plain"].widget.get_context("plain", "a", {"id": "id_plain"}),
    )
    assert html == (
        '<select name="plain" id="id_plain">'
        '\n  <option value="">All</option>\n'
        '\n  <option value="a" selected>A &amp; B</option>\n'
        '\n  <option value="&lt;b&gt;">C</option>\n'
        "\n</select>"
    )


def test_select_of_another_option_template_goes_through_django():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Custom(choices=[("a", "A")])
    context = widget.get_context("c", "a", {})
    assert Renderer().render("django/forms/widgets/select.html", context) == (
        DjangoTemplates().render("django/forms/widgets/select.html", context)
    )


def test_forms_use_renderer_by_default():
    form = Everything()
    assert isinstance(form.renderer, Renderer)
    page = Template("{{ form.plain }}").render(Context({"form": form}))
    assert page.startswith('<select name="plain"')
    assert '<option value="a">A &amp; B</option>' in page

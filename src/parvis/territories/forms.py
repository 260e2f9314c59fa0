"""Form fields for territories."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.widgets import ChoiceWidget
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import rendered
from .models import Territory
from .selectors import commune_lookup


def commune_label(name, postal_codes):
    first = postal_codes.split()[0] if postal_codes else ""
    return f"{name} ({first})" if first else name


class CommuneInput(forms.TextInput):
    """A text input with a list of suggestions; works without JavaScript."""

    template_name = "territories/widgets/commune_input.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "list": "communes-list", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["suggestions"] = []  # spliced in by render()
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The suggestions are the same for everyone: rendered once per version of the
        # territories (``rendered``), then put in the empty ``<datalist>`` of the template.
        html = super().render(name, value, attrs, renderer)
        head, _sep, tail = html.rpartition("</datalist>")
        suggestions = rendered.commune_suggestions()  # labels escaped there
        return mark_safe(f"{head}{suggestions}</datalist>{tail}")  # noqa: S308


class TerritorySelect(forms.Select):
    """The ``<select>`` of a ``TerritoryChoiceField``: the same HTML as Django's, with the
    territories' options rendered once per version of the territories (``rendered``)."""

    def __init__(self, kind, attrs=None):
        super().__init__(attrs)
        self.kind = kind

    def get_context(self, name, value, attrs):
        context = super(ChoiceWidget, self).get_context(name, value, attrs)
        context["widget"]["optgroups"] = []  # spliced in by render()
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        head, _sep, tail = html.rpartition("\n</select>")
        options = self._options(self.format_value(value))  # labels escaped there
        return mark_safe(f"{head}{options}\n</select>{tail}")  # noqa: S308

    def _options(self, values):
        """What ``ChoiceWidget.optgroups`` and ``select_option.html`` give: the empty choice,
        then the territories; the first one whose value is in ``values`` is selected."""
        by_value, options = rendered.select_options(self.kind)
        chosen = None
        parts = []
        empty_label = getattr(getattr(self.choices, "field", None), "empty_label", None)
        if empty_label is not None:
            selected = "" in values
            chosen = -1 if selected else None
            parts.append(
                f'\n  <option value=""{" selected" if selected else ""}>'
                f"{escape(empty_label)}</option>\n"
            )
        if chosen is None:
            found = [by_value[v] for v in values if v in by_value]
            chosen = min(found) if found else None
        parts.extend(
            selected if index == chosen else unselected
            for index, (unselected, selected) in enumerate(options)
        )
        return "".join(parts)


class TerritoryChoiceField(forms.ModelChoiceField):
    """An optional choice among the territories of ``kind``, by name."""

    def __init__(self, kind, **kwargs):
        super().__init__(
            queryset=rendered.territory_queryset(kind),
            required=False,
            widget=TerritorySelect(kind),
            **kwargs,
        )


class CommuneField(forms.Field):
    """A commune of the territory, typed as "Name (postal code)", a name, a postal code or an
    INSEE code. Ambiguous or unknown input gets a message listing what to choose from."""

    widget = CommuneInput
    default_error_messages = {
        "required": _("Enter your commune (name or postal code)."),
        "unknown": _("No commune of our territory matches “%(value)s”."),
        "ambiguous": _("Several communes match “%(value)s”: %(choices)s. Please choose one."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", _("Type its name or postal code, then choose from the suggestions.")
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Territory):
            return commune_label(value.name, value.postal_codes)
        if isinstance(value, int):  # a ModelForm's initial value is the primary key
            commune = Territory.objects.filter(pk=value, kind="commune").first()
            if commune is not None:
                return commune_label(commune.name, commune.postal_codes)
        return value

    def to_python(self, value):
        if isinstance(value, Territory):
            return value
        value = (value or "").strip()
        if not value:
            return None
        if len(value) > 200:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value[:40] + "…"}
            )
        matches = commune_lookup(value)
        if not matches:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )
        if len(matches) > 1:
            choices = ", ".join(commune_label(c.name, c.postal_codes) for c in matches[:10])
            if len(matches) > 10:
                choices += ", …"
            raise ValidationError(
                self.error_messages["ambiguous"],
                code="ambiguous",
                params={"value": value, "choices": choices},
            )
        return matches[0]


class CommunePickerForm(forms.Form):
    """The "go to a commune's page" form: a name or a postal code.

    With ``suggestions`` (the default) the field lists every commune in a ``datalist`` (one
    query); without, it is a plain text field, for pages that must stay light (the home page):
    an ambiguous entry then lists the communes to choose from on the next page.
    """

    commune = CommuneField(
        label=_("Find a commune"),
        help_text=_("Type its name or postal code, then choose from the suggestions."),
        error_messages={"required": _("Enter the name or the postal code of a commune.")},
    )

    def __init__(self, *args, suggestions=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not suggestions:
            field = self.fields["commune"]
            field.widget = forms.TextInput(attrs={"autocomplete": "address-level2"})
            field.help_text = _("Type its name or its postal code.")

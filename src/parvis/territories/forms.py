"""Form fields for territories."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Territory
from .selectors import commune_choices, commune_lookup


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
        context["widget"]["suggestions"] = [
            commune_label(name, postal) for _pk, name, postal in commune_choices()
        ]
        return context


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

from django import forms
from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from parvis.core.images import process_image
from parvis.core.mixins import ServiceErrorsMixin
from parvis.territories.forms import CommuneField
from parvis.territories.models import Territory, TerritoryKind

from .models import DirectoryVisibility, MandateRole, User
from .validators import clean_links, clean_person_name

PHOTO_ACCEPT = "image/png,image/jpeg,image/webp,image/gif"

# Which kind of territory each mandate is held in.
ROLE_TERRITORY_KIND = {
    MandateRole.MAYOR: TerritoryKind.COMMUNE,
    MandateRole.DEPUTY_MAYOR: TerritoryKind.COMMUNE,
    MandateRole.MUNICIPAL_COUNCILLOR: TerritoryKind.COMMUNE,
    MandateRole.DEPARTMENTAL_COUNCILLOR: TerritoryKind.DEPARTEMENT,
    MandateRole.DEPARTMENTAL_PRESIDENT: TerritoryKind.DEPARTEMENT,
    MandateRole.EPCI_PRESIDENT: TerritoryKind.EPCI,
    MandateRole.EPCI_VICE_PRESIDENT: TerritoryKind.EPCI,
    MandateRole.EPCI_COUNCILLOR: TerritoryKind.EPCI,
}


def _terms_label():
    return format_html(
        '{} <a href="{}">{}</a>',
        _("I accept the"),
        reverse_lazy("terms"),
        _("terms of use"),
    )


class PersonNameField(forms.CharField):
    """A real first or last name (see ``validators.clean_person_name``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", None)
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("maxlength", "80")

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values and not self.required:
            return value
        return clean_person_name(value)


class SignupForm(forms.Form):
    """Fields Parvis adds to allauth's sign-up form (e-mail and passwords come from allauth)."""

    first_name = PersonNameField(
        label=_("First name"), widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = PersonNameField(
        label=_("Last name"), widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    commune = CommuneField(label=_("Commune of residence"))
    terms = forms.BooleanField(
        label=lazy(_terms_label, SafeString)(),
        label_suffix="",
        error_messages={"required": _("You must accept the terms of use to create an account.")},
    )

    def clean(self):
        cleaned_data = super().clean()
        password = cleaned_data.get("password1")
        if password:
            someone = User(
                first_name=cleaned_data.get("first_name") or "",
                last_name=cleaned_data.get("last_name") or "",
                email=cleaned_data.get("email") or "",
            )
            try:
                UserAttributeSimilarityValidator().validate(password, someone)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned_data

    def signup(self, request, user):
        """Required by allauth; the adapter's ``save_user`` already stored our fields."""


class ProfileForm(forms.Form):
    """The member's own profile; ``user`` gives the current values."""

    first_name = PersonNameField(
        label=_("First name"), widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = PersonNameField(
        label=_("Last name"), widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    commune = CommuneField(label=_("Commune of residence"))
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": PHOTO_ACCEPT}),
        help_text=_("JPEG, PNG, WebP or GIF image, 5 MB at most; shown at 400 × 400 pixels."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the current photo"), required=False)
    bio = forms.CharField(
        label=_("Short bio"),
        required=False,
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("600 characters at most."),
    )
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    links = forms.CharField(
        label=_("Other networks"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Up to 5 addresses of your profiles elsewhere (Mastodon, LinkedIn…), "
            "one per line, starting with https://."
        ),
    )
    directory_visibility = forms.ChoiceField(
        label=_("Who may see my profile and find me in the directory"),
        choices=DirectoryVisibility.choices,
        widget=forms.RadioSelect,
    )
    allow_follows = forms.BooleanField(
        label=_("Members may follow my activity"),
        required=False,
        help_text=_(
            "Members who follow you see your public contributions on their home page. "
            "Elected officials with a verified mandate can always be followed."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "commune": user.commune,
                "bio": user.bio,
                "website": user.website,
                "links": "\n".join(user.links or []),
                "directory_visibility": user.directory_visibility,
                "allow_follows": user.allow_follows,
            },
        )
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.photo:
            del self.fields["remove_photo"]

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        return process_image(upload, max_size=(400, 400))

    def clean_links(self):
        return clean_links(self.cleaned_data.get("links"))


class MandateForm(forms.Form):
    """Declare a mandate: the role and the territory it is held in."""

    role = forms.ChoiceField(label=_("Mandate"), choices=MandateRole.choices)
    commune = CommuneField(
        label=_("Commune"),
        required=False,
        help_text=_("For a mayor, deputy mayor or municipal councillor."),
    )
    epci = forms.ModelChoiceField(
        label=_("Intercommunality (EPCI)"),
        queryset=Territory.objects.filter(kind=TerritoryKind.EPCI),
        required=False,
        help_text=_("For a mandate in a community of communes or agglomeration."),
    )
    departement = forms.ModelChoiceField(
        label=_("Département"),
        queryset=Territory.objects.filter(kind=TerritoryKind.DEPARTEMENT),
        required=False,
        help_text=_("For a departmental councillor or the president of the council."),
    )

    def clean(self):
        cleaned_data = super().clean()
        role = cleaned_data.get("role")
        if not role:
            return cleaned_data
        wanted = ROLE_TERRITORY_KIND[role]
        field_for_kind = {
            TerritoryKind.COMMUNE: "commune",
            TerritoryKind.EPCI: "epci",
            TerritoryKind.DEPARTEMENT: "departement",
        }
        field = field_for_kind[wanted]
        territory = cleaned_data.get(field)
        others = [name for kind, name in field_for_kind.items() if kind != wanted]
        if any(cleaned_data.get(name) for name in others) or (
            territory is not None and territory.kind != wanted
        ):
            raise ValidationError(
                _("For the mandate “%(role)s”, fill in only the “%(field)s” field."),
                code="territory_kind",
                params={"role": MandateRole(role).label, "field": self.fields[field].label},
            )
        if territory is None and not self.has_error(field):
            self.add_error(
                field,
                ValidationError(
                    _("Choose where you hold the mandate “%(role)s”."),
                    code="territory_missing",
                    params={"role": MandateRole(role).label},
                ),
            )
        cleaned_data["territory"] = territory
        return cleaned_data


class ApiTokenForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("Name of the token"),
        max_length=80,
        help_text=_("What it is for, for example “my calendar script”."),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Give the token a name."), code="empty")
        return name

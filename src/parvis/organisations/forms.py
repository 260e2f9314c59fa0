from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.core.images import process_image
from parvis.core.mixins import ServiceErrorsMixin
from parvis.territories.forms import CommuneField

from .models import OrganisationKind, OrganisationRole
from .validators import normalise_rna, normalise_siren, validate_rna, validate_siren

LOGO_ACCEPT = "image/png,image/jpeg,image/webp,image/gif"


class RNAField(forms.CharField):
    default_validators = [validate_rna]

    def to_python(self, value):
        return normalise_rna(super().to_python(value))


class SIRENField(forms.CharField):
    default_validators = [validate_siren]

    def to_python(self, value):
        return normalise_siren(super().to_python(value))


class OrganisationForm(ServiceErrorsMixin, forms.Form):
    """Create or edit an organisation; ``identity=False`` leaves only what editors may change."""

    IDENTITY_FIELDS = ("name", "kind", "commune", "rna", "siren")
    #: Shown together under "Public contact details" (the service validates them).
    CONTACT_FIELDS = ("website", "email", "phone", "address", "opening_hours")

    name = forms.CharField(label=_("Name"), max_length=150)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=OrganisationKind.choices, widget=forms.RadioSelect
    )
    commune = CommuneField(
        label=_("Commune"),
        error_messages={"required": _("Enter the organisation's commune (name or postal code).")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the organisation does, for whom, and how to take part."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": LOGO_ACCEPT}),
        help_text=_("JPEG, PNG, WebP or GIF image, 5 MB at most; shown at 400 × 400 pixels."),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    cover = forms.FileField(
        label=_("Cover image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": LOGO_ACCEPT}),
        help_text=_(
            "Optional: a wide photo shown at the top of the page and on its card. JPEG, PNG, "
            "WebP or GIF image, 5 MB at most."
        ),
    )
    cover_alt = forms.CharField(
        label=_("Description of the cover image"),
        max_length=250,
        required=False,
        help_text=_("What the image shows, for those who cannot see it; empty if decorative."),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )
    email = forms.EmailField(
        label=_("Public e-mail address"),
        required=False,
        help_text=_("Shown to everyone: prefer the organisation's address to a personal one."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_("A French number, for example 03 44 06 60 00."),
    )
    address = forms.CharField(
        label=_("Postal address"),
        required=False,
        max_length=300,
        help_text=_("Where to find or write to the organisation, with the postal code."),
    )
    opening_hours = forms.CharField(
        label=_("Opening hours"),
        required=False,
        max_length=300,
        help_text=_("For example: Tuesday and Thursday 2 pm to 6 pm, Saturday morning."),
    )
    rna = RNAField(
        label=_("RNA number"),
        required=False,
        max_length=20,
        help_text=_("Associations: W followed by 9 digits, for example W601234567."),
    )
    siren = SIRENField(
        label=_("SIREN number"),
        required=False,
        max_length=20,
        help_text=_("9 digits, for example 732 829 320."),
    )

    def __init__(self, *args, organisation=None, identity=True, **kwargs):
        if organisation is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": organisation.name,
                    "kind": organisation.kind,
                    "commune": organisation.commune,
                    "description": organisation.description,
                    "cover_alt": organisation.cover_alt,
                    "website": organisation.website,
                    "email": organisation.email,
                    "phone": organisation.phone,
                    "address": organisation.address,
                    "opening_hours": organisation.opening_hours,
                    "rna": organisation.rna,
                    "siren": organisation.siren,
                },
            )
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if not identity:
            for name in self.IDENTITY_FIELDS:
                del self.fields[name]
        if organisation is None or not organisation.logo:
            del self.fields["remove_logo"]
        if organisation is None or not organisation.cover:
            del self.fields["remove_cover"]

    def main_fields(self):
        return [field for field in self if field.name not in self.CONTACT_FIELDS]

    def contact_fields(self):
        return [field for field in self if field.name in self.CONTACT_FIELDS]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo:
            return None
        return process_image(logo, output_format="PNG", max_size=(400, 400))

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("kind") == OrganisationKind.ASSOCIATION
            and not cleaned.get("rna")
            and not cleaned.get("siren")
            and not self.has_error("rna")
            and not self.has_error("siren")
        ):
            self.add_error(
                "rna",
                _(
                    "An association must give its RNA number or its SIREN number "
                    "(at least one), so that moderators can verify it."
                ),
            )
        return cleaned

    def changes(self):
        """The cleaned values to pass to ``organisation_update``."""
        changes = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in {"logo", "remove_logo", "cover", "remove_cover"}
        }
        if self.cleaned_data.get("logo"):
            changes["logo"] = self.cleaned_data["logo"]
        elif self.cleaned_data.get("remove_logo"):
            changes["logo"] = None
        if self.cleaned_data.get("cover"):
            changes["cover"] = self.cleaned_data["cover"]
        elif self.cleaned_data.get("remove_cover"):
            changes["cover"] = False
        return changes


class InvitationForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the member"),
        help_text=_("The member must already have an identified account."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=OrganisationRole.choices,
        initial=OrganisationRole.EDITOR,
        widget=forms.RadioSelect,
        help_text=_(
            "Editors update the page; managers also manage the team and the organisation's "
            "identity."
        ),
    )


class RoleForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OrganisationRole.choices)

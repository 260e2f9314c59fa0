"""Forms of the local reports: where and what (step 1), the report (step 2), triage. The rules
are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.core.mixins import ServiceErrorsMixin
from parvis.territories.forms import CommuneField

from .models import DESCRIPTION_MAX_LENGTH, MAX_PHOTOS, ReportStatus
from .selectors import active_categories


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(file, initial) for file in files]


class WhereForm(ServiceErrorsMixin, forms.Form):
    """Step 1: the commune and the category, to propose similar reports before writing."""

    commune = CommuneField(label=_("Commune where the problem is"))
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=active_categories(),
        to_field_name="slug",
        empty_label=_("Choose…"),
        error_messages={
            "required": _("Choose a category from the list."),
            "invalid_choice": _("Choose a category from the list."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = active_categories()


class ReportForm(WhereForm):
    """Step 2: the whole report."""

    address = forms.CharField(
        label=_("Address or place"),
        max_length=200,
        required=False,
        help_text=_("E.g. “12 rue de la République” or “in front of the school”."),
    )
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"),
        required=False,
        max_digits=8,
        decimal_places=6,
        help_text=_("From your phone's map, e.g. 49.4300."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("E.g. 2.0800."),
    )
    description = forms.CharField(
        label=_("What is the problem?"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Describe the problem.")},
    )
    photos = PhotosField(
        label=_("Photos (up to %(max)d)") % {"max": MAX_PHOTOS},
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, 5 MB each at most. Avoid faces and number plates."),
    )


class TriageForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ReportStatus.choices,
        required=False,
    )
    comment = forms.CharField(
        label=_("Public comment"),
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown on the report's page and sent to the reporter and the supporters. "
            "Required to reject a report."
        ),
    )

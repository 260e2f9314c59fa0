"""Forms of the private messages. They check the shape of the input; the services check the
rest (who may write to whom, blocks, limits, the image) and their errors show on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.core.mixins import ServiceErrorsMixin

from .models import BODY_MAX_LENGTH, SUBJECT_MAX_LENGTH, AcceptFrom

IMAGE_HELP = _("Optional: one image (JPEG, PNG, WebP or GIF, 5 MB at most).")


class MessageForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachment = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=IMAGE_HELP,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].error_messages["max_length"] = _(
            "The message is too long: %(limit_value)d characters at most (it has %(show_value)d)."
        )


class StartForm(MessageForm):
    subject = forms.CharField(label=_("Subject"), required=False, max_length=SUBJECT_MAX_LENGTH)
    field_order = ["subject", "body", "attachment"]


class PreferenceForm(forms.Form):
    accept_from = forms.ChoiceField(
        label=_("Who may start a conversation with me"),
        choices=AcceptFrom.choices,
        widget=forms.RadioSelect,
        help_text=_("The conversations already started go on; block a member to stop theirs."),
    )
    official_contact_open = forms.BooleanField(
        label=_("As an elected official, residents may write to me and my team"),
        required=False,
    )


class DelegationForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the member of your team"),
        help_text=_(
            "They will read and answer the messages written to you as an elected official."
        ),
    )

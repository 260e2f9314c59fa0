from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.core.mixins import ServiceErrorsMixin

from .models import BODY_MAX_LENGTH


class CommentForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=BODY_MAX_LENGTH,
        help_text=_("Markdown is accepted. Mention someone who took part with @first-last."),
        error_messages={"required": _("Write your comment.")},
    )


class DeleteForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the author)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

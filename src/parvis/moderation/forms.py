from django import forms
from django.utils.translation import gettext_lazy as _

from parvis.core.mixins import ServiceErrorsMixin

from .models import AppealStatus, DecisionAction, Ground, ReportReason
from .services import MAX_SUSPENSION_DAYS


class ReportForm(ServiceErrorsMixin, forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this content?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the reason of your report.")},
    )
    details = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What moderators should look at, and why. Required for “other”. For illegal "
            "content, say which law it breaks if you know."
        ),
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == ReportReason.OTHER and not (data.get("details") or "").strip():
            self.add_error("details", _("Say what is wrong with this content: you chose “other”."))
        return data


class AppealForm(ServiceErrorsMixin, forms.Form):
    statement = forms.CharField(
        label=_("Why should the decision be reversed?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Explain what the moderator may have misunderstood, and add any fact they did not "
            "know. Another moderator will review the decision. You can appeal only once."
        ),
        error_messages={"required": _("Explain why the decision should be reversed.")},
    )


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """The moderator's decision on a reported item (admin queue)."""

    action = forms.ChoiceField(
        label=_("Decision"),
        choices=DecisionAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision.")},
    )
    ground = forms.ChoiceField(
        label=_("Ground"),
        choices=[("", "—"), *Ground.choices],
        required=False,
        help_text=_(
            "The law or the rule of the terms of use that was broken; “no breach” to dismiss "
            "the reports or restore the content."
        ),
    )
    facts = forms.CharField(
        label=_("Facts and reasoning"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_(
            "What you found in the content and why it leads to this decision. Sent to the "
            "member concerned in the statement of reasons: be precise and courteous."
        ),
        error_messages={
            "required": _(
                "State the facts and your reasoning: they are sent to the member concerned."
            )
        },
    )
    suspension_days = forms.IntegerField(
        label=_("Length of the suspension (days)"),
        required=False,
        min_value=1,
        max_value=MAX_SUSPENSION_DAYS,
    )
    hide_content = forms.BooleanField(
        label=_("Also hide the content (warn, suspend, ban)"),
        required=False,
        help_text=_("Unticked, the content stays visible."),
    )


class AppealDecisionForm(ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (AppealStatus.UPHELD, _("uphold the decision")),
            (AppealStatus.REVERSED, _("reverse the decision")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose: uphold or reverse the decision.")},
    )
    reason = forms.CharField(
        label=_("Reasons"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_("Sent to the member: answer their arguments."),
        error_messages={
            "required": _("Give the reasons of the outcome: they are sent to the member.")
        },
    )

"""Forms of the calls for volunteers; the rules are the services'."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.mixins import ServiceErrorsMixin
from parvis.territories.forms import CommuneField

from .models import DESCRIPTION_MAX_LENGTH, MAX_PLACES, TITLE_MAX_LENGTH, Skill

#: Empty rows of roles or time slots offered by the form.
SLOT_ROWS = 5


class CallForm(ServiceErrorsMixin, forms.Form):
    runner = forms.ChoiceField(
        label=_("Who runs the call"),
        error_messages={
            "required": _("Choose who runs the call: an organisation, a group or an event."),
            "invalid_choice": _("Choose who runs the call: an organisation, a group or an event."),
        },
    )
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("What the volunteers will do"),
        max_length=DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    commune = CommuneField(label=_("Commune"))
    place = forms.CharField(label=_("Meeting place"), max_length=200, required=False)
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills sought (optional)"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, runners, **kwargs):
        super().__init__(*args, **kwargs)
        organisations, groups, events = runners
        choices = [("", _("Choose…"))]
        if organisations:
            choices.append(
                (_("Organisations"), [(f"organisation:{o.pk}", o.name) for o in organisations])
            )
        if groups:
            choices.append((_("Groups"), [(f"group:{g.pk}", g.name) for g in groups]))
        if events:
            choices.append(
                (
                    _("Events"),
                    [
                        (f"event:{e.pk}", f"{e.title} ({timezone.localtime(e.start):%d/%m/%Y})")
                        for e in events
                    ],
                )
            )
        self.fields["runner"].choices = choices
        self.runners = {"organisation": organisations, "group": groups, "event": events}
        for index in range(SLOT_ROWS):
            required = index == 0
            self.fields[f"slot_{index}_label"] = forms.CharField(
                label=_("Role or time slot %(number)d") % {"number": index + 1},
                max_length=120,
                required=required,
                help_text=_("E.g. “Welcome desk, morning” or “Driver”.") if index == 0 else "",
            )
            self.fields[f"slot_{index}_date"] = forms.DateField(
                label=_("Date (optional)"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"slot_{index}_start"] = forms.TimeField(
                label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
            self.fields[f"slot_{index}_end"] = forms.TimeField(
                label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
            )
            self.fields[f"slot_{index}_places"] = forms.IntegerField(
                label=_("Places"), min_value=1, max_value=MAX_PLACES, required=required
            )

    def slot_rows(self):
        return [
            [self[f"slot_{index}_{name}"] for name in ("label", "date", "start", "end", "places")]
            for index in range(SLOT_ROWS)
        ]

    def runner_kwargs(self):
        kind, _sep, pk = self.cleaned_data["runner"].partition(":")
        return {kind: self.runners[kind].filter(pk=pk).first()}

    def slots(self):
        slots = []
        for index in range(SLOT_ROWS):
            data = {
                name: self.cleaned_data.get(f"slot_{index}_{name}")
                for name in ("label", "date", "start", "end", "places")
            }
            starts_at = ends_at = None
            if data["date"]:
                starts_at = timezone.make_aware(
                    dt.datetime.combine(data["date"], data["start"] or dt.time(9))
                )
                if data["end"]:
                    ends_at = timezone.make_aware(dt.datetime.combine(data["date"], data["end"]))
            slots.append(
                {
                    "label": data["label"] or "",
                    "places": data["places"],
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                }
            )
        return slots


class MessageForm(ServiceErrorsMixin, forms.Form):
    body = forms.CharField(
        label=_("Your message to the volunteers"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write your message.")},
    )


class SkillsForm(forms.Form):
    skills = forms.ModelMultipleChoiceField(
        label=_("What I can do"),
        queryset=Skill.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shown on your profile; calls for volunteers that need them tell you so."),
    )

"""Forms of consultations: creating one (the consultation and a formset of questions, without
JavaScript), answering one, the conclusion and the discussion.

The creation form sends the questions as a formset: each question has its kind, its text,
whether an answer is required and, for a choice question, its options one per line. Blank
question slots are ignored; "Add a question" shows the form again with one more slot.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.agenda.forms import DateInput, TimeInput
from parvis.agenda.recurrence import local_zone
from parvis.core.mixins import ServiceErrorsMixin
from parvis.organisations.models import Organisation, OrganisationKind
from parvis.territories.forms import CommuneField
from parvis.territories.models import Territory, TerritoryKind

from . import services
from .models import (
    ANSWER_TEXT_MAX_LENGTH,
    CHOICE_KINDS,
    SCALE_MAX,
    SCALE_MIN,
    QuestionKind,
    ResultsVisibility,
)
from .selectors import institutions_run_by, is_consultation_moderator

#: Service error keys → form fields.
FIELD_FOR = {"opens_at": "opens_date", "closes_at": "closes_date"}
YES_NO = [("1", _("Yes")), ("0", _("No"))]


class ConsultationForm(ServiceErrorsMixin, forms.Form):
    field_for = FIELD_FOR

    title = forms.CharField(label=_("Title"), max_length=200)
    context = forms.CharField(
        label=_("Context"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Why you consult, what is at stake and what you will do with the answers. Markdown "
            "is accepted: **bold**, *italics*, lists, [links](https://…)."
        ),
    )
    organisation = forms.ChoiceField(label=_("Institution that consults"))
    audience = forms.ModelMultipleChoiceField(
        label=_("Target intercommunalities and arrondissements"),
        queryset=Territory.objects.filter(
            kind__in=[TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT]
        ).order_by("kind", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Optional. None chosen and no commune below: the whole département."),
        error_messages={"invalid_choice": _("Choose territories from the list.")},
    )
    audience_communes = forms.CharField(
        label=_("Target communes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: one commune per line (name or postal code)."),
    )
    opens_date = forms.DateField(
        label=_("Opening date"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: as soon as it is published."),
    )
    opens_time = forms.TimeField(
        label=_("Opening time"), required=False, widget=TimeInput(), help_text=_("HH:MM")
    )
    closes_date = forms.DateField(label=_("Closing date"), widget=DateInput())
    closes_time = forms.TimeField(
        label=_("Closing time"),
        required=False,
        widget=TimeInput(),
        help_text=_("HH:MM; empty: at midnight, at the end of the closing date."),
    )
    results_visibility = forms.ChoiceField(
        label=_("Results shown"),
        choices=ResultsVisibility.choices,
        initial=ResultsVisibility.AFTER_CLOSING,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user, consultation=None, **kwargs):
        self.user = user
        self.consultation = consultation
        if consultation is not None:
            kwargs.setdefault("initial", self.initial_for(consultation))
        super().__init__(*args, **kwargs)
        choices = self.organisation_choices()
        self.fields["organisation"].choices = choices
        if len(choices) == 1:
            self.fields["organisation"].initial = choices[0][0]
        self.fields["audience_communes"].widget.attrs.setdefault("autocomplete", "off")

    def organisations(self):
        if is_consultation_moderator(self.user):
            qs = Organisation.objects.filter(
                kind=OrganisationKind.INSTITUTION, status="verified"
            ).order_by("name")
        else:
            qs = institutions_run_by(self.user)
        if self.consultation is not None:
            qs = qs | Organisation.objects.filter(pk=self.consultation.organisation_id)
        return qs.distinct()

    def organisation_choices(self):
        return [(str(organisation.pk), organisation.name) for organisation in self.organisations()]

    @staticmethod
    def initial_for(consultation):
        zone = local_zone()
        opens = timezone.localtime(consultation.opens_at, zone)
        closes = timezone.localtime(consultation.closes_at, zone)
        communes = [t for t in consultation.audience.all() if t.kind == TerritoryKind.COMMUNE]
        return {
            "title": consultation.title,
            "context": consultation.context,
            "organisation": str(consultation.organisation_id),
            "audience": [t for t in consultation.audience.all() if t.kind != "commune"],
            "audience_communes": "\n".join(commune.name for commune in communes),
            "opens_date": opens.date(),
            "opens_time": opens.time().replace(second=0, microsecond=0),
            "closes_date": closes.date(),
            "closes_time": closes.time().replace(second=0, microsecond=0),
            "results_visibility": consultation.results_visibility,
        }

    def clean_organisation(self):
        value = self.cleaned_data.get("organisation")
        organisation = Organisation.objects.filter(pk=value).first() if value else None
        if organisation is None:
            raise ValidationError(_("Choose the institution that consults."))
        return organisation

    def clean_audience_communes(self):
        field = CommuneField()
        communes, errors = [], []
        for line in (self.cleaned_data.get("audience_communes") or "").splitlines()[:700]:
            if not line.strip():
                continue
            try:
                communes.append(field.clean(line))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return communes

    def clean(self):
        data = super().clean()
        zone = local_zone()
        opens_date, closes_date = data.get("opens_date"), data.get("closes_date")
        if opens_date is None:
            opens_at = None
            if self.consultation is not None:
                opens_at = self.consultation.opens_at
        else:
            opens_at = dt.datetime.combine(
                opens_date, data.get("opens_time") or dt.time(0, 0), tzinfo=zone
            )
        if closes_date is not None:
            if data.get("closes_time") is None:
                closes_at = dt.datetime.combine(
                    closes_date + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone
                )
            else:
                closes_at = dt.datetime.combine(closes_date, data["closes_time"], tzinfo=zone)
            if closes_at <= (opens_at or timezone.now()):
                self.add_error(
                    "closes_date",
                    _("The closing must come after the opening."),
                )
            data["closes_at"] = closes_at
        data["opens_at"] = opens_at
        return data

    def service_data(self):
        data = self.cleaned_data
        return {
            "title": data["title"],
            "context": data["context"],
            "organisation": data["organisation"],
            "audience": [*data["audience"], *data["audience_communes"]],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "results_visibility": data["results_visibility"],
        }


class QuestionForm(forms.Form):
    """One question of the formset; a slot left blank is ignored."""

    text = forms.CharField(
        label=_("Question"), max_length=services.QUESTION_MAX_LENGTH, required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=QuestionKind.choices, initial=QuestionKind.SINGLE
    )
    required = forms.TypedChoiceField(
        label=_("Answer required"),
        choices=YES_NO,
        initial="1",
        coerce=lambda value: str(value) in {"1", "True"},
    )
    options = forms.CharField(
        label=_("Options (choice questions)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One option per line, from 2 to 20."),
    )

    def clean(self):
        data = super().clean()
        if data.get("DELETE"):
            return data
        # Django skips the blank extra slots: this runs for filled-in or existing questions.
        if not (data.get("text") or "").strip():
            self.add_error("text", _("Write the question, or empty this slot."))
        labels = [line.strip() for line in (data.get("options") or "").splitlines()]
        labels = [label for label in labels if label]
        kind = data.get("kind")
        if kind in CHOICE_KINDS:
            if not services.MIN_OPTIONS <= len(labels) <= services.MAX_OPTIONS:
                self.add_error(
                    "options",
                    _("Give between %(min)d and %(max)d options, one per line.")
                    % {"min": services.MIN_OPTIONS, "max": services.MAX_OPTIONS},
                )
            elif any(len(label) > services.OPTION_MAX_LENGTH for label in labels):
                self.add_error(
                    "options",
                    _("An option is too long (%(max)d characters at most).")
                    % {"max": services.OPTION_MAX_LENGTH},
                )
            elif len({label.casefold() for label in labels}) != len(labels):
                self.add_error("options", _("The same option is given twice."))
        elif labels:
            self.add_error(
                "options",
                _("Only choice questions have options: empty this box or change the kind."),
            )
        data["option_labels"] = labels if kind in CHOICE_KINDS else []
        return data


class BaseQuestionFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["ORDER"].label = _("Position")
        form.fields["ORDER"].help_text = _("Change the numbers to reorder the questions.")
        form.fields["DELETE"].label = _("Remove this question")

    def clean(self):
        if any(self.errors):
            return
        filled = [
            form
            for index, form in enumerate(self.forms)
            if (index < self.initial_form_count() or form.has_changed())
            and not form.cleaned_data.get("DELETE")
            and (form.cleaned_data.get("text") or "").strip()
        ]
        if not filled:
            raise ValidationError(_("Ask at least one question."))

    def questions(self):
        """The filled-in questions, in the chosen order, as the services take them."""
        questions = []
        for form in self.ordered_forms:  # without the deleted and the blank extra slots
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not (data.get("text") or "").strip():
                continue
            questions.append(
                {
                    "kind": data["kind"],
                    "text": data["text"],
                    "required": data["required"],
                    "options": data.get("option_labels", []),
                }
            )
        return questions


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=0,
    can_order=True,
    can_delete=True,
    max_num=services.MAX_QUESTIONS,
    validate_max=True,
    absolute_max=services.MAX_QUESTIONS + 10,
)


def question_formset(data=None, *, consultation=None, extra=2, prefix="questions"):
    """The questions formset, with the consultation's questions (if any) and ``extra`` blank
    slots (3 for a new consultation)."""
    initial = []
    if consultation is not None:
        for question in consultation.questions.all():
            initial.append(
                {
                    "text": question.text,
                    "kind": question.kind,
                    "required": "1" if question.required else "0",
                    "options": "\n".join(option.label for option in question.options.all()),
                    "ORDER": question.order,
                }
            )
    formset = QuestionFormSet(data, initial=initial, prefix=prefix)
    formset.extra = extra if initial else max(extra, 3)
    return formset


def formset_with_one_more(data, *, prefix="questions"):
    """The posted formset with one more blank slot (the "Add a question" button)."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, "0"))
    except ValueError:
        total = 0
    data[key] = str(min(total + 1, services.MAX_QUESTIONS))
    return data


class AnswerForm(ServiceErrorsMixin, forms.Form):
    """The answer form of a consultation: one field per question (``question_<pk>``)."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for number, question in enumerate(self.questions, start=1):
            name = f"question_{question.pk}"
            label = f"{number}. {question.text}"
            if question.kind in CHOICE_KINDS:
                choices = [(str(option.pk), option.label) for option in question.options.all()]
                if question.kind == QuestionKind.SINGLE:
                    field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
                else:
                    field = forms.MultipleChoiceField(
                        choices=choices,
                        widget=forms.CheckboxSelectMultiple,
                        help_text=_("Several answers possible."),
                    )
                field.error_messages["invalid_choice"] = _(
                    "Choose among the options of this question."
                )
            elif question.kind == QuestionKind.SCALE:
                field = forms.ChoiceField(
                    choices=[(str(v), str(v)) for v in range(SCALE_MIN, SCALE_MAX + 1)],
                    widget=forms.RadioSelect,
                    help_text=_("From 1 (not at all) to 5 (absolutely)."),
                )
                field.error_messages["invalid_choice"] = _("Give a value from 1 to 5.")
            else:
                field = forms.CharField(
                    max_length=ANSWER_TEXT_MAX_LENGTH,
                    widget=forms.Textarea(attrs={"rows": 3}),
                    help_text=_("%(max)d characters at most.") % {"max": ANSWER_TEXT_MAX_LENGTH},
                )
            field.label = label
            field.required = question.required
            field.error_messages["required"] = _("This question needs an answer.")
            self.fields[name] = field

    @staticmethod
    def initial_from(values):
        """The form's initial data from ``{question_pk: value}`` (a member's answers)."""
        initial = {}
        for pk, value in values.items():
            if isinstance(value, list):
                initial[f"question_{pk}"] = [str(v) for v in value]
            else:
                initial[f"question_{pk}"] = str(value)
        return initial

    def answers(self):
        """``{question_pk: value}`` for ``services.response_submit``."""
        values = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"question_{question.pk}")
            if question.kind == QuestionKind.SINGLE:
                value = [value] if value else []
            values[question.pk] = value
        return values


class ConclusionForm(ServiceErrorsMixin, forms.Form):
    conclusion = forms.CharField(
        label=_("What we did with your answers"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown is accepted. Shown on the consultation and its results."),
        error_messages={"required": _("Write what the institution did with the answers.")},
    )

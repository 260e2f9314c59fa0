"""The event form (propose and edit).

Dates are typed in Europe/Paris as separate date and time inputs; the recurrence is chosen
from structured options and turned into an RFC 5545 rule with ``recurrence.build_rrule``.
``EventForm.service_data()`` gives the dict that ``services.event_create`` and
``services.event_update`` take.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.images import process_image
from parvis.core.mixins import ServiceErrorsMixin
from parvis.groups.models import Group
from parvis.organisations.models import Organisation
from parvis.territories.forms import CommuneField
from parvis.territories.models import Territory, TerritoryKind

from .models import Accessibility, Category
from .recurrence import WEEKDAYS, RecurrenceError, build_rrule, local_zone
from .selectors import linkable_groups

REPEAT_CHOICES = [
    ("none", _("Does not repeat")),
    ("weekly", _("Weekly, on the chosen days")),
    ("monthly_day", _("Monthly, on the same date (e.g. the 14th)")),
    ("monthly_weekday", _("Monthly, on the same weekday (e.g. the 2nd Tuesday)")),
    ("yearly", _("Yearly")),
]
WEEKDAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]
ENDS_CHOICES = [
    ("until", _("On a date")),
    ("count", _("After a number of dates")),
]
#: Service error keys → form fields.
FIELD_FOR = {"start": "start_date", "end": "end_date", "rrule": "repeat", "audience": "audience"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def parse_rrule(rrule):
    """The structured choice behind an RRULE built by ``build_rrule`` (for editing)."""
    parts = dict(part.split("=", 1) for part in (rrule or "").split(";") if "=" in part)
    freq = parts.get("FREQ", "")
    byday = [d for d in parts.get("BYDAY", "").split(",") if d]
    if freq == "WEEKLY":
        repeat = "weekly"
    elif freq == "MONTHLY":
        repeat = "monthly_weekday" if byday else "monthly_day"
    elif freq == "YEARLY":
        repeat = "yearly"
    else:
        return {"repeat": "none"}
    initial = {
        "repeat": repeat,
        "interval": int(parts.get("INTERVAL", "1")),
        "weekdays": [d for d in byday if d in WEEKDAYS],
    }
    if "COUNT" in parts:
        initial.update(ends="count", count=int(parts["COUNT"]))
    elif "UNTIL" in parts:
        until = dt.datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        initial.update(ends="until", until=until.astimezone(local_zone()).date())
    return initial


def parse_dates(text):
    """Dates typed one per line (or separated by commas): YYYY-MM-DD or DD/MM/YYYY."""
    days, bad = [], []
    for chunk in (text or "").replace(",", "\n").replace(";", "\n").splitlines():
        chunk = chunk.strip()
        if not chunk:
            continue
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                days.append(dt.datetime.strptime(chunk, fmt).date())
                break
            except ValueError:
                continue
        else:
            bad.append(chunk[:40])
    return sorted(set(days)), bad


class EventForm(ServiceErrorsMixin, forms.Form):
    field_for = FIELD_FOR

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown is accepted: **bold**, *italics*, lists, [links](https://…)."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Choose a category"),
        error_messages={"invalid_choice": _("Choose one of the categories offered.")},
    )
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=TimeInput(), help_text=_("HH:MM")
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=DateInput(), help_text=_("Empty: same day.")
    )
    end_time = forms.TimeField(
        label=_("End time"), required=False, widget=TimeInput(), help_text=_("HH:MM")
    )
    all_day = forms.BooleanField(
        label=_("All day"), required=False, help_text=_("The times are then ignored.")
    )
    repeat = forms.ChoiceField(label=_("Repeats"), choices=REPEAT_CHOICES, initial="none")
    interval = forms.IntegerField(
        label=_("Every how many weeks, months or years"),
        min_value=1,
        max_value=52,
        initial=1,
        required=False,
        help_text=_("1: every week (month, year); 2: every other one…"),
    )
    weekdays = forms.MultipleChoiceField(
        label=_("On these days (weekly)"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the weekday of the start date."),
    )
    ends = forms.ChoiceField(
        label=_("The repetition ends"),
        choices=ENDS_CHOICES,
        initial="until",
        widget=forms.RadioSelect,
        required=False,
    )
    until = forms.DateField(label=_("Last date"), required=False, widget=DateInput())
    count = forms.IntegerField(
        label=_("Number of dates"), min_value=1, max_value=400, required=False
    )
    exdates = forms.CharField(
        label=_("Dates left out"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dates on which the event does not take place, one per line (DD/MM/YYYY)."),
    )
    venue_name = forms.CharField(label=_("Venue"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300)
    commune = CommuneField(
        label=_("Commune"),
        error_messages={"required": _("Enter the commune of the venue (name or postal code).")},
    )
    # Text, not decimals: the service parses and checks the point (``core.geo``), for the API
    # and the admin alike; a click on the form's map fills both.
    latitude = forms.CharField(
        label=_("Latitude (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("From your phone's map, e.g. 49.4300."),
    )
    longitude = forms.CharField(
        label=_("Longitude (optional)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("E.g. 2.0800."),
    )
    organisation = forms.ChoiceField(label=_("Organiser"), required=False)
    group = forms.ChoiceField(
        label=_("Group"),
        required=False,
        help_text=_(
            "Optional: a public group you belong to. The event appears on the group's page; "
            "it stays public in the agenda."
        ),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG, WebP or GIF, 5 MB at most."),
    )
    is_free = forms.BooleanField(label=_("Free"), required=False, initial=True)
    price = forms.CharField(
        label=_("Price"),
        max_length=120,
        required=False,
        help_text=_("If not free, e.g. “5 €, reduced 3 €”."),
    )
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility"),
        choices=Accessibility.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accessibility_details = forms.CharField(
        label=_("Accessibility details"), max_length=500, required=False
    )
    external_url = forms.URLField(
        label=_("External link"), required=False, assume_scheme="https", max_length=200
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Places per date; empty: unlimited."),
    )
    audience = forms.ModelMultipleChoiceField(
        label=_("Target intercommunalities and arrondissements"),
        queryset=Territory.objects.filter(
            kind__in=[TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT]
        ).order_by("kind", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Optional. None chosen and no commune below: the whole département."),
    )
    audience_communes = forms.CharField(
        label=_("Target communes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: one commune per line (name or postal code)."),
    )

    def __init__(self, *args, user, event=None, **kwargs):
        self.user = user
        self.event = event
        if event is not None:
            kwargs.setdefault("initial", self.initial_for(event))
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = self.organisation_choices()
        self.fields["group"].choices = self.group_choices()
        self.fields["commune"].widget.attrs.setdefault("autocomplete", "off")
        if event is not None and event.category_id and not event.category.is_active:
            self.fields["category"].queryset = Category.objects.filter(
                is_active=True
            ) | Category.objects.filter(pk=event.category_id)

    def organisation_choices(self):
        """ "Myself", then the organisations the member runs (plus the event's current one)."""
        organisations = Organisation.objects.filter(memberships__user=self.user).order_by("name")
        if self.event is not None and self.event.organisation_id:
            organisations = organisations | Organisation.objects.filter(
                pk=self.event.organisation_id
            )
        myself = _("Myself (%(name)s)") % {"name": self.user.get_full_name() or self.user.email}
        choices = [("", myself)]
        for organisation in organisations.distinct():
            label = organisation.name
            if not organisation.is_verified:
                label = _("%(name)s (not verified yet)") % {"name": label}
            choices.append((str(organisation.pk), label))
        return choices

    def group_choices(self):
        """None, then the public groups the member may post in (plus the event's current
        group, kept while editing)."""
        groups = list(linkable_groups(self.user))
        if self.event is not None and self.event.group_id:
            current = self.event.group
            if current is not None and current not in groups:
                groups.append(current)
        return [("", _("No group")), *((str(group.pk), group.name) for group in groups)]

    @staticmethod
    def initial_for(event):
        zone = local_zone()
        start = timezone.localtime(event.start, zone)
        end = timezone.localtime(event.end, zone)
        communes = event.audience.filter(kind=TerritoryKind.COMMUNE)
        return {
            "title": event.title,
            "description": event.description,
            "category": event.category_id,
            "start_date": start.date(),
            "start_time": None if event.all_day else start.time(),
            "end_date": end.date(),
            "end_time": None if event.all_day else end.time(),
            "all_day": event.all_day,
            **parse_rrule(event.rrule),
            "exdates": "\n".join(
                dt.date.fromisoformat(day).strftime("%d/%m/%Y") for day in event.exdates
            ),
            "venue_name": event.venue_name,
            "address": event.address,
            "commune": event.commune,
            "latitude": "" if event.latitude is None else f"{event.latitude:f}",
            "longitude": "" if event.longitude is None else f"{event.longitude:f}",
            "organisation": str(event.organisation_id or ""),
            "group": str(event.group_id or ""),
            "is_free": event.is_free,
            "price": event.price,
            "accessibility": event.accessibility,
            "accessibility_details": event.accessibility_details,
            "external_url": event.external_url,
            "capacity": event.capacity,
            "audience": list(event.audience.exclude(kind=TerritoryKind.COMMUNE)),
            "audience_communes": "\n".join(c.name for c in communes),
        }

    # --- fields --------------------------------------------------------------------------------

    def clean_organisation(self):
        value = self.cleaned_data.get("organisation") or ""
        if not value:
            return None
        organisation = Organisation.objects.filter(pk=value).first()
        if organisation is None:  # ChoiceField already refused unknown values
            raise ValidationError(_("Choose yourself or an organisation you run."))
        return organisation

    def clean_group(self):
        value = self.cleaned_data.get("group") or ""
        if not value:
            return None
        group = Group.objects.filter(pk=value).first()
        if group is None:  # ChoiceField already refused unknown values
            raise ValidationError(_("Choose one of your groups, or none."))
        return group

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image in (None, False):
            return image
        process_image(image)  # raises a clear ValidationError (size, format, not an image)
        image.seek(0)
        return image

    def clean_exdates(self):
        days, bad = parse_dates(self.cleaned_data.get("exdates"))
        if bad:
            raise ValidationError(
                _("Not a date: %(values)s. Write dates as DD/MM/YYYY, one per line."),
                params={"values": ", ".join(bad)},
            )
        return days

    def clean_audience_communes(self):
        field = CommuneField()
        communes, errors = [], []
        for line in (self.cleaned_data.get("audience_communes") or "").splitlines()[:200]:
            if not line.strip():
                continue
            try:
                communes.append(field.clean(line))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return communes

    # --- the whole form ------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        zone = local_zone()
        start_date, end_date = data.get("start_date"), data.get("end_date")
        all_day = data.get("all_day")
        if start_date is None:
            return data
        end_date = end_date or start_date
        if all_day:
            start = dt.datetime.combine(start_date, dt.time(0, 0), tzinfo=zone)
            end = dt.datetime.combine(end_date, dt.time(23, 59), tzinfo=zone)
        else:
            start_time, end_time = data.get("start_time"), data.get("end_time")
            if start_time is None:
                if "start_time" not in self.errors:
                    self.add_error("start_time", _("Give the start time, or tick “All day”."))
                return data
            start = dt.datetime.combine(start_date, start_time, tzinfo=zone)
            if end_time is None:
                end = start + dt.timedelta(hours=2) if not data.get("end_date") else None
                if end is None:
                    self.add_error("end_time", _("Give the end time."))
                    return data
            else:
                end = dt.datetime.combine(end_date, end_time, tzinfo=zone)
        if end < start:
            self.add_error("end_date", _("The end must not be before the start."))
        if self.event is not None:
            # The inputs hold minutes: an unchanged date keeps the event's exact value.
            if start == self.event.start.replace(second=0, microsecond=0):
                start = self.event.start
            if end == self.event.end.replace(second=0, microsecond=0):
                end = self.event.end
        creating = self.event is None
        if (creating or start != self.event.start) and start < timezone.now():
            self.add_error("start_date", _("The start is in the past: give a date to come."))
        data["start"], data["end"] = start, end
        data["rrule"] = self._rrule(data, start)
        if not data.get("is_free") and not (data.get("price") or "").strip():
            self.add_error("price", _("Give the price, or tick “Free”."))
        return data

    def _rrule(self, data, start):
        repeat = data.get("repeat") or "none"
        if repeat == "none":
            return ""
        freq, monthly_by = {
            "weekly": ("WEEKLY", "day"),
            "monthly_day": ("MONTHLY", "day"),
            "monthly_weekday": ("MONTHLY", "weekday"),
            "yearly": ("YEARLY", "day"),
        }[repeat]
        ends = data.get("ends") or "until"
        until = data.get("until") if ends == "until" else None
        count = data.get("count") if ends == "count" else None
        if ends == "until" and until is None:
            self.add_error("until", _("Give the last date of the repetition."))
            return ""
        if ends == "count" and count is None:
            self.add_error("count", _("Give the number of dates."))
            return ""
        if until is not None and until < start.date():
            self.add_error("until", _("The last date must not be before the start."))
            return ""
        try:
            return build_rrule(
                freq=freq,
                interval=data.get("interval") or 1,
                byweekday=data.get("weekdays") or (),
                monthly_by=monthly_by,
                start=start,
                until=until,
                count=count,
            )
        except RecurrenceError as error:
            self.add_error("repeat", str(error))
            return ""

    def service_data(self):
        """The dict the services take (``event_create`` / ``event_update``)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "category": data["category"],
            "start": data["start"],
            "end": data["end"],
            "all_day": data["all_day"],
            "rrule": data["rrule"],
            "exdates": data["exdates"],
            "venue_name": data["venue_name"],
            "address": data["address"],
            "commune": data["commune"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "organisation": data["organisation"],
            "group": data["group"],
            "image": data.get("image"),
            "is_free": data["is_free"],
            "price": "" if data["is_free"] else data["price"],
            "accessibility": data["accessibility"],
            "accessibility_details": data["accessibility_details"],
            "external_url": data["external_url"],
            "capacity": data["capacity"],
            "audience": [*data["audience"], *data["audience_communes"]],
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown on the event page and e-mailed to the members who said they would go."),
        error_messages={"required": _("Give the reason: nothing was changed.")},
    )

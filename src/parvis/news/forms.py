"""The post form (write, edit) and the feed's filter form.

Dates are typed in Europe/Paris; an empty publication date means "now", a date to come
schedules the post; the end of display is a day (the post shows until that day's end).
``PostForm.service_data()`` gives the dict ``services.post_create`` and ``post_update`` take.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.images import process_image
from parvis.core.mixins import ServiceErrorsMixin
from parvis.organisations.models import Organisation
from parvis.territories.forms import CommuneField
from parvis.territories.models import Territory, TerritoryKind

from .models import Category, PostStatus
from .selectors import publishing_organisations

#: The publisher choice for "myself, as an elected official".
MYSELF = "self"
#: Service error keys → form fields.
FIELD_FOR = {"publish_at": "publish_date", "expires_at": "expires_on", "organisation": "publisher"}
MAX_COMMUNE_LINES = 100


def local_zone():
    return ZoneInfo(settings.TIME_ZONE)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class PostForm(ServiceErrorsMixin, forms.Form):
    field_for = FIELD_FOR

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Markdown is accepted: **bold**, *italics*, lists, [links](https://…)."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Choose a category"),
        error_messages={"invalid_choice": _("Choose one of the categories offered.")},
    )
    publisher = forms.ChoiceField(
        label=_("Published by"),
        error_messages={
            "invalid_choice": _(
                "Choose yourself (as an elected official) or an organisation you run."
            )
        },
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG, WebP or GIF, 5 MB at most."),
    )
    remove_image = forms.BooleanField(label=_("Remove the current image"), required=False)
    image_alt = forms.CharField(
        label=_("Image description"),
        max_length=250,
        required=False,
        help_text=_("What the image shows, for people who cannot see it. Empty: decorative."),
    )
    audience = forms.ModelMultipleChoiceField(
        label=_("Target intercommunalities and arrondissements"),
        queryset=Territory.objects.filter(
            kind__in=[TerritoryKind.EPCI, TerritoryKind.ARRONDISSEMENT]
        ).order_by("kind", "name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Optional. None chosen and no commune below: the whole département."),
        error_messages={
            "invalid_choice": _("Choose territories of the list (%(value)s is not one of them)."),
            "invalid_pk_value": _("Choose territories of the list (“%(pk)s” is not one of them)."),
        },
    )
    audience_communes = forms.CharField(
        label=_("Target communes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: one commune per line (name or postal code)."),
    )
    publish_date = forms.DateField(
        label=_("Publication date"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: now. A date to come schedules the post."),
    )
    publish_time = forms.TimeField(
        label=_("Publication time"), required=False, widget=TimeInput(), help_text=_("HH:MM")
    )
    expires_on = forms.DateField(
        label=_("Shown until"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional: the post leaves the feeds after this day."),
    )

    def __init__(self, *args, user, post=None, **kwargs):
        self.user = user
        self.post = post
        if post is not None:
            kwargs.setdefault("initial", self.initial_for(post))
        super().__init__(*args, **kwargs)
        self.fields["publisher"].choices = self.publisher_choices()
        if post is None or not post.image:
            del self.fields["remove_image"]
        if post is not None and post.category_id and not post.category.is_active:
            self.fields["category"].queryset = Category.objects.filter(
                is_active=True
            ) | Category.objects.filter(pk=post.category_id)

    def publisher_choices(self):
        """The member as an elected official (when verified), then the organisations they may
        publish for (plus the post's current one)."""
        from .rules import can_publish_for

        choices = []
        current = self.post.organisation if self.post is not None else None
        if can_publish_for(self.user, self.user) or (
            self.post is not None and self.post.organisation_id is None
        ):
            name = self.user.get_full_name() or self.user.email
            choices.append(
                (MYSELF, _("Myself, as an elected official (%(name)s)") % {"name": name})
            )
        organisations = list(publishing_organisations(self.user))
        if current is not None and current not in organisations:
            organisations.insert(0, current)
        for organisation in organisations:
            choices.append((str(organisation.pk), organisation.name))
        return choices

    @staticmethod
    def initial_for(post):
        zone = local_zone()
        initial = {
            "title": post.title,
            "body": post.body,
            "category": post.category_id,
            "publisher": str(post.organisation_id) if post.organisation_id else MYSELF,
            "image_alt": post.image_alt,
            "audience": list(post.audience.exclude(kind=TerritoryKind.COMMUNE)),
            "audience_communes": "\n".join(
                c.name for c in post.audience.filter(kind=TerritoryKind.COMMUNE)
            ),
        }
        if post.publish_at is not None and (
            post.is_scheduled or post.status != PostStatus.PUBLISHED
        ):
            local = timezone.localtime(post.publish_at, zone)
            initial.update(publish_date=local.date(), publish_time=local.time())
        if post.expires_at is not None:
            last = timezone.localtime(post.expires_at, zone) - dt.timedelta(microseconds=1)
            initial["expires_on"] = last.date()
        return initial

    # --- fields ---------------------------------------------------------------------------------

    def clean_publisher(self):
        value = self.cleaned_data.get("publisher") or ""
        if value == MYSELF:
            return None
        organisation = Organisation.objects.filter(pk=value).first() if value.isdigit() else None
        if organisation is None:  # ChoiceField already refused values that are not offered
            raise ValidationError(self.fields["publisher"].error_messages["invalid_choice"])
        return organisation

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image in (None, False):
            return image
        process_image(image)  # raises a clear ValidationError (size, format, not an image)
        image.seek(0)
        return image

    def clean_audience_communes(self):
        field = CommuneField()
        communes, errors = [], []
        text = self.cleaned_data.get("audience_communes") or ""
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) > MAX_COMMUNE_LINES:
            raise ValidationError(
                _("Target %(max)d communes at most, or choose their intercommunality."),
                params={"max": MAX_COMMUNE_LINES},
            )
        for line in lines:
            try:
                communes.append(field.clean(line))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return communes

    # --- the whole form -------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        zone = local_zone()
        publish_date, publish_time = data.get("publish_date"), data.get("publish_time")
        publish_at = None
        if publish_date is not None:
            publish_at = dt.datetime.combine(
                publish_date, publish_time or dt.time(0, 0), tzinfo=zone
            )
            # The inputs hold minutes: an unchanged date keeps the post's exact value.
            previous = self.post.publish_at if self.post is not None else None
            if previous is not None and publish_at == timezone.localtime(previous, zone).replace(
                second=0, microsecond=0
            ):
                publish_at = previous
        elif publish_time is not None:
            self.add_error("publish_date", _("Give the publication date with its time."))
        elif (
            self.post is not None
            and self.post.status == PostStatus.PUBLISHED
            and not self.post.is_scheduled
        ):
            publish_at = self.post.publish_at  # a live post keeps its date
        expires_at = None
        expires_on = data.get("expires_on")
        if expires_on is not None:
            expires_at = dt.datetime.combine(
                expires_on + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone
            )
            previous = self.post.expires_at if self.post is not None else None
            if previous is not None and expires_on == self.initial.get("expires_on"):
                expires_at = previous  # unchanged day: keep the exact end (API, admin)
        data["publish_at"], data["expires_at"] = publish_at, expires_at
        return data

    def service_data(self):
        """The dict the services take (``post_create`` / ``post_update``)."""
        data = self.cleaned_data
        image = data.get("image") or None
        if image is None and data.get("remove_image"):
            image = False
        return {
            "title": data["title"],
            "body": data["body"],
            "category": data["category"],
            "organisation": data["publisher"],
            "image": image,
            "image_alt": data["image_alt"],
            "audience": [*data["audience"], *data["audience_communes"]],
            "publish_at": data["publish_at"],
            "expires_at": data["expires_at"],
        }


class UnpublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For your team's record; not shown to the public."),
    )

    def __init__(self, *args, as_moderator=False, **kwargs):
        super().__init__(*args, **kwargs)
        if as_moderator:  # a moderator's reason is required and e-mailed to the author
            field = self.fields["reason"]
            field.required = True
            field.label = _("Reason")
            field.help_text = _(
                "E-mailed to the author with the decision. Be precise and courteous."
            )
            field.error_messages["required"] = _(
                "Give the reason: it is sent to the author. Nothing was changed."
            )


class FeedCommuneField(CommuneField):
    """A commune as ``CommuneField`` reads it; an INSEE code wins over a postal code."""

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip()
            if text.isdigit() and len(text) == 5:
                commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=text).first()
                if commune is not None:
                    return commune
        return super().to_python(value)


class FeedFilterForm(forms.Form):
    """The GET form of the feed; a bad value is reported and ignored."""

    commune = FeedCommuneField(
        label=_("See the information for a commune"),
        required=False,
        help_text=_("Its name or postal code."),
    )
    categorie = forms.ChoiceField(label=_("Category"), required=False)
    # Links from the intercommunality and arrondissement pages (no input on the form).
    epci = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)
    arrondissement = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.slug: category for category in categories}
        self.fields["categorie"].choices = [("", _("All categories"))] + [
            (category.slug, category.name) for category in categories
        ]
        self.fields["categorie"].error_messages["invalid_choice"] = _(
            "Unknown category: all categories are shown."
        )

    def _territory(self, kind):
        code = (self.cleaned_data.get(kind) or "").strip()
        if not code:
            return None
        territory = Territory.objects.filter(kind=kind, code=code).first()
        if territory is None:
            raise ValidationError(
                _("No territory of ours has the code “%(code)s”: it was ignored."),
                params={"code": code[:12]},
            )
        return territory

    def clean_epci(self):
        return self._territory(TerritoryKind.EPCI)

    def clean_arrondissement(self):
        return self._territory(TerritoryKind.ARRONDISSEMENT)

    def values(self):
        """``(commune, category, territory)`` from the valid fields (``territory``: an
        intercommunality or an arrondissement); invalid ones count as absent."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def valid(name):
            return data.get(name) if name not in self.errors else None

        commune = valid("commune")
        territory = None if commune else (valid("epci") or valid("arrondissement"))
        return commune, self.categories.get(valid("categorie") or ""), territory

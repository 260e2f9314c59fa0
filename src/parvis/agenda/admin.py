"""Categories, events and the moderation queue ("events awaiting review") in the admin.

Moderators approve or reject (with a reason, e-mailed to the organiser) the events members
submit; they may also cancel a published event (with a reason, e-mailed to its participants).
Every change goes through the services, which keep the occurrences in step.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from parvis.core.admin import (
    ArrondissementFilter,
    ConcretePermissionsMixin,
    LabelledFileInput,
    admin_link,
    count_message,
    immediate_action,
    local_datetime,
    reason_action,
)
from parvis.moderation.review import ReviewDecision, ReviewDecisionsMixin

from . import services
from .models import Category, Event, EventAwaitingReview, EventOccurrence, EventStatus
from .recurrence_text import describe
from .validation import event_validate


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "is_active")
    list_editable = ("position", "is_active")
    ordering = ("position", "name")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


def _approve(event, moderator):
    services.event_publish(event=event, moderator=moderator)
    return _("Event approved and published.")


def _reject(event, moderator, *, reason):
    services.event_reject(event=event, moderator=moderator, reason=reason)
    return _("Event rejected: %(reason)s") % {"reason": reason}


def _changes(event, moderator, *, reason):
    services.event_changes_request(event=event, moderator=moderator, reason=reason)
    return _("Changes requested: %(reason)s") % {"reason": reason}


REVIEW_DECISIONS = (
    ReviewDecision(
        "approve",
        _("Approve and publish"),
        perform=_approve,
        done=_("Event approved and published; its organiser has been told."),
    ),
    ReviewDecision(
        "changes",
        _("Request changes"),
        perform=_changes,
        needs_reason=True,
        style="changes",
        intro=_(
            "Say what the organiser must change: the event goes back to them as a draft, "
            "with your message; they correct it and submit it again."
        ),
        done=_("Changes requested; the organiser has been told what to change."),
    ),
    ReviewDecision(
        "refuse",
        _("Refuse"),
        perform=_reject,
        needs_reason=True,
        style="refuse",
        intro=_("The reason is e-mailed to the organiser. The event stays hidden from the public."),
        done=_("Event refused; its organiser has been told why."),
    ),
)


def _cancel(event, moderator, *, reason):
    services.event_cancel(event=event, actor=moderator, reason=reason)
    return _("Event cancelled: %(reason)s") % {"reason": reason}


approve_action = immediate_action(
    name="approve_events",
    description=_("Approve and publish the selected events"),
    perform=_approve,
    done_message=count_message(
        ngettext_lazy(
            "%(count)d event published; its organiser has been told.",
            "%(count)d events published; their organisers have been told.",
            "count",
        )
    ),
)
reject_action = reason_action(
    name="reject_events",
    description=_("Reject the selected events (with a reason)"),
    title=_("Reject events"),
    intro=_(
        "The reason is e-mailed to the organiser of each event, who may correct it and "
        "submit it again. The events stay hidden from the public."
    ),
    perform=_reject,
    done_message=count_message(
        ngettext_lazy(
            "%(count)d event rejected; its organiser has been told why.",
            "%(count)d events rejected; their organisers have been told why.",
            "count",
        )
    ),
)
cancel_action = reason_action(
    name="cancel_events",
    description=_("Cancel the selected published events (with a reason)"),
    title=_("Cancel events"),
    intro=_(
        "The events stay in the agenda, marked cancelled with the reason, and the members "
        "who said they would go are told by e-mail."
    ),
    perform=_cancel,
    done_message=count_message(
        ngettext_lazy(
            "%(count)d event cancelled; its participants have been told.",
            "%(count)d events cancelled; their participants have been told.",
            "count",
        )
    ),
)


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = (
            "title",
            "slug",
            "category",
            "description",
            "image",
            "start",
            "end",
            "all_day",
            "rrule",
            "exdates",
            "venue_name",
            "address",
            "commune",
            "latitude",
            "longitude",
            "audience",
            "organisation",
            "is_free",
            "price",
            "capacity",
            "accessibility",
            "accessibility_details",
            "external_url",
        )
        widgets = {"image": LabelledFileInput}

    def _post_clean(self):
        """After the model's own checks: the rules of every event (``event_validate``, the
        same as the form's and the API's)."""
        super()._post_clean()
        if self.errors:
            return
        try:
            event_validate(
                self.instance,
                changed=self.changed_data,
                is_new=self.instance._state.adding,
                audience=self.cleaned_data.get("audience"),
            )
        except ValidationError as error:
            self._update_errors(error)

    def clean_exdates(self):
        value = self.cleaned_data.get("exdates") or []
        if not isinstance(value, list) or not all(isinstance(day, str) for day in value):
            raise ValidationError(_('A list of ISO dates, e.g. ["2027-03-28"].'))
        return value


class OccurrenceInline(admin.TabularInline):
    model = EventOccurrence
    extra = 0
    fields = ("start", "end", "rsvp_count")
    readonly_fields = ("start", "end", "rsvp_count")
    can_delete = False
    show_change_link = False
    max_num = 0


@admin.register(Event)
class EventAdmin(ReviewDecisionsMixin, admin.ModelAdmin):
    review_queue = "events"
    review_decisions = REVIEW_DECISIONS
    form = EventAdminForm
    list_display = ("title", "start", "commune", "category", "organiser", "status")
    list_filter = ("status", "category", ArrondissementFilter, "all_day")
    search_fields = (
        "title",
        "venue_name",
        "commune__name",
        "organisation__name",
        "created_by__email",
        "created_by__last_name",
    )
    list_select_related = ("commune", "category", "organisation", "created_by")
    raw_id_fields = ("commune", "created_by", "organisation", "audience")
    date_hierarchy = "start"
    ordering = ("-start",)
    inlines = [OccurrenceInline]
    readonly_fields = (
        "when",
        "place",
        "organiser_link",
        "audience_names",
        "status",
        "rejection_reason",
        "cancellation_reason",
        "reviewed_by",
        "created_by",
        "created_at",
        "updated_at",
        "published_at",
    )
    fieldsets = (
        (
            _("Summary"),
            {"fields": ("when", "place", "audience_names", "organiser_link", "status")},
        ),
        (None, {"fields": ("title", "slug", "category", "description", "image")}),
        (
            _("Change the dates"),
            {
                "fields": ("start", "end", "all_day", "rrule", "exdates"),
                "description": _(
                    "Times are Paris time. The repetition is a rule in the iCalendar format "
                    "(RFC 5545), read in words in the summary above."
                ),
            },
        ),
        (
            _("Where"),
            {"fields": ("venue_name", "address", "commune", ("latitude", "longitude"), "audience")},
        ),
        (
            _("Practical information"),
            {
                "fields": (
                    "organisation",
                    "is_free",
                    "price",
                    "capacity",
                    "accessibility",
                    "accessibility_details",
                    "external_url",
                )
            },
        ),
        (
            _("Workflow"),
            {
                "fields": (
                    "rejection_reason",
                    "cancellation_reason",
                    "reviewed_by",
                    "created_by",
                    "created_at",
                    "updated_at",
                    "published_at",
                )
            },
        ),
    )
    actions = [approve_action, reject_action, cancel_action]

    @admin.display(description=_("organiser"))
    def organiser(self, event):
        return event.organisation or event.created_by

    @admin.display(description=_("organiser"))
    def organiser_link(self, event):
        if event.organisation_id:
            return format_html_join(
                " ", "{} ({} {})", [(admin_link(event.organisation), _("by"),
                                    admin_link(event.created_by))]
            )  # fmt: skip
        return admin_link(event.created_by)

    @admin.display(description=_("when"))
    def when(self, event):
        if event.start is None:
            return "—"
        text = _("from %(start)s to %(end)s") % {
            "start": local_datetime(event.start),
            "end": local_datetime(event.end),
        }
        repeat = describe(rrule=event.rrule, start=event.start, exdates=event.exdates)
        return f"{text} — {repeat}" if repeat else text

    @admin.display(description=_("where"))
    def place(self, event):
        where = ", ".join(part for part in (event.venue_name, event.address) if part)
        commune = admin_link(event.commune, public=True) if event.commune_id else "—"
        return format_html_join("", "{}{}", [(f"{where} — " if where else "", commune)])

    @admin.display(description=_("audience"))
    def audience_names(self, event):
        territories = list(event.audience.all())
        if not territories:
            return _("the whole territory")
        return format_html_join(", ", "{}", ((admin_link(t, public=True),) for t in territories))

    def review_is_waiting(self, event):
        return event.status == EventStatus.SUBMITTED

    def has_add_permission(self, request):
        return False  # events are proposed on the site, through the workflow

    def save_model(self, request, obj, form, change):
        previous = Event.objects.select_related("commune").get(pk=obj.pk) if change else None
        super().save_model(request, obj, form, change)
        if previous is None:
            services.event_occurrences_sync(event=obj)
        else:  # new dates re-expanded; participants told of a new date or place
            services.event_changes_follow(event=obj, previous=previous, changed=form.changed_data)


@admin.register(EventAwaitingReview)
class EventAwaitingReviewAdmin(ConcretePermissionsMixin, EventAdmin):
    list_display = ("title", "start", "commune", "category", "organiser", "created_at")
    list_filter = ("category", ArrondissementFilter)
    date_hierarchy = None
    ordering = ("created_at",)  # oldest first
    actions = [approve_action, reject_action]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=EventStatus.SUBMITTED)

"""The API of the agenda (``/api/evenements/``): the same filters, selectors, rules and
services as the pages.

Everyone reads published and cancelled events; organisers also read their own drafts and events
awaiting review. Identified members propose events, organisers and moderators change and cancel
them, members say they are going to one of an event's dates (RSVP).
"""

from django.db.models import Min, Prefetch, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parvis.api.caching import CachedForVisitors
from parvis.api.registry import router
from parvis.api.serializers import (
    PersonReferenceSerializer,
    SharedListSerializer,
    SlugNameSerializer,
)
from parvis.core import pagecache, routers
from parvis.core.emails import absolute_url
from parvis.organisations.models import Organisation
from parvis.territories.api import MandateTerritorySerializer, TerritorySummarySerializer
from parvis.territories.models import Territory, TerritoryKind

from . import services
from .filters import FILTER_PARAMS, cache_tags, filter_occurrences, parse_filters
from .models import Accessibility, Category, EventOccurrence
from .recurrence import rrule_for_feed
from .rules import can_manage_event
from .selectors import dates_not_over, events_visible_to, occurrences_visible_to

# --- serializers --------------------------------------------------------------------------------


class EventCategorySerializer(SlugNameSerializer):
    pass


class EventOrganisationSerializer(SlugNameSerializer):
    pass


class EventOrganiserSerializer(PersonReferenceSerializer):
    pass


class EventOccurrenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    start = serializers.DateTimeField(read_only=True)
    end = serializers.DateTimeField(read_only=True)
    participants = serializers.IntegerField(source="rsvp_count", read_only=True)
    full = serializers.BooleanField(source="is_full", read_only=True)


class EventSerializer(serializers.Serializer):
    """An event as the API shows it, with its upcoming dates (``dates``)."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-event-detail")
    web_url = serializers.SerializerMethodField()
    ics_url = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    cancellation_reason = serializers.CharField(read_only=True)
    category = EventCategorySerializer(read_only=True)
    start = serializers.DateTimeField(read_only=True)
    end = serializers.DateTimeField(read_only=True)
    all_day = serializers.BooleanField(read_only=True)
    rrule = serializers.SerializerMethodField(
        help_text="RFC 5545 recurrence rule (bounded: 400 dates, three years at most)."
    )
    exdates = serializers.ListField(child=serializers.DateField(), read_only=True)
    venue_name = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    commune = TerritorySummarySerializer(read_only=True)
    latitude = serializers.DecimalField(
        max_digits=8, decimal_places=6, read_only=True, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, read_only=True, allow_null=True
    )
    organisation = EventOrganisationSerializer(read_only=True, allow_null=True)
    organiser = serializers.SerializerMethodField(
        help_text="The member who organises it, when no organisation does."
    )
    image = serializers.SerializerMethodField()
    is_free = serializers.BooleanField(read_only=True)
    price = serializers.CharField(read_only=True)
    accessibility = serializers.ListField(child=serializers.CharField(), read_only=True)
    accessibility_details = serializers.CharField(read_only=True)
    external_url = serializers.CharField(read_only=True)
    capacity = serializers.IntegerField(read_only=True, allow_null=True)
    audience = MandateTerritorySerializer(many=True, read_only=True)
    dates = EventOccurrenceSerializer(source="api_dates", many=True, read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    class Meta:
        list_serializer_class = SharedListSerializer

    @extend_schema_field(EventOrganiserSerializer(allow_null=True))
    def get_organiser(self, event):
        if event.organisation_id:
            return None
        return EventOrganiserSerializer(event.created_by).data

    def get_rrule(self, event) -> str:
        # A rule stored before the service checked rules is bounded, or left out (as in .ics).
        return rrule_for_feed(event.rrule, start=event.start)

    def get_web_url(self, event) -> str:
        return absolute_url(event.get_absolute_url())

    def get_ics_url(self, event) -> str:
        return absolute_url(
            reverse("agenda:event_ics", kwargs={"pk": event.pk, "slug": event.slug or "evenement"})
        )

    def get_image(self, event) -> str:
        return absolute_url(event.image.url) if event.image else ""


class EventWriteSerializer(serializers.Serializer):
    """What a member sends to propose or change an event (same checks as the web form)."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.filter(is_active=True)
    )
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    all_day = serializers.BooleanField(required=False)
    rrule = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="RFC 5545 recurrence rule without the RRULE: prefix, e.g. "
        "FREQ=WEEKLY;BYDAY=TU;COUNT=10.",
    )
    exdates = serializers.ListField(
        child=serializers.DateField(),
        required=False,
        max_length=400,
        help_text="Local dates left out of the recurrence.",
    )
    venue_name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=300)
    commune = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Territory.objects.filter(kind=TerritoryKind.COMMUNE),
        help_text="INSEE code of the commune.",
    )
    # Numbers only here; the service checks the point (both or neither, inside the département).
    latitude = serializers.DecimalField(
        max_digits=8,
        decimal_places=6,
        required=False,
        allow_null=True,
        help_text="Latitude of the venue (WGS 84), with the longitude; null: no point.",
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        help_text="Longitude of the venue (WGS 84), with the latitude; null: no point.",
    )
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of an organisation you run; empty: you organise it yourself.",
    )
    is_free = serializers.BooleanField(required=False)
    price = serializers.CharField(max_length=120, required=False, allow_blank=True)
    accessibility = serializers.MultipleChoiceField(choices=Accessibility.choices, required=False)
    accessibility_details = serializers.CharField(max_length=500, required=False, allow_blank=True)
    external_url = serializers.URLField(required=False, allow_blank=True)
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    audience = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Territory.objects.all(),
        required=False,
        help_text="Primary keys of targeted territories; empty: the whole département.",
    )
    draft = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text="On creation: keep the event as a draft instead of submitting it.",
    )

    def service_data(self):
        """The validated data as the agenda services take it."""
        data = dict(self.validated_data)
        data.pop("draft", None)
        if "accessibility" in data:
            data["accessibility"] = sorted(data["accessibility"])
        return data


class EventCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Shown on the event and sent to the participants."
    )


class RsvpSerializer(serializers.Serializer):
    occurrence = EventOccurrenceSerializer(read_only=True)
    participating = serializers.BooleanField(read_only=True)


# --- the viewset --------------------------------------------------------------------------------

EVENT_FILTER_PARAMETERS = [
    OpenApiParameter("category", OpenApiTypes.STR, many=True, description="Category slug."),
    OpenApiParameter(
        "commune", OpenApiTypes.STR, description="Commune: INSEE code, name or postal code."
    ),
    OpenApiParameter("epci", OpenApiTypes.STR, description="Intercommunality (SIREN code)."),
    OpenApiParameter(
        "arrondissement", OpenApiTypes.STR, description="Arrondissement (INSEE code)."
    ),
    OpenApiParameter(
        "organiser", OpenApiTypes.STR, description="Organisation slug or words of its name."
    ),
    OpenApiParameter("free", OpenApiTypes.BOOL, description="Free events only."),
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description="Dates from this day (Europe/Paris). Default: events not over yet.",
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Dates up to this day, inclusive."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Words in the title or description."),
    OpenApiParameter(
        "near", OpenApiTypes.BOOL, description="Near the caller's commune (members only)."
    ),
]


#: The event list counts at most this many events: its ``count`` says this many at most, and
#: its pages stop there (narrow the filters to see further).
EVENT_COUNT_CAP = 1000
#: Dates read per event wanted, at first, when walking the dates in order (recurring events
#: have several): the walk reads further, twice as much each time, when that was not enough.
DATES_PER_EVENT = 3


class EventListWindow:
    """The events of the list, in the order of their first date among ``occurrences`` (the
    dates matching the filters): their next date, or their first date in the asked period.

    What ``Paginator`` needs (``count()`` and slices), at a cost that does not grow with the
    number of events: a slice reads the dates in ``start`` order on its index until it has
    the slice's events, then loads those events; ``count()`` counts at most
    ``EVENT_COUNT_CAP`` events."""

    def __init__(self, occurrences, events, parts=None):
        self.occurrences = occurrences  # every matching date
        # The same dates as (a few read whole, the others walked in order), or None.
        self.parts = parts
        self.events = events  # loads the page's events

    def count(self):
        # Distinct events of the matching dates, up to the cap: PostgreSQL may read the dates
        # in event order (their (event, start) index) and stop at the cap.
        events = self.occurrences.order_by("event_id").values("event_id").distinct()
        return min(events[: EVENT_COUNT_CAP + 1].count(), EVENT_COUNT_CAP)

    def event_ids(self, stop):
        """The first ``stop`` events' primary keys, in order."""
        chosen = {}  # insertion-ordered set
        walked = self.occurrences
        if self.parts:
            # No LIMIT on the few: PostgreSQL then reads them on their own (partial) index.
            few, walked = self.parts
            for event_id in few.order_by("start", "event_id", "pk").values_list(
                "event_id", flat=True
            ):
                chosen.setdefault(event_id, None)
        dates = walked.order_by("start", "event_id", "pk").values_list("event_id", flat=True)
        read, size = 0, DATES_PER_EVENT * stop
        while len(chosen) < stop:
            rows = list(dates[read : read + size])
            for event_id in rows:
                chosen.setdefault(event_id, None)
            read += len(rows)
            if len(rows) < size:
                break
            size = read  # read twice as far next time
        return list(chosen)[:stop]

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("EventListWindow only takes slices with no step.")
        start, stop = key.start or 0, min(key.stop, EVENT_COUNT_CAP)
        if stop <= start:
            return []
        ids = self.event_ids(stop)[start:]
        events = {event.pk: event for event in self.events.filter(pk__in=ids)}
        return [events[pk] for pk in ids if pk in events]


@extend_schema_view(
    list=extend_schema(parameters=EVENT_FILTER_PARAMETERS),
    create=extend_schema(request=EventWriteSerializer, responses={201: EventSerializer}),
    update=extend_schema(request=EventWriteSerializer, responses=EventSerializer),
    partial_update=extend_schema(request=EventWriteSerializer, responses=EventSerializer),
)
class EventViewSet(
    CachedForVisitors,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Events of the agenda, with the same filters and rules as the pages.

    Everyone reads published and cancelled events; organisers also read their own drafts and
    events awaiting review. Identified members propose events (published at once or queued for
    moderators, as on the site); organisers and moderators change and cancel them.
    """

    # A list depends on the events of the territory it is filtered on (``cache_tags``), an
    # event on its dates: both named while answering.
    page_cache_dynamic = True
    page_cache_params = FILTER_PARAMS

    filter_backends = []
    lookup_value_regex = "[0-9]+"
    serializer_class = EventSerializer

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update"}:
            return EventWriteSerializer
        return EventSerializer

    def get_queryset(self):
        now = timezone.now()
        upcoming = EventOccurrence.objects.filter(end__gt=now).order_by("start")
        if self.action == "list":
            upcoming = upcoming[:20]
        return (
            events_visible_to(self.request.user)
            .select_related("category", "commune", "organisation", "created_by")
            .annotate(next_start=Min("occurrences__start", filter=Q(occurrences__end__gt=now)))
            .prefetch_related(
                Prefetch("audience", queryset=Territory.objects.order_by("kind", "name")),
                Prefetch("occurrences", queryset=upcoming, to_attr="api_dates"),
            )
            .order_by(Coalesce("next_start", "start"), "pk")
        )

    def list(self, request, *args, **kwargs):
        """Events with a date matching the filters (by default: a date not over yet), in the
        order of their next date — with ``from``/``to``, of their first date in the period.
        ``count`` says at most 1,000, and the pages stop there: narrow the filters beyond.
        Read from the replica when there is one (``core.routers``)."""
        if routers.routed(request):
            return routers.run_on_replica(lambda: self._list(request), finish=False)
        return self._list(request)

    def _list(self, request):
        user = request.user
        filters = parse_filters(request.query_params, user)
        if filters.errors:
            raise exceptions.ValidationError(filters.errors)
        pagecache.depends_on(*cache_tags(filters))
        occurrences = filter_occurrences(occurrences_visible_to(user), filters)
        parts = None
        if not (filters.date_from or filters.date_to):
            now = timezone.now()
            parts = dates_not_over(occurrences, now)
            occurrences = occurrences.filter(end__gt=now)
        window = EventListWindow(occurrences, self.get_queryset().order_by(), parts)
        page = self.paginate_queryset(window)
        # The participants counts of the listed events' dates (an RSVP to another event
        # leaves this page as it is).
        pagecache.depends_on(
            *(
                pagecache.activity(pagecache.scoped("agenda.eventoccurrence", "event", event.pk))
                for event in page
            )
        )
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        dates = pagecache.scoped("agenda.eventoccurrence", "event", kwargs["pk"])
        pagecache.depends_on(dates, pagecache.activity(dates))
        return super().retrieve(request, *args, **kwargs)

    def _read(self, event, status_code=status.HTTP_200_OK):
        event = self.get_queryset().get(pk=event.pk)
        return Response(
            EventSerializer(event, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("agenda.propose_event"):
            raise exceptions.PermissionDenied(
                _("Only identified members (verified e-mail, commune given) may propose events.")
            )
        serializer = EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.event_create(
            author=request.user,
            data=serializer.service_data(),
            draft=serializer.validated_data.get("draft", False),
        )
        return self._read(event, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        event = self.get_object()
        if not can_manage_event.test(request.user, event):
            raise exceptions.PermissionDenied(
                _("Only the event's organisers and moderators may do this.")
            )
        serializer = EventWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        event = services.event_update(
            event=event,
            editor=request.user,
            data=serializer.service_data(),
        )
        return self._read(event)

    @extend_schema(request=EventCancelSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"], url_path="annuler")
    def cancel(self, request, pk=None):
        """Cancel a published event, with the reason sent to its participants."""
        event = self.get_object()
        if not can_manage_event.test(request.user, event):
            raise exceptions.PermissionDenied(
                _("Only the event's organisers and moderators may do this.")
            )
        serializer = EventCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.event_cancel(
            event=event,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return self._read(event)

    @extend_schema(request=None, responses={201: RsvpSerializer, 200: RsvpSerializer})
    @action(
        detail=True,
        methods=["post", "delete"],
        url_path=r"dates/(?P<occurrence_id>[0-9]+)/participer",
        url_name="rsvp",
    )
    def rsvp(self, request, pk=None, occurrence_id=None):
        """POST: "I'm going" to one date of the event; DELETE: no longer going."""
        event = self.get_object()
        occurrence = get_object_or_404(EventOccurrence, pk=occurrence_id, event=event)
        if request.method == "POST":
            services.rsvp_create(occurrence=occurrence, user=request.user)
            status_code = status.HTTP_201_CREATED
        else:
            services.rsvp_cancel(occurrence=occurrence, user=request.user)
            status_code = status.HTTP_200_OK
        occurrence.refresh_from_db(fields=["rsvp_count"])
        occurrence.event = event
        participating = occurrence.rsvps.filter(user=request.user).exists()
        data = RsvpSerializer({"occurrence": occurrence, "participating": participating}).data
        return Response(data, status=status_code)


router.register("evenements", EventViewSet, basename="api-event", order=40)

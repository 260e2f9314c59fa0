"""The API: the same visibility and rules as the pages, through the same selectors, rules and
services. Read-only except for the agenda's events (propose, edit, cancel, RSVP)."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Min, Prefetch, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from parvis.accounts.models import Mandate, VerificationStatus
from parvis.accounts.selectors import members_visible_to
from parvis.agenda import services as agenda_services
from parvis.agenda.filters import FILTER_PARAMS, filter_occurrences, parse_filters
from parvis.agenda.models import EventOccurrence
from parvis.agenda.rules import can_manage_event
from parvis.agenda.selectors import (
    dates_not_over,
    events_visible_to,
    occurrences_visible_to,
)
from parvis.core import routers
from parvis.directory.selectors import listed_members
from parvis.organisations.selectors import organisations_visible_to
from parvis.territories.models import Territory

from . import filters, serializers
from .caching import CachedForVisitors


class TerritoryViewSet(CachedForVisitors, viewsets.ReadOnlyModelViewSet):
    """Départements, arrondissements, intercommunalities (EPCI) and communes."""

    page_cache_tags = ("territories.territory",)

    serializer_class = serializers.TerritorySerializer
    filterset_class = filters.TerritoryFilter
    queryset = Territory.objects.order_by("name", "pk")


class OrganisationViewSet(CachedForVisitors, viewsets.ReadOnlyModelViewSet):
    """Associations and institutions: verified ones, plus the ones the caller runs."""

    page_cache_tags = ("organisations.organisation",)

    serializer_class = serializers.OrganisationSerializer
    filterset_class = filters.OrganisationFilter

    def get_queryset(self):
        return (
            organisations_visible_to(self.request.user)
            .select_related("commune")
            .order_by("name", "pk")
        )


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """Public profiles. The list holds the members the directory shows the caller; a profile is
    readable when its page is (members who are not listed can still read their own)."""

    serializer_class = serializers.MemberSerializer
    filterset_class = filters.MemberFilter

    def get_queryset(self):
        user = self.request.user
        queryset = listed_members(user) if self.action == "list" else members_visible_to(user)
        return (
            queryset.select_related("commune")
            .prefetch_related(
                Prefetch(
                    "mandates",
                    queryset=Mandate.objects.filter(status=VerificationStatus.VERIFIED)
                    .select_related("territory")
                    .order_by("role", "territory__name", "pk"),
                    to_attr="verified_mandates",
                )
            )
            .order_by("last_name", "first_name", "pk")
        )


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


def _service_call(function, **kwargs):
    """Run an agenda service; its validation errors become a 400 with the messages."""
    try:
        return function(**kwargs)
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise exceptions.ValidationError(error.messages) from None
        detail = {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): messages
            for name, messages in error.message_dict.items()
        }
        raise exceptions.ValidationError(detail) from None


@extend_schema_view(
    list=extend_schema(parameters=EVENT_FILTER_PARAMETERS),
    create=extend_schema(
        request=serializers.EventWriteSerializer, responses={201: serializers.EventSerializer}
    ),
    update=extend_schema(
        request=serializers.EventWriteSerializer, responses=serializers.EventSerializer
    ),
    partial_update=extend_schema(
        request=serializers.EventWriteSerializer, responses=serializers.EventSerializer
    ),
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

    page_cache_tags = ("agenda.event",)
    page_cache_params = FILTER_PARAMS

    filter_backends = []
    lookup_value_regex = "[0-9]+"
    serializer_class = serializers.EventSerializer

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update"}:
            return serializers.EventWriteSerializer
        return serializers.EventSerializer

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
        occurrences = filter_occurrences(occurrences_visible_to(user), filters)
        parts = None
        if not (filters.date_from or filters.date_to):
            now = timezone.now()
            parts = dates_not_over(occurrences, now)
            occurrences = occurrences.filter(end__gt=now)
        window = EventListWindow(occurrences, self.get_queryset().order_by(), parts)
        page = self.paginate_queryset(window)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def _read(self, event, status_code=status.HTTP_200_OK):
        event = self.get_queryset().get(pk=event.pk)
        return Response(
            serializers.EventSerializer(event, context=self.get_serializer_context()).data,
            status=status_code,
        )

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("agenda.propose_event"):
            raise exceptions.PermissionDenied(
                _("Only identified members (verified e-mail, commune given) may propose events.")
            )
        serializer = serializers.EventWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = _service_call(
            agenda_services.event_create,
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
        serializer = serializers.EventWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        event = _service_call(
            agenda_services.event_update,
            event=event,
            editor=request.user,
            data=serializer.service_data(),
        )
        return self._read(event)

    @extend_schema(request=serializers.EventCancelSerializer, responses=serializers.EventSerializer)
    @action(detail=True, methods=["post"], url_path="annuler")
    def cancel(self, request, pk=None):
        """Cancel a published event, with the reason sent to its participants."""
        event = self.get_object()
        if not can_manage_event.test(request.user, event):
            raise exceptions.PermissionDenied(
                _("Only the event's organisers and moderators may do this.")
            )
        serializer = serializers.EventCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _service_call(
            agenda_services.event_cancel,
            event=event,
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return self._read(event)

    @extend_schema(
        request=None, responses={201: serializers.RsvpSerializer, 200: serializers.RsvpSerializer}
    )
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
            _service_call(agenda_services.rsvp_create, occurrence=occurrence, user=request.user)
            status_code = status.HTTP_201_CREATED
        else:
            _service_call(agenda_services.rsvp_cancel, occurrence=occurrence, user=request.user)
            status_code = status.HTTP_200_OK
        occurrence.refresh_from_db(fields=["rsvp_count"])
        occurrence.event = event
        participating = occurrence.rsvps.filter(user=request.user).exists()
        data = serializers.RsvpSerializer(
            {"occurrence": occurrence, "participating": participating}
        ).data
        return Response(data, status=status_code)


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's static files, with no inline script or style (strict CSP)."""

    template_name = "api/swagger_ui.html"


class OfficialViewSet(viewsets.ReadOnlyModelViewSet):
    """Verified elected officials, as on /elus/: the list holds those the directory shows the
    caller; an official's record is readable when their page is. Only verified mandates."""

    serializer_class = serializers.OfficialSerializer
    filterset_class = filters.OfficialFilter

    def get_queryset(self):
        from parvis.officials import selectors as officials

        user = self.request.user
        if self.action == "list":
            queryset = officials.officials_visible_to(user)
        else:
            queryset = officials.filter_officials(members_visible_to(user))
        return officials.with_verified_mandates(queryset.select_related("commune")).order_by(
            "last_name", "first_name", "pk"
        )

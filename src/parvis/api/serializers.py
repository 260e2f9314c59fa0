"""Read-only representations of the public data; never a member's e-mail address."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from parvis.accounts.models import Mandate, User
from parvis.agenda.models import Accessibility, Category
from parvis.core.emails import absolute_url
from parvis.organisations.models import Organisation
from parvis.territories.models import Territory, TerritoryKind


class TerritorySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["code", "name"]


class TerritorySerializer(serializers.HyperlinkedModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-territory-detail")
    postal_codes = serializers.ListField(
        source="postal_code_list", child=serializers.CharField(), read_only=True
    )
    departement = serializers.PrimaryKeyRelatedField(read_only=True)
    arrondissement = serializers.PrimaryKeyRelatedField(read_only=True)
    epci = serializers.PrimaryKeyRelatedField(read_only=True)
    web_url = serializers.SerializerMethodField(help_text="The territory's page on the site.")

    class Meta:
        model = Territory
        fields = [
            "id",
            "kind",
            "code",
            "name",
            "slug",
            "siren",
            "epci_type",
            "postal_codes",
            "population",
            "departement",
            "arrondissement",
            "epci",
            "url",
            "web_url",
        ]

    def get_web_url(self, territory) -> str:
        return absolute_url(territory.get_absolute_url())


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-organisation-detail")
    commune = TerritorySummarySerializer(read_only=True)
    verified = serializers.BooleanField(source="is_verified", read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "slug",
            "name",
            "kind",
            "description",
            "commune",
            "website",
            "verified",
            "url",
        ]


class MandateTerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = ["kind", "code", "name"]


class MandateSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    territory = MandateTerritorySerializer(read_only=True)

    class Meta:
        model = Mandate
        fields = ["role", "role_display", "territory"]


class MemberSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api-member-detail")
    name = serializers.CharField(source="get_full_name", read_only=True)
    commune = TerritorySummarySerializer(read_only=True, allow_null=True)
    links = serializers.SerializerMethodField()
    mandates = MandateSerializer(source="verified_mandates", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "kind", "commune", "bio", "website", "links", "mandates", "url"]

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_links(self, member):
        return [link for link in member.links or [] if isinstance(link, str)]


# --- agenda -------------------------------------------------------------------------------------


class EventCategorySerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class EventOrganisationSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class EventOrganiserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="get_full_name", read_only=True)


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
    rrule = serializers.CharField(read_only=True)
    exdates = serializers.ListField(child=serializers.DateField(), read_only=True)
    venue_name = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    commune = TerritorySummarySerializer(read_only=True)
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

    @extend_schema_field(EventOrganiserSerializer(allow_null=True))
    def get_organiser(self, event):
        if event.organisation_id:
            return None
        return EventOrganiserSerializer(event.created_by).data

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


# --- elected officials --------------------------------------------------------------------------


class OfficialTerritorySerializer(serializers.ModelSerializer):
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = Territory
        fields = ["id", "kind", "code", "name", "web_url"]

    def get_web_url(self, territory) -> str:
        return absolute_url(territory.get_absolute_url())


class OfficialMandateSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    territory = OfficialTerritorySerializer(read_only=True)

    class Meta:
        model = Mandate
        fields = ["role", "role_display", "territory"]


class OfficialSerializer(serializers.ModelSerializer):
    """A verified elected official and their verified mandates (never a pending claim)."""

    url = serializers.HyperlinkedIdentityField(view_name="api-official-detail")
    web_url = serializers.SerializerMethodField(help_text="The official's page on the site.")
    name = serializers.CharField(source="get_full_name", read_only=True)
    commune = TerritorySummarySerializer(read_only=True, allow_null=True)
    mandates = OfficialMandateSerializer(source="verified_mandates", many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "commune", "bio", "website", "mandates", "web_url", "url"]

    def get_web_url(self, official) -> str:
        return absolute_url(reverse("officials:detail", kwargs={"pk": official.pk}))

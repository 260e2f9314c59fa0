"""The API of the local reports (``/api/signalements/``): the same selectors and services as
the pages. Everyone reads the reports (never who made them); members report (with photos,
``multipart/form-data``) and support; the agents of the institution in charge triage."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from parvis.api.caching import CachedForVisitors
from parvis.api.registry import router
from parvis.api.serializers import SlugNameSerializer
from parvis.core.emails import absolute_url
from parvis.territories.models import Territory, TerritoryKind

from . import services
from .models import DESCRIPTION_MAX_LENGTH, MAX_PHOTOS, ReportStatus
from .selectors import active_categories, report_list, reports_visible_to


class ReportCategorySerializer(SlugNameSerializer):
    pass


class ReportStepSerializer(serializers.Serializer):
    status = serializers.CharField(read_only=True)
    comment = serializers.CharField(source="body", read_only=True)
    institution = serializers.CharField(source="institution_name", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class LocalReportSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    category = ReportCategorySerializer(read_only=True)
    commune = serializers.CharField(source="commune.name", read_only=True)
    commune_code = serializers.CharField(source="commune.code", read_only=True)
    description = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    latitude = serializers.DecimalField(max_digits=8, decimal_places=6, read_only=True)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, read_only=True)
    status = serializers.CharField(read_only=True)
    handled_by = serializers.CharField(source="institution.name", read_only=True, default="")
    support_count = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    resolved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    photos = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    def get_photos(self, report) -> list[str]:
        return [absolute_url(photo.image.url) for photo in report.photos.all()]

    def get_web_url(self, report) -> str:
        return absolute_url(report.get_absolute_url())


class LocalReportDetailSerializer(LocalReportSerializer):
    steps = ReportStepSerializer(source="updates", many=True, read_only=True)


class LocalReportCreateSerializer(serializers.Serializer):
    commune = serializers.CharField(help_text=_("The INSEE code of the commune."))
    category = serializers.CharField(help_text=_("The slug of the category."))
    description = serializers.CharField(max_length=DESCRIPTION_MAX_LENGTH)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    latitude = serializers.DecimalField(
        max_digits=8, decimal_places=6, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=9, decimal_places=6, required=False, allow_null=True
    )
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=MAX_PHOTOS
    )


class LocalReportTriageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReportStatus.choices, required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("commune", str, description=_("INSEE code of a commune.")),
            OpenApiParameter("category", str, description=_("Slug of a category.")),
            OpenApiParameter("status", str, enum=list(ReportStatus.values)),
        ]
    )
)
class LocalReportViewSet(
    CachedForVisitors, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Local reports of problems in public space."""

    page_cache_tags = ("localreports.report",)
    page_cache_params = ("commune", "category", "status")
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def get_serializer_class(self):
        if self.action == "create":
            return LocalReportCreateSerializer
        if self.action == "triage":
            return LocalReportTriageSerializer
        if self.action == "retrieve":
            return LocalReportDetailSerializer
        return LocalReportSerializer

    def get_queryset(self):
        if self.action == "list":
            params = self.request.query_params
            code = params.get("commune", "")[:12]
            slug = params.get("category", "")[:80]
            status_ = params.get("status", "")
            return report_list(
                self.request.user,
                commune=Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code).first()
                if code
                else None,
                category=active_categories().filter(slug=slug).first() if slug else None,
                status=status_ if status_ in ReportStatus.values else None,
            )
        return reports_visible_to(self.request.user).prefetch_related("photos", "updates")

    def _read(self, report, status_code=status.HTTP_200_OK):
        report = (
            reports_visible_to(self.request.user)
            .prefetch_related("photos", "updates")
            .get(pk=report.pk)
        )
        return Response(
            LocalReportDetailSerializer(report, context=self.get_serializer_context()).data,
            status=status_code,
        )

    @extend_schema(
        request={"multipart/form-data": LocalReportCreateSerializer},
        responses={201: LocalReportDetailSerializer},
    )
    def create(self, request, *args, **kwargs):
        """Report a problem: routed to the institution in charge."""
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        serializer = LocalReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = services.report_create(
            author=request.user,
            commune=Territory.objects.filter(
                kind=TerritoryKind.COMMUNE, code=data["commune"][:12]
            ).first(),
            category=active_categories().filter(slug=data["category"][:80]).first(),
            description=data["description"],
            address=data.get("address", ""),
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            photos=data.get("photos", []),
        )
        return self._read(report, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=LocalReportDetailSerializer)
    @action(detail=True, methods=["post", "delete"], url_path="soutien")
    def support(self, request, pk=None):
        """Support the report (``POST``) or withdraw the support (``DELETE``)."""
        report = self.get_object()
        if request.method == "DELETE":
            services.report_unsupport(report=report, member=request.user)
        else:
            services.report_support(report=report, member=request.user)
        return self._read(report)

    @extend_schema(request=LocalReportTriageSerializer, responses=LocalReportDetailSerializer)
    @action(detail=True, methods=["post"], url_path="suivi")
    def triage(self, request, pk=None):
        """For the agents in charge: a new status and/or a public comment."""
        report = self.get_object()
        serializer = LocalReportTriageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.report_triage(
            report=report,
            agent=request.user,
            status=serializer.validated_data.get("status", ""),
            comment=serializer.validated_data.get("comment", ""),
        )
        return self._read(report)


router.register("signalements", LocalReportViewSet, basename="api-local-report", order=95)

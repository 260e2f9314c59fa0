"""The API of the calls for volunteers (``/api/benevolat/``): read the open calls and their
slots; members sign up for a slot and withdraw, through the same services as the pages."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parvis.api.caching import CachedForVisitors
from parvis.api.registry import router
from parvis.core.emails import absolute_url

from . import services
from .models import CallStatus
from .selectors import call_is_visible_to, calls_visible_to, with_places


class VolunteerSlotSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    starts_at = serializers.DateTimeField(read_only=True, allow_null=True)
    ends_at = serializers.DateTimeField(read_only=True, allow_null=True)
    places = serializers.IntegerField(read_only=True)
    taken = serializers.IntegerField(read_only=True)


class VolunteerCallSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    commune = serializers.CharField(source="commune.name", read_only=True)
    place = serializers.CharField(read_only=True)
    organised_by = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True)
    skills = serializers.SerializerMethodField()
    slots = VolunteerSlotSerializer(many=True, read_only=True)
    web_url = serializers.SerializerMethodField()

    def get_skills(self, call) -> list[str]:
        return [skill.name for skill in call.skills.all()]

    def get_organised_by(self, call) -> str:
        return str(call.runner)

    def get_web_url(self, call) -> str:
        return absolute_url(call.get_absolute_url())


class VolunteerSignupSerializer(serializers.Serializer):
    slot = serializers.IntegerField()


class VolunteerCallViewSet(
    CachedForVisitors, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Open calls for volunteers, with their roles and time slots."""

    page_cache_tags = ("volunteers.call", "volunteers.slot")
    serializer_class = VolunteerCallSerializer

    def get_queryset(self):
        queryset = calls_visible_to(self.request.user).prefetch_related("slots", "skills")
        if self.action == "list":
            queryset = with_places(queryset.filter(status=CallStatus.OPEN))
        return queryset.order_by("-created_at", "-pk")

    def _slot(self, request, call):
        serializer = VolunteerSignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        slot = call.slots.filter(pk=serializer.validated_data["slot"]).first()
        if slot is None:
            raise serializers.ValidationError(
                {"slot": [_("Choose a role or time slot of this call.")]}
            )
        return slot

    @extend_schema(request=VolunteerSignupSerializer, responses=VolunteerCallSerializer)
    @action(detail=True, methods=["post", "delete"], url_path="inscription")
    def signup(self, request, pk=None):
        """Sign up for a slot (``POST {"slot": id}``) or withdraw (``DELETE``)."""
        call = self.get_object()
        if not call_is_visible_to(call, request.user):
            raise serializers.ValidationError(
                {"slot": [_("Choose a role or time slot of this call.")]}
            )
        slot = self._slot(request, call)
        if request.method == "DELETE":
            services.signup_cancel(slot=slot, member=request.user)
        else:
            services.signup_create(slot=slot, member=request.user)
        call = self.get_queryset().get(pk=call.pk)
        return Response(VolunteerCallSerializer(call).data)


router.register("benevolat", VolunteerCallViewSet, basename="api-volunteer-call", order=97)

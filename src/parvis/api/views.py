"""The API's own pages: its documentation and the current token. The endpoints are in each
app's ``api`` module."""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .authentication import PersonalTokenAuthentication


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's static files, with no inline script or style (strict CSP)."""

    template_name = "api/swagger_ui.html"


class CurrentTokenSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    prefix = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)
    staff_powers = serializers.BooleanField(read_only=True)


class CurrentTokenView(APIView):
    """The personal token this request is authenticated with: when it expires (``expires_at``,
    null when it never does) and whether it acts with staff powers (a staff member's token
    does only when created after two-factor authentication)."""

    authentication_classes = [PersonalTokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=CurrentTokenSerializer)
    def get(self, request):
        token = request.auth
        data = {
            "name": token.name,
            "prefix": token.prefix,
            "created_at": token.created_at,
            "expires_at": token.expires_at,
            "last_used_at": token.last_used_at,
            "staff_powers": bool(request.user.is_staff or request.user.is_superuser),
        }
        return Response(CurrentTokenSerializer(data).data)

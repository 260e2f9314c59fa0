"""The API of the targeted information (``/api/actualites/``): the same selectors, rules and
services as the pages.

Everyone reads the live posts; a publisher also reads the posts they run (drafts, scheduled,
unpublished, ended) with ``?mine=1`` or by their id. Members who may publish (institutions'
and verified associations' teams, verified officials) create posts, change the posts they run,
publish and unpublish them.
"""

from django.db.models import Prefetch
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
from parvis.core.emails import absolute_url
from parvis.core.richtext import render_markdown
from parvis.organisations.models import Organisation
from parvis.territories.api import (
    TerritoryReferenceSerializer,
    commune_in_query,
    territory_in_query,
)
from parvis.territories.models import Territory

from . import services
from .models import Category
from .selectors import (
    concerning_filter,
    posts_for_territory,
    posts_run_by,
    posts_visible_to,
    public_posts,
)

# --- serializers --------------------------------------------------------------------------------


class PostCategorySerializer(SlugNameSerializer):
    pass


class PostOrganisationSerializer(SlugNameSerializer):
    kind = serializers.CharField(read_only=True)


class PostOfficialSerializer(PersonReferenceSerializer):
    pass


class PostTerritorySerializer(TerritoryReferenceSerializer):
    pass


class PostSerializer(serializers.Serializer):
    """A post as the API shows it. ``organisation`` publishes it, or, when empty, ``official``
    (an elected official in their own name)."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-post-detail")
    web_url = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True, help_text="Markdown, as written.")
    body_html = serializers.SerializerMethodField(help_text="The body rendered and sanitised.")
    category = PostCategorySerializer(read_only=True)
    organisation = PostOrganisationSerializer(read_only=True, allow_null=True)
    official = serializers.SerializerMethodField(
        help_text="The elected official who publishes it, when no organisation does."
    )
    audience = PostTerritorySerializer(
        many=True, read_only=True, help_text="Targeted territories; empty: the whole département."
    )
    status = serializers.CharField(read_only=True)
    publish_at = serializers.DateTimeField(read_only=True, allow_null=True)
    expires_at = serializers.DateTimeField(read_only=True, allow_null=True)
    image = serializers.SerializerMethodField()
    image_alt = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    class Meta:
        list_serializer_class = SharedListSerializer

    @extend_schema_field(PostOfficialSerializer(allow_null=True))
    def get_official(self, post):
        if post.organisation_id:
            return None
        return PostOfficialSerializer(post.author).data

    def get_web_url(self, post) -> str:
        return absolute_url(post.get_absolute_url())

    def get_body_html(self, post) -> str:
        return str(render_markdown(post.body))

    def get_image(self, post) -> str:
        return absolute_url(post.image.url) if post.image else ""


class PostWriteSerializer(serializers.Serializer):
    """What a publisher sends to write or change a post (same checks as the web form)."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000, help_text="Markdown.")
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.filter(is_active=True)
    )
    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of a verified organisation you run; empty: yourself, as a verified "
        "elected official.",
    )
    audience = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=Territory.objects.all(),  # the kinds are the service's rule
        required=False,
        help_text="Primary keys of the targeted territories; empty: the whole département.",
    )
    publish_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Empty: now. A date to come schedules it."
    )
    expires_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="End of display; empty: none."
    )
    image = serializers.FileField(required=False, allow_null=True, write_only=True)
    image_alt = serializers.CharField(max_length=250, required=False, allow_blank=True)
    draft = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text="On creation: keep the post as a draft instead of publishing it.",
    )

    def validate_audience(self, value):
        if len(value) > services.MAX_AUDIENCE:
            raise serializers.ValidationError(
                _("Target %(max)d territories at most, or the whole département.")
                % {"max": services.MAX_AUDIENCE}
            )
        return value

    def service_data(self):
        data = dict(self.validated_data)
        data.pop("draft", None)
        return data


class PostUnpublishSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Required from a moderator (sent to the author); optional for the team.",
    )


# --- the viewset --------------------------------------------------------------------------------

POST_FILTER_PARAMETERS = [
    OpenApiParameter(
        "commune",
        OpenApiTypes.STR,
        description="INSEE code: the posts that concern the commune's residents (the commune, "
        "its intercommunality, its arrondissement, the whole département).",
    ),
    OpenApiParameter(
        "territory",
        OpenApiTypes.INT,
        description="Primary key of a territory: the posts aimed at it in particular (a "
        "commune: it, its EPCI, its arrondissement; an EPCI or an arrondissement: it or one of "
        "its communes; the département: the posts for the whole département).",
    ),
    OpenApiParameter("organisation", OpenApiTypes.STR, description="Organisation slug."),
    OpenApiParameter(
        "official", OpenApiTypes.INT, description="Id of an elected official (their own posts)."
    ),
    OpenApiParameter("category", OpenApiTypes.STR, description="Category slug."),
    OpenApiParameter(
        "mine",
        OpenApiTypes.BOOL,
        description="The posts the caller runs, drafts and scheduled ones included.",
    ),
]


def _filtered(posts, params):
    """``posts`` narrowed by the query string; a bad value answers 400 with a message."""
    errors = {}
    commune = commune_in_query(params, errors)
    if commune is not None:
        posts = posts.filter(concerning_filter(commune))
    territory = territory_in_query(params, errors)
    if territory is not None:
        posts = posts.filter(pk__in=posts_for_territory(territory).values("pk"))
    slug = (params.get("organisation") or "").strip()
    if slug:
        organisation = Organisation.objects.filter(slug=slug[:170]).first()
        if organisation is None:
            errors["organisation"] = [_("No organisation has this slug.")]
        else:
            posts = posts.filter(organisation=organisation)
    official = (params.get("official") or "").strip()
    if official:
        if not official.isdigit() or len(official) >= 12:
            errors["official"] = [_("Give the id of an elected official (see /api/elus/).")]
        else:
            posts = posts.filter(organisation__isnull=True, author_id=int(official))
    category = (params.get("category") or "").strip()
    if category:
        found = Category.objects.filter(slug=category[:90]).first()
        if found is None:
            errors["category"] = [_("Unknown category.")]
        else:
            posts = posts.filter(category=found)
    if errors:
        raise exceptions.ValidationError(errors)
    return posts


@extend_schema_view(
    list=extend_schema(parameters=POST_FILTER_PARAMETERS),
    create=extend_schema(request=PostWriteSerializer, responses={201: PostSerializer}),
    update=extend_schema(request=PostWriteSerializer, responses=PostSerializer),
    partial_update=extend_schema(request=PostWriteSerializer, responses=PostSerializer),
)
class PostViewSet(
    CachedForVisitors,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Targeted information: posts by institutions, verified officials and verified
    associations, aimed at territories, newest first."""

    page_cache_tags = ("news.post",)
    page_cache_params = ("commune", "territory", "organisation", "official", "category", "mine")

    filter_backends = []
    lookup_value_regex = "[0-9]+"
    serializer_class = PostSerializer

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update"}:
            return PostWriteSerializer
        return PostSerializer

    def get_queryset(self):
        user = self.request.user
        if self.action == "list":
            mine = self.request.query_params.get("mine", "").lower() in {"1", "true", "yes"}
            if mine and not user.is_authenticated:
                raise exceptions.NotAuthenticated()
            posts = posts_run_by(user) if mine else public_posts()
            posts = _filtered(posts, self.request.query_params)
        else:
            posts = posts_visible_to(user)
        return (
            posts.select_related("category", "organisation", "author")
            .prefetch_related(
                Prefetch("audience", queryset=Territory.objects.order_by("kind", "name", "pk"))
            )
            .order_by("-publish_at", "-pk")
        )

    def _read(self, post, status_code=status.HTTP_200_OK):
        post = (
            posts_visible_to(self.request.user)
            .select_related("category", "organisation", "author")
            .prefetch_related("audience")
            .get(pk=post.pk)
        )
        return Response(
            PostSerializer(post, context=self.get_serializer_context()).data, status=status_code
        )

    def create(self, request, *args, **kwargs):
        if not request.user.has_perm("news.write_post"):
            raise exceptions.PermissionDenied(
                _(
                    "Only the teams of institutions and verified associations, and verified "
                    "elected officials, may publish information."
                )
            )
        serializer = PostWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = services.post_create(
            author=request.user,
            data=serializer.service_data(),
            publish=not serializer.validated_data.get("draft", False),
        )
        return self._read(post, status.HTTP_201_CREATED)

    def update(self, request, *args, partial=False, **kwargs):
        post = self.get_object()
        if not request.user.has_perm("news.edit_post", post):
            raise exceptions.PermissionDenied(
                _("Only the post's author and its organisation's team may do this.")
            )
        serializer = PostWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        post = services.post_update(post=post, editor=request.user, data=serializer.service_data())
        return self._read(post)

    @extend_schema(request=None, responses=PostSerializer)
    @action(detail=True, methods=["post"], url_path="publier")
    def publish(self, request, pk=None):
        """Publish a draft (or a post its team unpublished): live now, or scheduled."""
        post = self.get_object()
        services.post_publish(post=post, actor=request.user)
        return self._read(post)

    @extend_schema(request=PostUnpublishSerializer, responses=PostSerializer)
    @action(detail=True, methods=["post"], url_path="depublier")
    def unpublish(self, request, pk=None):
        """Take a published post off the site (a moderator gives the reason)."""
        post = self.get_object()
        serializer = PostUnpublishSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.post_unpublish(
            post=post,
            actor=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return self._read(post)


router.register("actualites", PostViewSet, basename="api-post", order=60)

from . import api_follows  # noqa: E402, F401  (/api/abonnements/)

"""The API of the questions to the elected officials (``/api/questions/``): the same selectors
and services as the pages.

Everyone reads the published, answered and closed questions; a member also reads their own
(awaiting moderation, refused) and those addressed to them. Members ask (the question awaits
the moderators), support and follow; the official or the institution's agents answer.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from parvis.accounts.models import User
from parvis.api.caching import CachedForVisitors
from parvis.api.registry import router
from parvis.api.serializers import PersonReferenceSerializer, SlugNameSerializer
from parvis.core.emails import absolute_url
from parvis.organisations.models import Organisation, OrganisationKind

from . import services
from .models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, QuestionStatus, Theme
from .selectors import question_list, questions_visible_to


class QuestionOfficialSerializer(PersonReferenceSerializer):
    pass


class QuestionInstitutionSerializer(SlugNameSerializer):
    pass


class OfficialQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    theme = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    commune = serializers.CharField(source="commune.name", read_only=True)
    official = QuestionOfficialSerializer(read_only=True, allow_null=True)
    institution = QuestionInstitutionSerializer(read_only=True, allow_null=True)
    support_count = serializers.IntegerField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    answer = serializers.CharField(read_only=True)
    answered_at = serializers.DateTimeField(read_only=True, allow_null=True)
    answer_updated_at = serializers.DateTimeField(read_only=True, allow_null=True)
    refusal_reason = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    def get_web_url(self, question) -> str:
        return absolute_url(question.get_absolute_url())

    def get_refusal_reason(self, question) -> str:
        # Only the author reads the statement of reasons.
        request = self.context.get("request")
        if request is not None and question.author_id == getattr(request.user, "pk", None):
            return question.refusal_reason
        return ""


class OfficialQuestionAskSerializer(serializers.Serializer):
    official = serializers.IntegerField(
        required=False, allow_null=True, help_text=_("The id of the elected official asked.")
    )
    institution = serializers.CharField(
        required=False, allow_blank=True, help_text=_("The slug of the institution asked.")
    )
    theme = serializers.ChoiceField(choices=Theme.choices)
    title = serializers.CharField(max_length=TITLE_MAX_LENGTH)
    body = serializers.CharField(max_length=BODY_MAX_LENGTH)


class OfficialQuestionAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("theme", str, enum=Theme.values),
            OpenApiParameter("status", str, enum=list(QuestionStatus.values)),
            OpenApiParameter("official", int, description=_("Questions to this official.")),
        ]
    )
)
class QuestionViewSet(
    CachedForVisitors, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Questions to the elected officials."""

    page_cache_tags = ("questions.question",)
    page_cache_params = ("theme", "status", "official")
    serializer_class = OfficialQuestionSerializer

    def get_serializer_class(self):
        if self.action == "create":
            return OfficialQuestionAskSerializer
        if self.action == "answer":
            return OfficialQuestionAnswerSerializer
        return OfficialQuestionSerializer

    def get_queryset(self):
        if self.action == "list":
            params = self.request.query_params
            theme = params.get("theme", "")
            status_ = params.get("status", "")
            official = params.get("official", "")
            return question_list(
                self.request.user,
                theme=theme if theme in Theme.values else None,
                status=status_ if status_ in QuestionStatus.values else None,
                official=User.objects.filter(pk=official).first() if official.isdigit() else None,
            )
        return questions_visible_to(self.request.user).order_by("-pk")

    def _read(self, question, status_code=status.HTTP_200_OK):
        question = self.get_queryset().get(pk=question.pk)
        return Response(
            OfficialQuestionSerializer(question, context=self.get_serializer_context()).data,
            status=status_code,
        )

    @extend_schema(
        request=OfficialQuestionAskSerializer, responses={201: OfficialQuestionSerializer}
    )
    def create(self, request, *args, **kwargs):
        """Ask a question: it waits for the moderators (status ``pending``)."""
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        serializer = OfficialQuestionAskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        official = institution = None
        if data.get("official"):
            official = User.objects.filter(pk=data["official"]).first()
        if data.get("institution"):
            institution = Organisation.objects.filter(
                slug=data["institution"], kind=OrganisationKind.INSTITUTION
            ).first()
        if (data.get("official") and official is None) or (
            data.get("institution") and institution is None
        ):
            raise exceptions.ValidationError(
                {"addressee": [_("Choose the elected official or the institution you ask.")]}
            )
        question = services.question_ask(
            author=request.user,
            official=official,
            institution=institution,
            theme=data["theme"],
            title=data["title"],
            body=data["body"],
        )
        return self._read(question, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=OfficialQuestionSerializer)
    @action(detail=True, methods=["post", "delete"], url_path="soutien")
    def support(self, request, pk=None):
        """Support the question (``POST``) or withdraw the support (``DELETE``)."""
        question = self.get_object()
        if request.method == "DELETE":
            services.question_unsupport(question=question, member=request.user)
        else:
            services.question_support(question=question, member=request.user)
        return self._read(question)

    @extend_schema(request=None, responses=OfficialQuestionSerializer)
    @action(detail=True, methods=["post", "delete"], url_path="suivi")
    def follow(self, request, pk=None):
        """Follow the question (``POST``) or stop following it (``DELETE``)."""
        question = self.get_object()
        if request.method == "DELETE":
            services.question_unfollow(question=question, member=request.user)
        else:
            services.question_follow(question=question, member=request.user)
        return self._read(question)

    @extend_schema(request=OfficialQuestionAnswerSerializer, responses=OfficialQuestionSerializer)
    @action(detail=True, methods=["post"], url_path="reponse")
    def answer(self, request, pk=None):
        """Answer publicly (the official or the institution's agents), or amend the answer."""
        question = self.get_object()
        serializer = OfficialQuestionAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.question_answer(
            question=question, by=request.user, body=serializer.validated_data["answer"]
        )
        return self._read(question)


router.register("questions", QuestionViewSet, basename="api-question", order=90)

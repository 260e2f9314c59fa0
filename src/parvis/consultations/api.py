"""The API of citizen consultations (``/api/consultations/``): the same selectors, rules and
services as the pages.

Everyone reads the published consultations (with their questions); the agents of an
institution also read its drafts. Identified members of a target territory answer while a
consultation is open (``POST .../repondre/``, again to change their answer); results follow
the consultation's visibility (live, or after closing), and free-text answers are only given
to the institution's agents and the moderators.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from parvis.api.registry import router
from parvis.api.serializers import SlugNameSerializer
from parvis.core.emails import absolute_url
from parvis.territories.api import TerritoryReferenceSerializer, commune_code_validator
from parvis.territories.models import Territory, TerritoryKind

from . import services
from .models import Phase
from .results import compute_results
from .rules import results_public
from .selectors import (
    REFUSAL_CODES,
    answer_refusal,
    audience_prefetch,
    concerns_commune_q,
    consultations_visible_to,
    questions_prefetch,
    response_of,
    user_manages,
)

#: Values of the ``phase`` filter.
PHASES = {"open": Phase.OPEN, "upcoming": Phase.UPCOMING, "closed": Phase.CLOSED}

# --- serializers --------------------------------------------------------------------------------


class InstitutionSerializer(SlugNameSerializer):
    pass


class AudienceSerializer(TerritoryReferenceSerializer):
    pass


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    order = serializers.IntegerField(read_only=True)
    kind = serializers.CharField(
        read_only=True, help_text="single, multiple, scale_1_5 or short_text."
    )
    text = serializers.CharField(read_only=True)
    required = serializers.BooleanField(read_only=True)
    options = OptionSerializer(many=True, read_only=True)


class RefusalSerializer(serializers.Serializer):
    code = serializers.CharField(
        read_only=True,
        help_text="draft, not_open, closed, login, not_identified, no_commune or not_targeted.",
    )
    message = serializers.CharField(read_only=True)


class AnswerValueSerializer(serializers.Serializer):
    """One answer: ``question`` and, depending on its kind, ``option`` (single choice),
    ``options`` (multiple choice), ``scale`` (1 to 5) or ``text`` (short text)."""

    question = serializers.IntegerField()
    option = serializers.IntegerField(required=False, allow_null=True)
    options = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    scale = serializers.IntegerField(required=False, allow_null=True)
    text = serializers.CharField(
        required=False, allow_blank=True, max_length=services.ANSWER_TEXT_MAX_LENGTH
    )


class MyAnswerSerializer(serializers.Serializer):
    answered_at = serializers.DateTimeField(source="created_at", read_only=True)
    changed_at = serializers.DateTimeField(source="updated_at", read_only=True)
    answers = serializers.SerializerMethodField()

    @extend_schema_field(AnswerValueSerializer(many=True))
    def get_answers(self, response):
        values = []
        for answer in response.answers.all():
            item = {"question": answer.question_id}
            if answer.scale is not None:
                item["scale"] = answer.scale
            elif answer.text:
                item["text"] = answer.text
            else:
                item["options"] = [option.pk for option in answer.options.all()]
            values.append(item)
        return sorted(values, key=lambda item: item["question"])


class ConsultationSerializer(serializers.Serializer):
    """A consultation, its questions and, for the caller, whether they may answer."""

    id = serializers.IntegerField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api-consultation-detail")
    web_url = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
    context = serializers.CharField(read_only=True, help_text="Markdown, as written.")
    institution = InstitutionSerializer(source="organisation", read_only=True)
    audience = AudienceSerializer(
        many=True, read_only=True, help_text="Target territories; empty: the whole département."
    )
    status = serializers.CharField(read_only=True)
    opens_at = serializers.DateTimeField(read_only=True)
    closes_at = serializers.DateTimeField(read_only=True)
    phase = serializers.SerializerMethodField(help_text="upcoming, open or closed.")
    results_visibility = serializers.CharField(read_only=True, help_text="live or after_closing.")
    results_public = serializers.SerializerMethodField()
    results_url = serializers.SerializerMethodField()
    response_count = serializers.IntegerField(read_only=True)
    conclusion = serializers.SerializerMethodField(
        help_text="What the institution did with the answers (Markdown), once published."
    )
    conclusion_published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    questions = QuestionSerializer(many=True, read_only=True)
    refusal = serializers.SerializerMethodField(
        help_text="Why the caller may not answer now; null when they may."
    )

    def get_web_url(self, consultation) -> str:
        return absolute_url(consultation.get_absolute_url())

    def get_phase(self, consultation) -> str:
        return str(consultation.phase())

    def get_results_public(self, consultation) -> bool:
        return results_public(consultation)

    def get_results_url(self, consultation) -> str:
        request = self.context.get("request")
        path = reverse("api-consultation-results", kwargs={"pk": consultation.pk})
        return request.build_absolute_uri(path) if request else path

    def get_conclusion(self, consultation) -> str:
        return consultation.conclusion if consultation.has_conclusion else ""

    @extend_schema_field(RefusalSerializer(allow_null=True))
    def get_refusal(self, consultation):
        request = self.context.get("request")
        refusal = answer_refusal(consultation, request.user) if request else None
        return None if refusal is None else {"code": refusal.code, "message": refusal.message}


class ConsultationDetailSerializer(ConsultationSerializer):
    my_answer = serializers.SerializerMethodField(
        help_text="The caller's answer, if they answered."
    )

    @extend_schema_field(MyAnswerSerializer(allow_null=True))
    def get_my_answer(self, consultation):
        request = self.context.get("request")
        response = response_of(consultation, request.user) if request else None
        return MyAnswerSerializer(response).data if response else None


class AnswerWriteSerializer(serializers.Serializer):
    answers = AnswerValueSerializer(many=True, max_length=100)

    def validate_answers(self, items):
        seen = set()
        for item in items:
            if item["question"] in seen:
                raise serializers.ValidationError(_("Answer each question once."))
            seen.add(item["question"])
        return items

    def service_answers(self):
        """``{question_pk: value}`` as ``services.response_submit`` takes it."""
        values = {}
        for item in self.validated_data["answers"]:
            if "options" in item:
                value = item["options"]
            elif item.get("option") is not None:
                value = [item["option"]]
            elif item.get("scale") is not None:
                value = item["scale"]
            else:
                value = item.get("text", "")
            values[item["question"]] = value
        return values


class AnswerResultSerializer(MyAnswerSerializer):
    created = serializers.BooleanField(
        read_only=True, help_text="True for a first answer, false when it was changed."
    )


class ShareSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    option = serializers.SerializerMethodField(help_text="The option's id (choice questions).")
    value = serializers.SerializerMethodField(help_text="The value (scale questions).")
    count = serializers.IntegerField(read_only=True)
    percent = serializers.FloatField(read_only=True)

    def get_option(self, share) -> int | None:
        return share.key if self.context.get("choice") else None

    def get_value(self, share) -> int | None:
        return None if self.context.get("choice") else share.key


class QuestionResultSerializer(serializers.Serializer):
    question = serializers.IntegerField(source="question.pk", read_only=True)
    text = serializers.CharField(source="question.text", read_only=True)
    kind = serializers.CharField(source="question.kind", read_only=True)
    answered = serializers.IntegerField(read_only=True)
    shares = serializers.SerializerMethodField()
    mean = serializers.FloatField(read_only=True, allow_null=True)
    texts = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        allow_null=True,
        help_text="Free-text answers: for the institution's agents and moderators only.",
    )

    @extend_schema_field(ShareSerializer(many=True))
    def get_shares(self, result):
        return ShareSerializer(result.shares, many=True, context={"choice": result.is_choice}).data


class GroupSerializer(serializers.Serializer):
    territory = serializers.SerializerMethodField(
        help_text="The territory's id; null for the group of the others."
    )
    name = serializers.CharField(source="label", read_only=True)
    respondents = serializers.IntegerField(read_only=True)
    questions = serializers.SerializerMethodField()

    def get_territory(self, group) -> int | None:
        return None if group.is_other else group.key

    @extend_schema_field(QuestionResultSerializer(many=True))
    def get_questions(self, group):
        results = [r for r in group.questions.values() if not r.is_text]
        return QuestionResultSerializer(results, many=True).data


class ResultsSerializer(serializers.Serializer):
    respondents = serializers.IntegerField(read_only=True)
    min_group_size = serializers.IntegerField(
        read_only=True, help_text="No breakdown group covers fewer respondents."
    )
    questions = QuestionResultSerializer(many=True, read_only=True)
    by_commune = GroupSerializer(source="by_commune.groups", many=True, read_only=True)
    by_epci = GroupSerializer(source="by_epci.groups", many=True, read_only=True)


# --- the viewset --------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "phase",
                OpenApiTypes.STR,
                enum=list(PHASES),
                description="open, upcoming or closed.",
            ),
            OpenApiParameter(
                "commune",
                OpenApiTypes.STR,
                description="INSEE code: the consultations its residents may answer.",
            ),
            OpenApiParameter("institution", OpenApiTypes.STR, description="Institution slug."),
        ]
    ),
    retrieve=extend_schema(responses=ConsultationDetailSerializer),
)
class ConsultationViewSet(viewsets.ReadOnlyModelViewSet):
    """Citizen consultations: read by everyone, answered by identified members of their
    target territories while open."""

    filter_backends = []
    lookup_value_regex = "[0-9]+"
    serializer_class = ConsultationSerializer

    def get_serializer_class(self):
        return ConsultationDetailSerializer if self.action == "retrieve" else ConsultationSerializer

    def get_queryset(self):
        queryset = (
            consultations_visible_to(self.request.user)
            .select_related("organisation")
            .prefetch_related(audience_prefetch(), questions_prefetch())
            .order_by("-opens_at", "-pk")
        )
        if self.action != "list":
            return queryset
        params = self.request.query_params
        phase = params.get("phase")
        if phase:
            if phase not in PHASES:
                raise exceptions.ValidationError({"phase": [_("Choose open, upcoming or closed.")]})
            now = timezone.now()
            queryset = queryset.filter(
                **{
                    Phase.OPEN: {"opens_at__lte": now, "closes_at__gt": now},
                    Phase.UPCOMING: {"opens_at__gt": now},
                    Phase.CLOSED: {"closes_at__lte": now},
                }[PHASES[phase]]
            )
        code = params.get("commune")
        if code:
            try:
                commune_code_validator(code)
            except DjangoValidationError as error:
                raise exceptions.ValidationError({"commune": list(error.messages)}) from None
            commune = Territory.objects.filter(kind=TerritoryKind.COMMUNE, code=code).first()
            if commune is None:
                return queryset.none()
            queryset = queryset.filter(concerns_commune_q(commune))
        institution = params.get("institution")
        if institution:
            queryset = queryset.filter(organisation__slug=institution[:170])
        return queryset

    @extend_schema(
        request=AnswerWriteSerializer,
        responses={
            201: AnswerResultSerializer,
            200: AnswerResultSerializer,
            400: OpenApiResponse(description="An answer is invalid: nothing was recorded."),
            403: OpenApiResponse(
                description="The caller may not answer (closed, not their territory...)."
            ),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="repondre",
        url_name="answer",
        permission_classes=[IsAuthenticated],
    )
    def answer(self, request, pk=None):
        """Answer the consultation, or change one's answer (the previous one is replaced).

        Send every answer at once: ``{"answers": [{"question": 12, "option": 40},
        {"question": 13, "options": [43, 44]}, {"question": 14, "scale": 4},
        {"question": 15, "text": "…"}]}``.
        """
        consultation = self.get_object()
        refusal = answer_refusal(consultation, request.user)
        if refusal is not None:
            raise exceptions.PermissionDenied({"detail": refusal.message, "code": refusal.code})
        serializer = AnswerWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            response = services.response_submit(
                consultation=consultation,
                member=request.user,
                answers=serializer.service_answers(),
            )
        except DjangoValidationError as error:
            if getattr(error, "code", None) in REFUSAL_CODES:  # refused in the meantime
                raise exceptions.PermissionDenied(
                    {"detail": " ".join(error.messages), "code": error.code}
                ) from None
            raise
        stored = response_of(consultation, request.user)
        data = AnswerResultSerializer(stored).data
        data["created"] = response.created
        return Response(
            data, status=status.HTTP_201_CREATED if response.created else status.HTTP_200_OK
        )

    @extend_schema(
        responses={
            200: ResultsSerializer,
            403: OpenApiResponse(description="The results are not public yet."),
        }
    )
    @action(detail=True, methods=["get"], url_path="resultats", url_name="results")
    def results(self, request, pk=None):
        """Counts and percentages per question, and the breakdowns by commune and EPCI (only
        groups of at least 10 respondents)."""
        consultation = self.get_object()
        manager = user_manages(request.user, consultation)
        if not (manager or results_public(consultation)):
            raise exceptions.PermissionDenied(
                _("The results will be published when the consultation closes.")
            )
        results = compute_results(consultation, with_texts=manager)
        return Response(ResultsSerializer(results).data)


router.register("consultations", ConsultationViewSet, basename="api-consultation", order=50)

"""The moderators' admin of questions: the queue of questions awaiting moderation (publish, or
refuse with a statement of reasons), and every question read-only (its history)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from parvis.core.admin import (
    ConcretePermissionsMixin,
    count_message,
    immediate_action,
    reason_action,
)
from parvis.moderation.review import ReviewDecision, ReviewDecisionsMixin

from . import services
from .models import AnswerRevision, PendingQuestion, Question, QuestionStatus


def _publish(question, moderator):
    services.question_publish(question=question, moderator=moderator)
    return _("Question published.")


def _refuse(question, moderator, *, reason):
    services.question_refuse(question=question, moderator=moderator, reason=reason)
    return _("Question refused: %(reason)s") % {"reason": reason}


publish_action = immediate_action(
    name="publish_questions",
    description=_("Publish the selected questions"),
    perform=_publish,
    done_message=count_message(
        ngettext_lazy(
            "%(count)d question published; its author and the person asked have been told.",
            "%(count)d questions published; their authors and the people asked have been told.",
            "count",
        )
    ),
)
refuse_action = reason_action(
    name="refuse_questions",
    description=_("Refuse the selected questions (with a statement of reasons)"),
    title=_("Refuse questions"),
    intro=_(
        "The statement of reasons is e-mailed to the author of each question, with the rules "
        "for questions. Refused questions are never published."
    ),
    perform=_refuse,
    done_message=count_message(
        ngettext_lazy(
            "%(count)d question refused; its author has been told why.",
            "%(count)d questions refused; their authors have been told why.",
            "count",
        )
    ),
)


class AnswerRevisionInline(admin.TabularInline):
    model = AnswerRevision
    extra = 0
    can_delete = False
    fields = ("body", "answered_by", "written_at", "replaced_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "addressee", "commune", "support_count", "published_at")
    list_filter = ("status", "theme")
    search_fields = ("title", "body")
    date_hierarchy = "created_at"
    list_select_related = ("official", "institution", "commune")
    readonly_fields = (
        "author",
        "commune",
        "official",
        "institution",
        "theme",
        "title",
        "body",
        "status",
        "refusal_reason",
        "moderated_by",
        "moderated_at",
        "created_at",
        "published_at",
        "answer",
        "answered_by",
        "answered_at",
        "answer_updated_at",
        "closed_at",
        "support_count",
        "deleted_at",
        "deleted_by",
    )
    fields = readonly_fields
    inlines = [AnswerRevisionInline]
    actions = [publish_action, refuse_action]

    @admin.display(description=_("to"))
    def addressee(self, question):
        return question.addressee_name

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


REVIEW_DECISIONS = (
    ReviewDecision(
        "approve",
        _("Publish"),
        perform=_publish,
        done=_("Question published; its author and the person asked have been told."),
    ),
    ReviewDecision(
        "refuse",
        _("Refuse"),
        perform=_refuse,
        needs_reason=True,
        style="refuse",
        intro=_(
            "The statement of reasons is e-mailed to the author with the rules for questions; "
            "cite the rule the question breaks."
        ),
        done=_("Question refused; its author has been told why."),
    ),
)


@admin.register(PendingQuestion)
class PendingQuestionAdmin(ReviewDecisionsMixin, ConcretePermissionsMixin, QuestionAdmin):
    review_queue = "questions"
    review_decisions = REVIEW_DECISIONS

    def review_is_waiting(self, obj):
        return obj.status == QuestionStatus.PENDING

    list_display = ("title", "addressee", "commune", "theme", "created_at")
    list_filter = ("theme",)
    date_hierarchy = None
    ordering = ("created_at",)  # oldest first
    inlines = []

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=QuestionStatus.PENDING)

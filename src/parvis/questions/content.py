"""What the platform knows about questions to the elected officials (see
``parvis.core.content``): how a question is reported and removed, the sections it fills (the
territory pages' "Questions to the elected officials", an official's "Questions from
residents" with their answer rate), the notification and activity kinds, what a member's data
export and erasure do, and which cached pages show it."""

from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.core import pagecache
from parvis.core.feed import FeedSource, feed_sources
from parvis.moderation import backoffice
from parvis.moderation import registry as moderation
from parvis.moderation.audit import action_labels_register
from parvis.officials.sections import OfficialSection, official_sections
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import STAFF_WORK
from parvis.privacy.registry import CUSTOM, DELETE, KEEP
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import SECTION_LIMIT, PortalSection, portal_sections

from . import (
    notifications,  # noqa: F401  (the notification kinds)
    search_provider,  # noqa: F401  (the search box)
    selectors,
    services,
)
from .feed import answers_to_my_questions
from .models import PUBLIC_STATUSES, AnswerRevision, Follow, Question, QuestionStatus, Support

# --- moderation ----------------------------------------------------------------------------------
# Questions are read by a moderator before publication (the admin's queue); once published,
# members may still report one, and "delete" calls the app's own service.

moderation.register(
    Question,
    label=_("question to an elected official"),
    author=lambda question: question.author,
    author_field="author",
    is_visible_to=selectors.question_is_visible_to,
    template="questions/moderation/_question.html",
    delete=lambda question, decision: services.question_remove(
        question=question, moderator=getattr(decision, "moderator", None)
    ),
    select_related=("author", "official", "institution", "commune"),
)


# --- pages ---------------------------------------------------------------------------------------


def portal_questions(territory, user):
    """A territory page: the latest answers to questions of its residents."""
    questions = selectors.answered_in(territory, user, SECTION_LIMIT)
    if not questions:
        return None
    query = {"statut": "repondues"}
    if territory.kind == TerritoryKind.COMMUNE:
        query["commune"] = territory.code
    return {
        "questions": questions,
        "see_all_url": f"{reverse('questions:index')}?{urlencode(query)}",
    }


def official_questions(official, user):
    """An official's page: the questions residents asked them, and their record."""
    return {
        "questions": selectors.questions_to_official(official, user, SECTION_LIMIT),
        "stats": selectors.answer_stats(official=official),
        "official": official,
        "see_all_url": f"{reverse('questions:index')}?{urlencode({'elu': official.pk})}",
    }


portal_sections.register(
    PortalSection(
        key="questions",
        title=_("Questions to the elected officials"),
        template="questions/_portal_section.html",
        context=portal_questions,
        tags=lambda territory: ["questions.question"],
        order=45,  # after the consultations (territories.portal.ORDER)
        see_all_label=_("See all the questions"),
    )
)
official_sections.register(
    OfficialSection(
        key="questions",
        title=_("Questions from residents"),
        template="questions/_official_section.html",
        context=official_questions,
        order=50,  # after the consultations (officials.sections.ORDER)
        see_all_label=_("See all their questions"),
    )
)


# --- personal data -------------------------------------------------------------------------------


def _asked(context):
    """Questions never published are deleted; published ones stay, without their author (a
    public debate: readers never saw the name, only "a resident of <commune>"), unless the
    member chose to delete their contributions."""
    questions = Question.objects.filter(author=context.member)
    erased = (
        questions if context.delete_contributions else questions.exclude(status__in=PUBLIC_STATUSES)
    )
    context.count("questions.Question.author (deleted)", erased.delete()[0])
    context.count("questions.Question.author", questions.update(author=None))


privacy.export(
    "questions.Question.author",
    section="questions_asked",
    fields=(
        ("to", lambda row: row.addressee_name),
        "theme",
        "title",
        "body",
        "status",
        "refusal_reason",
        "created_at",
        "published_at",
        "answer",
        "answered_at",
    ),
    queryset=lambda member: Question.objects.filter(author=member).select_related(
        "official", "institution"
    ),
)
privacy.erase("questions.Question.author", action=CUSTOM, handler=_asked)
privacy.export(
    "questions.Question.answered_by",
    section="questions_answered",
    fields=("title", "answer", "answered_at", "answer_updated_at"),
)
privacy.erase(
    "questions.Question.answered_by",
    action=KEEP,
    reason="A public answer given in an elected mandate or for an institution: kept, by a "
    "former member.",
)
privacy.not_exported(
    "questions.Question.official",
    reason="Questions addressed to the official: other members' words (their answers are "
    "exported as questions_answered).",
)
privacy.erase(
    "questions.Question.official",
    action=KEEP,
    reason="A public question to an elected official in their mandate: kept, addressed to a "
    "former member.",
)
privacy.export(
    "questions.AnswerRevision.answered_by",
    section="questions_answer_revisions",
    fields=("question", "body", "written_at", "replaced_at"),
)
privacy.erase(
    "questions.AnswerRevision.answered_by",
    action=KEEP,
    reason="The public history of an answer given in a mandate: kept, by a former member.",
)
for relation in ("questions.Question.moderated_by", "questions.Question.deleted_by"):
    privacy.not_exported(relation, reason=STAFF_WORK)
    privacy.erase(relation, action=KEEP, reason=STAFF_WORK)
privacy.export(
    "questions.Support.member",
    section="questions_supported",
    fields=("question", "created_at"),
)


def _supports(context):
    """The member's supports go, and the questions' counters with them."""
    supports = Support.objects.filter(member=context.member)
    question_ids = list(supports.values_list("question_id", flat=True))
    context.count("questions.Support.member", supports.delete()[0])
    Question.objects.filter(pk__in=question_ids, support_count__gt=0).update(
        support_count=F("support_count") - 1
    )


privacy.erase("questions.Support.member", action=CUSTOM, handler=_supports)
privacy.export(
    "questions.Follow.member",
    section="questions_followed",
    fields=("question", "created_at"),
)
privacy.erase("questions.Follow.member", action=DELETE)


@privacy.plan_step(order=privacy.CONTRIBUTIONS)
def _plan_questions(plan):
    """What the "Delete my account" page counts."""
    plan.counts["questions"] = Question.objects.filter(author=plan.member).count()


# --- page cache ----------------------------------------------------------------------------------
# A question shows in lists once published; the official's page lists theirs. Supports and
# follows change the question's own counter (an update of its row); their rows show nowhere.
pagecache.declare(
    Question,
    scopes={"official": "official", "institution": "institution"},
    listed_if={"status": QuestionStatus.PUBLISHED},
)
pagecache.declare(AnswerRevision, scopes={"question": "question"})
pagecache.declare(Support, silent=True)
pagecache.declare(Follow, silent=True)


# --- the back office (parvis.moderation.backoffice): the moderation queue, the audit labels --
backoffice.register(
    backoffice.Queue(
        key="questions",
        label=_("Questions to the elected officials to moderate"),
        queryset=lambda: Question.objects.filter(
            status=QuestionStatus.PENDING, deleted_at__isnull=True
        ),
        since="created_at",
        admin_model="questions.pendingquestion",
        permission="questions.change_question",
        order=35,
        decisions=("questions.question_publish", "questions.question_refuse"),
    )
)
action_labels_register(
    {
        "questions.question_publish": _("question to an official published"),
        "questions.question_refuse": _("question to an official refused"),
        "questions.question_close": _("question to an official closed by a moderator"),
    }
)


# --- the member's feed (parvis.core.feed): the answers to their questions ----------------------


feed_sources.register(
    FeedSource(key="questions", items=answers_to_my_questions, tags=("questions.question",))
)

"""What the platform knows about consultations, declared once (see ``parvis.core.content``):
how a consultation and a message of its discussion are reported and removed, the sections
they fill ("Open consultations" on the territory pages and the home page, "Consultations of
their institution" on the elected officials' pages; one query each, with a ``LIMIT``), the
notification and activity kinds (``notifications.py``, ``activities.py``) and what a member's
data export and erasure do with their answers and messages."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from parvis.core import pagecache
from parvis.core.home import ORDER as HOME_ORDER
from parvis.core.home import HomeBlock, home_blocks
from parvis.moderation import registry as moderation
from parvis.officials.sections import ORDER as OFFICIAL_ORDER
from parvis.officials.sections import OfficialSection, official_sections
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import STAFF_WORK
from parvis.privacy.registry import CONTRIBUTIONS, CUSTOM, KEEP, SET_NULL
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER, SECTION_LIMIT, PortalSection, portal_sections

from . import (  # noqa: F401  (the notification and activity kinds)
    activities,
    notifications,
    search_provider,  # noqa: F401  (its types in the search box: parvis.core.search)
)
from .models import Comment, Consultation, Response
from .selectors import (
    consultation_is_visible_to,
    consultations_of_organisations,
    open_for,
    open_in_territory,
    run_filter,
    user_runs,
)

#: Open consultations the home page shows.
HOME_CONSULTATIONS = 4

# --- moderation -------------------------------------------------------------------------------
# The consultations themselves, and the messages of their discussions: members report them,
# moderators hide, restore or delete them from the queue.

moderation.register(
    Consultation,
    label=_("consultation"),
    author=lambda consultation: consultation.created_by,
    author_field="created_by",
    # The institution's agents run it.
    is_author=lambda consultation, user: user_runs(user, consultation),
    author_filter=run_filter,
    is_visible_to=consultation_is_visible_to,
    template="moderation/items/consultation.html",
    select_related=("created_by", "organisation"),
    # A verified institution's consultation: reports send it to review, never hide it.
    verified_source=lambda consultation: consultation.organisation.is_verified,
)


def _comment_is_visible_to(comment, user):
    return not comment.is_deleted and consultation_is_visible_to(comment.consultation, user)


def _comment_url(comment):
    return f"{comment.consultation.get_absolute_url()}#message-{comment.pk}"


def _delete_comment(comment, decision=None):
    """A moderators' deletion keeps the row, replaced by a notice (the thread stays readable)."""
    if comment.deleted_at is None:
        comment.deleted_at = timezone.now()
        comment.deleted_by_id = getattr(decision, "moderator_id", None)
        comment.deletion_reason = str(_("Deleted by the moderators."))
        comment.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])


moderation.register(
    Comment,
    label=_("consultation message"),
    author=lambda comment: comment.author,
    author_field="author",
    is_visible_to=_comment_is_visible_to,
    public_url=_comment_url,
    delete=_delete_comment,
    select_related=("author", "consultation", "consultation__organisation"),
    title=lambda comment: Truncator(comment.body).chars(80),
)


# --- pages ------------------------------------------------------------------------------------


def portal_consultations(territory, user):
    """A territory page's "Open consultations": those its residents may answer (a commune),
    or those aimed at it, at what contains it or at one of its communes."""
    query = {"etat": "ouvertes"}
    if territory.kind == TerritoryKind.COMMUNE:
        query["commune"] = territory.code
    return {
        "consultations": open_in_territory(territory, limit=SECTION_LIMIT),
        "territory": territory,
        "see_all_url": f"{reverse('consultations:index')}?{urlencode(query)}",
    }


def official_consultations(official, user):
    """An official's page: the consultations of the institutions they belong to (newest
    first); hidden when they belong to none."""
    institutions = list(getattr(official, "institutions", None) or [])
    if not institutions:
        return None
    see_all = ""
    if len(institutions) == 1:
        see_all = (
            f"{reverse('consultations:index')}?{urlencode({'institution': institutions[0].slug})}"
        )
    return {
        "consultations": consultations_of_organisations(institutions, limit=SECTION_LIMIT),
        "see_all_url": see_all,
    }


portal_sections.register(
    PortalSection(
        key="consultations",
        title=_("Open consultations"),
        template="consultations/_portal_section.html",
        context=portal_consultations,
        tags=lambda territory: ["consultations.consultation"],
        order=ORDER["consultations"],
        see_all_label=_("See all the consultations"),
    )
)
official_sections.register(
    OfficialSection(
        key="consultations",
        title=_("Consultations of their institution"),
        template="consultations/_official_section.html",
        context=official_consultations,
        order=OFFICIAL_ORDER["consultations"],
        see_all_label=_("See all the consultations"),
    )
)
home_blocks.register(
    HomeBlock(
        key="consultations",
        template="consultations/_home_block.html",
        context=lambda user: {"open_consultations": open_for(user, HOME_CONSULTATIONS)},
        order=HOME_ORDER["consultations"],
        tags=("consultations.consultation",),
    )
)

# --- personal data (parvis.privacy.registry) ------------------------------------------------


@privacy.plan_step(order=CONTRIBUTIONS)
def _plan_comments(plan):
    """How many messages in consultations the member would erase with their contributions."""
    plan.counts["comments"] = Comment.objects.filter(
        author=plan.member, deleted_at__isnull=True
    ).count()


def _comments(context):
    """Kept without their author, or erased at the member's choice (a "message deleted"
    note stays in the discussion)."""
    comments = Comment.objects.filter(author=context.member)
    if context.delete_contributions:
        erased = comments.filter(deleted_at__isnull=True).update(
            body="", deleted_at=context.now, deletion_reason=""
        )
        comments.update(body="")
        context.count("consultations.Comment.author (erased)", erased)
    context.count("consultations.Comment.author", comments.update(author=None))


def _answers(row):
    return [
        {
            "question": answer.question.text,
            "options": [option.label for option in answer.options.all()],
            "scale": answer.scale,
            "text": answer.text,
        }
        for answer in row.answers.all()
    ]


privacy.export(
    "consultations.Consultation.created_by",
    section="consultations_created",
    fields=("title", "organisation", "status", "opens_at", "closes_at", "created_at"),
)
privacy.erase("consultations.Consultation.created_by", action=SET_NULL)

privacy.export(
    "consultations.Response.member",
    section="consultation_answers",
    fields=(
        "consultation",
        ("commune_at_answer_time", lambda row: row.commune),
        "created_at",
        "updated_at",
        ("answers", _answers),
    ),
    queryset=lambda member: (
        Response.objects.filter(member=member)
        .select_related("consultation", "commune")
        .prefetch_related("answers__question", "answers__options")
    ),
)
# The results do not change: the answers stay, without the member (anonymous statistics).
privacy.erase("consultations.Response.member", action=SET_NULL)

privacy.export(
    "consultations.Comment.author",
    section="consultation_comments",
    fields=("consultation", "body", "created_at", "deleted_at"),
    queryset=lambda member: Comment.objects.filter(author=member).select_related("consultation"),
)
privacy.erase("consultations.Comment.author", action=CUSTOM, handler=_comments)
privacy.not_exported("consultations.Comment.deleted_by", reason=STAFF_WORK)
privacy.erase("consultations.Comment.deleted_by", action=KEEP, reason=STAFF_WORK)


# --- page cache --------------------------------------------------------------------------------
pagecache.declare(Response, scopes={"consultation": "consultation"})
pagecache.declare(Comment, scopes={"consultation": "consultation"})

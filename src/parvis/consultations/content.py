"""What the platform knows about consultations, declared once (see ``parvis.core.content``):
how a consultation is reported and removed (its discussion is the comments app's), the sections
they fill ("Open consultations" on the territory pages and the home page, "Consultations of
their institution" on the elected officials' pages; one query each, with a ``LIMIT``), the
notification and activity kinds (``notifications.py``, ``activities.py``) and what a member's
data export and erasure do with their answers."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.core import pagecache
from parvis.core.home import ORDER as HOME_ORDER
from parvis.core.home import HomeBlock, home_blocks
from parvis.moderation import registry as moderation
from parvis.officials.sections import ORDER as OFFICIAL_ORDER
from parvis.officials.sections import OfficialSection, official_sections
from parvis.privacy import registry as privacy
from parvis.privacy.registry import SET_NULL
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER, SECTION_LIMIT, PortalSection, portal_sections

from . import (  # noqa: F401  (the notification and activity kinds)
    activities,
    notifications,
    search_provider,  # noqa: F401  (its types in the search box: parvis.core.search)
)
from .models import Consultation, Response
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
# The consultations themselves: members report them, moderators hide, restore or delete them
# from the queue (their comments are registered by the comments app).

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


# --- page cache --------------------------------------------------------------------------------
pagecache.declare(Response, scopes={"consultation": "consultation"})
# A consultation opens and closes by itself: the pages showing it or lists of them change then.
pagecache.declare(Consultation, times=("opens_at", "closes_at"), scheduled=True)

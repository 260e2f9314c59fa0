"""What the platform knows about calls for volunteers (see ``parvis.core.content``): how a call
is reported and removed, the sections it fills (a commune's page, the home page), the
notification kinds, the profile's skills, what a member's export and erasure do, and which
cached pages show it."""

from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.profile import profile_extras
from parvis.core import pagecache
from parvis.core.home import HomeBlock, home_blocks
from parvis.moderation import registry as moderation
from parvis.privacy import registry as privacy
from parvis.privacy.registry import CUSTOM, DELETE, SET_NULL
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import SECTION_LIMIT, PortalSection, portal_sections

from . import (
    notifications,  # noqa: F401  (the notification kinds)
    search_provider,  # noqa: F401  (the search box)
)
from .models import Call, MemberSkill, Signup, Slot
from .selectors import call_is_visible_to, can_run, member_skills, open_calls, open_calls_near

#: Open calls the home page shows.
HOME_CALLS = 3

# --- moderation ----------------------------------------------------------------------------------


def _delete_call(call, decision=None):
    Call.objects.filter(pk=call.pk, deleted_at__isnull=True).update(deleted_at=timezone.now())


moderation.register(
    Call,
    label=_("call for volunteers"),
    author=lambda call: call.created_by,
    author_field="created_by",
    is_author=lambda call, user: can_run(user, call),
    is_visible_to=call_is_visible_to,
    template="volunteers/moderation/_call.html",
    delete=_delete_call,
    select_related=("created_by", "commune", "organisation", "group", "event"),
)

# --- pages ---------------------------------------------------------------------------------------


def portal_calls(territory, user):
    if territory.kind not in (TerritoryKind.COMMUNE, TerritoryKind.EPCI):
        return None
    calls = list(open_calls(user, commune=territory)[:SECTION_LIMIT])
    if not calls:
        return None
    return {
        "calls": calls,
        "see_all_url": f"{reverse('volunteers:index')}?" + urlencode({"commune": territory.code}),
    }


portal_sections.register(
    PortalSection(
        key="volunteers",
        title=_("Calls for volunteers"),
        template="volunteers/_portal_section.html",
        context=portal_calls,
        tags=lambda territory: ["volunteers.call", "volunteers.slot"],
        order=55,  # after the groups (territories.portal.ORDER)
        see_all_label=_("See all the calls for volunteers"),
    )
)
home_blocks.register(
    HomeBlock(
        key="volunteers",
        template="volunteers/_home_block.html",
        # Members only (near their commune): one query with a LIMIT.
        context=lambda user: (
            {"calls": open_calls_near(user, HOME_CALLS)} if user.is_authenticated else None
        ),
        order=45,
        tags=("volunteers.call", "volunteers.slot"),
    )
)
# ``volunteer_skills`` on a member's profile: what they can do.
profile_extras.register("volunteer_skills", member_skills)

# --- personal data -------------------------------------------------------------------------------


def _signups(context):
    """The member's sign-ups go, and the places they took are freed."""
    signups = Signup.objects.filter(member=context.member)
    slot_ids = list(signups.values_list("slot_id", flat=True))
    context.count("volunteers.Signup.member", signups.delete()[0])
    Slot.objects.filter(pk__in=slot_ids, taken__gt=0).update(taken=F("taken") - 1)


privacy.export(
    "volunteers.Signup.member",
    section="volunteer_signups",
    fields=(
        ("call", lambda row: row.slot.call.title),
        ("slot", lambda row: row.slot.label),
        "created_at",
    ),
    queryset=lambda member: Signup.objects.filter(member=member).select_related("slot__call"),
)
privacy.erase("volunteers.Signup.member", action=CUSTOM, handler=_signups)
privacy.export(
    "volunteers.MemberSkill.member",
    section="volunteer_skills",
    fields=(("skill", lambda row: row.skill.name),),
    queryset=lambda member: MemberSkill.objects.filter(member=member).select_related("skill"),
)
privacy.erase("volunteers.MemberSkill.member", action=DELETE)
privacy.export(
    "volunteers.Call.created_by",
    section="volunteer_calls_opened",
    fields=("title", "description", "created_at", "status"),
)
# The call belongs to its organisation, group or event: it stays, without who opened it.
privacy.erase("volunteers.Call.created_by", action=SET_NULL)

# --- page cache ----------------------------------------------------------------------------------
pagecache.declare(Call, scopes={"commune": "commune"})
pagecache.declare(Slot, scopes={"call": "call"})
pagecache.declare(Signup, silent=True)  # its effect shows as the slot's ``taken``
pagecache.declare(MemberSkill, silent=True)

"""What the platform knows about organisations (associations and institutions), declared
once (see ``parvis.core.content``): how a page is reported and removed, the territory pages'
"Associations" and "Institutions" sections, the organisations on a member's profile, the
notification kinds (``notifications.py``) and what erasing a member does to their teams."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.accounts.profile import profile_extras
from parvis.moderation import registry as moderation
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER, SECTION_LIMIT, PortalSection, portal_sections
from parvis.territories.selectors import commune_in

from . import notifications  # noqa: F401  (the notification kinds)
from .models import Organisation, OrganisationKind, OrganisationRole
from .selectors import (
    member_organisations,
    membership_role,
    organisation_is_visible_to,
    organisation_list,
)

# --- moderation -------------------------------------------------------------------------------


def _organisation_author(organisation):
    """Its longest-serving manager answers for the page (else whoever created it)."""
    membership = (
        organisation.memberships.filter(role=OrganisationRole.MANAGER)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.user if membership else organisation.created_by


moderation.register(
    Organisation,
    label=_("organisation"),
    author=_organisation_author,
    author_field="memberships__user",
    # Its whole team answers for the page (the role is remembered on the instance).
    is_author=lambda organisation, user: membership_role(user, organisation) is not None,
    is_visible_to=organisation_is_visible_to,
    template="moderation/items/organisation.html",
    select_related=("commune", "created_by"),
)


# --- pages ------------------------------------------------------------------------------------


def directory_filter_params(territory):
    """The directory's query-string filter for ``territory`` (see directory/forms.py)."""
    if territory.kind == TerritoryKind.DEPARTEMENT:
        return {}
    return {territory.kind: territory.pk}


def _organisations(territory, user, kind, directory_type):
    organisations = organisation_list(user).filter(commune_in("commune", territory), kind=kind)
    params = {"type": directory_type, **directory_filter_params(territory)}
    return {
        "organisations": list(organisations[:SECTION_LIMIT]),
        "see_all_url": f"{reverse('directory:index')}?{urlencode(params)}",
    }


def portal_associations(territory, user):
    """Verified associations based in ``territory``, by name (one query)."""
    return _organisations(territory, user, OrganisationKind.ASSOCIATION, "associations")


def portal_institutions(territory, user):
    """Verified institutions (town hall, public services) based in ``territory``."""
    return _organisations(territory, user, OrganisationKind.INSTITUTION, "institutions")


portal_sections.register(
    PortalSection(
        key="associations",
        title=_("Associations"),
        template="organisations/_portal_section.html",
        context=portal_associations,
        order=ORDER["associations"],
        see_all_label=_("See all the associations"),
    )
)
portal_sections.register(
    PortalSection(
        key="institutions",
        title=_("Institutions"),
        template="organisations/_portal_section.html",
        context=portal_institutions,
        order=ORDER["institutions"],
        see_all_label=_("See all the institutions"),
    )
)

# A member's profile lists the organisations they belong to that the viewer may see.
profile_extras.register("organisations", member_organisations)

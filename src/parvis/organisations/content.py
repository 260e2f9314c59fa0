"""What the platform knows about organisations (associations and institutions), declared
once (see ``parvis.core.content``): how a page is reported and removed, the territory pages'
"Associations" and "Institutions" sections, the organisations on a member's profile, the
notification kinds (``notifications.py``) and what erasing a member does to their teams."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import VerificationStatus
from parvis.accounts.profile import profile_extras
from parvis.core import pagecache
from parvis.core.images import delete_files_with
from parvis.moderation import backoffice
from parvis.moderation import registry as moderation
from parvis.moderation.audit import action_labels_register
from parvis.notifications.services import notify
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import STAFF_WORK, platform_audit, site_text
from parvis.privacy.registry import CUSTOM, DELETE, HANDOVER, KEEP, SET_NULL
from parvis.territories.models import TerritoryKind
from parvis.territories.portal import ORDER, SECTION_LIMIT, PortalSection, portal_sections
from parvis.territories.selectors import commune_in, territory_containers, territory_scope

from . import (
    notifications,  # noqa: F401  (the notification kinds)
    search_provider,  # noqa: F401  (its types in the search box: parvis.core.search)
)
from .models import (
    CONTACT_FIELDS,
    InvitationStatus,
    Organisation,
    OrganisationInvitation,
    OrganisationKind,
    OrganisationMembership,
    OrganisationRole,
    PendingMandate,
    PendingOrganisation,
)
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
    """Verified associations based in ``territory``, by name (one query); a commune's page adds
    those nearby (its intercommunality), after its own, each marked ``is_nearby``."""
    if territory.kind != TerritoryKind.COMMUNE or not territory.epci_id:
        return _organisations(territory, user, OrganisationKind.ASSOCIATION, "associations")
    own = Q(commune_id=territory.pk)
    organisations = (
        organisation_list(user)
        .filter(commune__epci_id=territory.epci_id, kind=OrganisationKind.ASSOCIATION)
        .annotate(is_nearby=Case(When(own, then=Value(False)), default=Value(True)))
        .order_by("is_nearby", "name", "pk")
    )
    params = {"type": "associations", **directory_filter_params(territory)}
    return {
        "organisations": list(organisations[:SECTION_LIMIT]),
        "see_all_url": f"{reverse('directory:index')}?{urlencode(params)}",
    }


def portal_institutions(territory, user):
    """Verified institutions (town hall, public services) based in ``territory``."""
    return _organisations(territory, user, OrganisationKind.INSTITUTION, "institutions")


portal_sections.register(
    PortalSection(
        key="associations",
        title=_("Associations"),
        template="organisations/_portal_section.html",
        context=portal_associations,
        tags=lambda territory: [territory_scope("organisations.organisation", territory)],
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
        tags=lambda territory: [territory_scope("organisations.organisation", territory)],
        order=ORDER["institutions"],
        see_all_label=_("See all the institutions"),
    )
)

# A member's profile lists the organisations they belong to that the viewer may see.
profile_extras.register("organisations", member_organisations)

# --- personal data (parvis.privacy.registry) ------------------------------------------------


def _organisations_handover(context):
    """Organisations the member alone manages pass to their longest-standing other member
    (contact details kept: the organisation goes on); those with no other member are closed
    (taken offline: status "rejected" with the reason, their public contact details erased,
    their content kept; moderators may verify them again for a new team)."""
    for item in context.plan.organisations:
        organisation = item.organisation
        if item.successor is not None:
            OrganisationMembership.objects.filter(
                organisation=organisation, user=item.successor
            ).update(role=OrganisationRole.MANAGER)
            platform_audit(
                action="gdpr.organisation_handover",
                target=organisation,
                reason="Its only manager's account was erased: handed over.",
                data={"new_manager": item.successor.pk},
            )
            notify(
                recipients=[item.successor],
                type_key="privacy.organisation_handed_over",
                target=organisation,
                context={"organisation": organisation.name},
            )
            context.count("organisations_handed_over", 1)
        else:
            organisation.status = VerificationStatus.REJECTED
            organisation.rejection_reason = site_text(
                "Closed: its last manager deleted their account."
            )
            organisation.reviewed_at = context.now
            organisation.reviewed_by = None
            # Its public contact details are often its last manager's own (a small
            # association's phone, e-mail, address): erased with them.
            for field in CONTACT_FIELDS:
                setattr(organisation, field, "")
            organisation.save(
                update_fields=[
                    "status",
                    "rejection_reason",
                    "reviewed_at",
                    "reviewed_by",
                    *CONTACT_FIELDS,
                ]
            )
            OrganisationInvitation.objects.filter(
                organisation=organisation, status=InvitationStatus.PENDING
            ).update(status=InvitationStatus.CANCELLED, responded_at=context.now)
            platform_audit(
                action="gdpr.organisation_close",
                target=organisation,
                reason="Its only member's account was erased: closed.",
            )
            context.count("organisations_closed", 1)
    deleted, _details = OrganisationMembership.objects.filter(user=context.member).delete()
    context.count("organisations.OrganisationMembership.user", deleted)


privacy.export(
    "organisations.Organisation.created_by",
    section="organisations_created",
    fields=(
        "name",
        "kind",
        "status",
        "created_at",
        "email",
        "phone",
        "address",
        "opening_hours",
        ("url", lambda row: row.get_absolute_url()),
    ),
)
privacy.erase("organisations.Organisation.created_by", action=SET_NULL)
privacy.not_exported("organisations.Organisation.reviewed_by", reason=STAFF_WORK)
privacy.erase("organisations.Organisation.reviewed_by", action=KEEP, reason=STAFF_WORK)

privacy.export(
    "organisations.OrganisationMembership.user",
    section="organisation_roles",
    fields=("organisation", "role", "created_at"),
    queryset=lambda member: OrganisationMembership.objects.filter(user=member).select_related(
        "organisation"
    ),
)
privacy.erase(
    "organisations.OrganisationMembership.user",
    action=CUSTOM,
    handler=_organisations_handover,
    order=HANDOVER,
)

privacy.export(
    "organisations.OrganisationInvitation.invitee",
    section="organisation_invitations_received",
    fields=("organisation", "role", "status", "created_at", "responded_at"),
    queryset=lambda member: OrganisationInvitation.objects.filter(invitee=member).select_related(
        "organisation"
    ),
)
privacy.erase("organisations.OrganisationInvitation.invitee", action=DELETE)
privacy.export(
    "organisations.OrganisationInvitation.invited_by",
    section="organisation_invitations_sent",
    # Not the invitee: the invitation is theirs as much as the member's.
    fields=("organisation", "role", "status", "created_at"),
    queryset=lambda member: OrganisationInvitation.objects.filter(invited_by=member).select_related(
        "organisation"
    ),
)
privacy.erase("organisations.OrganisationInvitation.invited_by", action=SET_NULL)


@dataclass
class OrganisationHandover:
    """In the erasure plan: ``organisation``, which the member alone manages, passes to
    ``successor``, or is closed when ``None``."""

    organisation: object
    successor: object | None


def _organisation_successor(organisation, member):
    """Who runs ``organisation`` once ``member`` (its only manager) is gone: its
    longest-standing other member, made manager; None when it has no other member."""
    membership = (
        OrganisationMembership.objects.filter(organisation=organisation, user__is_active=True)
        .exclude(user=member)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.user if membership else None


@privacy.plan_step(order=HANDOVER)
def _plan_organisations(plan):
    """The organisations the member alone manages, and who takes each over (read by the
    later steps: the events and posts of a closed organisation are the member's own)."""
    member = plan.member
    managed = (
        OrganisationMembership.objects.filter(user=member, role=OrganisationRole.MANAGER)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    for membership in managed:
        organisation = membership.organisation
        other_managers = (
            OrganisationMembership.objects.filter(
                organisation=organisation, role=OrganisationRole.MANAGER, user__is_active=True
            )
            .exclude(user=member)
            .exists()
        )
        if other_managers:
            continue
        plan.organisations.append(
            OrganisationHandover(
                organisation=organisation,
                successor=_organisation_successor(organisation, member),
            )
        )


# --- page cache --------------------------------------------------------------------------------
pagecache.declare(
    Organisation,
    scopes={"commune": "commune"},
    derived={"commune": territory_containers},
    listed_if={"status": VerificationStatus.VERIFIED},
)
pagecache.declare(OrganisationMembership, scopes={"organisation": "organisation"})


# --- the back office (parvis.moderation.backoffice): the verification queues ----------------

backoffice.register(
    backoffice.Queue(
        key="mandates",
        label=_("Mandates to verify"),
        queryset=lambda: PendingMandate.objects.filter(status=VerificationStatus.PENDING),
        since="created_at",
        admin_model="organisations.pendingmandate",
        permission="accounts.change_mandate",
        order=40,
        decisions=(
            "accounts.mandate_verify",
            "accounts.mandate_reject",
            "accounts.mandate_changes_request",
        ),
    )
)
backoffice.register(
    backoffice.Queue(
        key="organisations",
        label=_("Organisations to approve"),
        queryset=lambda: PendingOrganisation.objects.filter(status=VerificationStatus.PENDING),
        since="created_at",
        admin_model="organisations.pendingorganisation",
        permission="organisations.change_organisation",
        order=50,
        decisions=(
            "organisations.verify",
            "organisations.reject",
            "organisations.changes_request",
        ),
    )
)
action_labels_register(
    {
        "accounts.mandate_verify": _("mandate verified"),
        "accounts.mandate_reject": _("mandate refused"),
        "organisations.verify": _("organisation approved"),
        "organisations.reject": _("organisation refused"),
        "accounts.mandate_changes_request": _("changes requested on a mandate"),
        "organisations.changes_request": _("changes requested on an organisation"),
        "organisations.member_remove": _("organisation member removed"),
        "organisations.role_change": _("organisation role changed"),
    }
)
# A deleted organisation's logo and cover leave storage, with their renditions (core.images).
delete_files_with(Organisation, "logo", "cover")

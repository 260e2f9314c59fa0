"""Who may do what with an organisation page, as named ``rules`` permissions.

Use ``user.has_perm("organisations.change_organisation_page", organisation)`` in views and API
permission classes alike. The Django model permissions (``organisations.change_organisation``)
are the moderators' admin permissions and are not redefined here.
"""

import rules

from .models import OrganisationRole
from .selectors import membership_role, organisation_is_visible_to


@rules.predicate
def is_identified_member(user):
    return user.is_authenticated and user.is_active


@rules.predicate
def is_organisation_member(user, organisation):
    return organisation is not None and membership_role(user, organisation) is not None


@rules.predicate
def is_organisation_manager(user, organisation):
    return (
        organisation is not None and membership_role(user, organisation) == OrganisationRole.MANAGER
    )


@rules.predicate
def is_organisation_editor(user, organisation):
    """An editor (and only an editor: a manager is tested with ``is_organisation_manager``)."""
    return (
        organisation is not None and membership_role(user, organisation) == OrganisationRole.EDITOR
    )


@rules.predicate
def can_see_organisation(user, organisation):
    return organisation is not None and organisation_is_visible_to(organisation, user)


rules.add_perm("organisations.view_organisation_page", can_see_organisation)
rules.add_perm("organisations.add_organisation_page", is_identified_member)
# Description, logo and website.
rules.add_perm(
    "organisations.change_organisation_page",
    is_identified_member & (is_organisation_manager | is_organisation_editor),
)
# Name, kind, commune, RNA and SIREN numbers.
rules.add_perm(
    "organisations.change_organisation_identity", is_identified_member & is_organisation_manager
)
rules.add_perm(
    "organisations.manage_organisation_members", is_identified_member & is_organisation_manager
)
rules.add_perm("organisations.leave_organisation", is_identified_member & is_organisation_member)

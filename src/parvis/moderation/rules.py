"""Who may do what in moderation, as named ``rules`` permissions.

The Django model permissions (``moderation.change_moderationcase``: decide on reported items;
``moderation.change_appeal``: decide appeals; ``moderation.view_auditentry``: read the audit
log) are the moderators' admin permissions, given to the "Modérateurs" group.
"""

import rules

from parvis.accounts.rules import is_active_member

from . import registry
from .selectors import is_author


@rules.predicate
def is_reportable(user, obj):
    return registry.is_reportable(obj)


@rules.predicate
def is_item_author(user, obj):
    return obj is not None and is_author(obj, user)


@rules.predicate
def can_see_item(user, obj):
    entry = registry.get_for_model(obj) if obj is not None else None
    return entry is not None and entry.is_visible_to(obj, user)


@rules.predicate
def is_moderator(user):
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("moderation.change_moderationcase")
    )


@rules.predicate
def is_appeal_moderator(user):
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("moderation.change_appeal")
    )


rules.add_perm(
    "moderation.report_item", is_active_member & is_reportable & can_see_item & ~is_item_author
)
rules.add_perm("moderation.decide_case", is_moderator)
rules.add_perm("moderation.decide_appeal", is_appeal_moderator)

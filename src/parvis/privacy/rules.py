"""Permissions of the personal-data pages."""

import rules


@rules.predicate
def owns_export(user, export):
    return export is not None and user.is_authenticated and export.member_id == user.pk


@rules.predicate
def can_delete_own_account(user):
    """Members delete their own account; an administrator's is deleted by another one."""
    return user.is_authenticated and user.is_active and not user.is_superuser


rules.add_perm("privacy.download_export", owns_export)
# A rule, not a permission: a superuser has every permission, yet may not use this page.
rules.add_rule("privacy.delete_own_account", can_delete_own_account)

"""Every add, change and delete made through an admin form is a staff action: mirror the
admin's own history (``LogEntry``) into the audit log.

Admin *actions* (verify, reject, decide...) log a plain-text message and call services that
write their own, richer audit entry: those log entries are not mirrored. Form saves and
deletions log a structured (JSON) message: those are. A change to a member records their
rights after the change (staff status, groups), so that granting or removing a moderator's
rights is in the log. (Deleting several rows at once is audited by the site-wide
``delete_selected`` action of ``admin.py``.)
"""

import json

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from .audit import audit_record

ACTIONS = {ADDITION: "admin.add", CHANGE: "admin.change", DELETION: "admin.delete"}


def _rights(user_pk):
    member = get_user_model()._default_manager.filter(pk=user_pk).first()
    if member is None:
        return {}
    return {
        "is_active": member.is_active,
        "is_staff": member.is_staff,
        "is_superuser": member.is_superuser,
        "groups": sorted(member.groups.values_list("name", flat=True)),
    }


@receiver(post_save, sender=LogEntry, dispatch_uid="parvis_moderation_mirror_admin_history")
def mirror_admin_history(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.action_flag not in ACTIONS:
        return
    try:
        message = json.loads(instance.change_message or "[]")
    except ValueError:
        return  # an admin action's message: its service recorded the action itself
    if not isinstance(message, list):
        return
    if instance.action_flag == CHANGE and not message:
        return  # saved without any change
    data = {"admin_message": message}
    content_type = instance.content_type
    User = get_user_model()
    if (
        content_type is not None
        and content_type.model_class() is User
        and instance.action_flag != DELETION
    ):
        data["rights"] = _rights(instance.object_id)
    audit_record(
        actor=instance.user,
        action=ACTIONS[instance.action_flag],
        target_type=content_type,
        target_id=instance.object_id,
        target_repr=instance.object_repr,
        data=data,
    )

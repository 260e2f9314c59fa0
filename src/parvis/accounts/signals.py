"""Keep the "Modérateurs" group and its permissions in place."""

MODERATORS_GROUP = "Modérateurs"
MODERATOR_PERMISSIONS = {
    "accounts": ["view_user", "change_user", "view_mandate", "change_mandate"],
    "organisations": [
        "view_organisation",
        "change_organisation",
        "view_organisationmembership",
        "view_organisationinvitation",
    ],
    "territories": [
        "view_territory",
        "view_commune",
        "view_epci",
        "view_arrondissement",
        "view_departement",
    ],
    "agenda": [
        "view_event",
        "change_event",
        "view_category",
        "view_eventawaitingreview",
        "change_eventawaitingreview",
        "view_eventoccurrence",
    ],
    "news": ["view_post", "change_post", "view_category", "view_follow"],
    "groups": [
        "view_group",
        "change_group",
        "view_membership",
        "view_joinrequest",
        "view_invitation",
        "view_ban",
        "view_thread",
        "change_thread",
        "view_message",
        "change_message",
        "view_messagerevision",
        "view_activity",
    ],
    "consultations": [
        "view_consultation",
        "add_consultation",
        "change_consultation",
        "view_question",
        "add_question",
        "change_question",
        "delete_question",
        "view_option",
        "add_option",
        "change_option",
        "delete_option",
        "view_comment",
        "change_comment",
    ],
    "questions": [
        "view_question",
        "change_question",
        "view_answerrevision",
        "view_support",
        "view_follow",
    ],
    "localreports": [
        "view_category",
        "add_category",
        "change_category",
        "view_report",
        "change_report",
        "view_photo",
        "view_update",
        "view_support",
    ],
    "volunteers": [
        "view_skill",
        "add_skill",
        "change_skill",
        "view_call",
        "change_call",
        "view_slot",
    ],
    "moderation": [
        "view_moderationcase",
        "change_moderationcase",
        "view_report",
        "view_decision",
        "view_appeal",
        "change_appeal",
        "view_sanction",
        "view_auditentry",
        "view_casenote",
        "add_casenote",
    ],
    # The privacy pages moderators need: who asked for their data, who is about to be erased.
    "privacy": ["view_dataexport", "view_inactivitynotice"],
    "insight": ["view_statsnapshot"],
}


def ensure_moderators_group(sender=None, apps=None, using="default", **kwargs):
    """Create the group if missing and give it the moderators' permissions (idempotent)."""
    if apps is None:
        from django.apps import apps
    # Not ``apps.is_installed("django.contrib.auth")``: the historical apps of migrations and
    # post_migrate name their apps by label ("auth"), so that test was always false there.
    if "auth" not in {config.label for config in apps.get_app_configs()}:
        return
    if not _tables_exist(apps, using):
        return
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.using(using).get_or_create(name=MODERATORS_GROUP)
    for app_label, codenames in MODERATOR_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename__in=codenames
            )
        )


def _tables_exist(apps, using):
    from django.db import connections

    tables = connections[using].introspection.table_names()
    return {"auth_group", "auth_permission"} <= set(tables)

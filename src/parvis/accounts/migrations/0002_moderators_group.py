"""Create the "Modérateurs" group with the permissions moderators need in the admin."""

from django.db import migrations

MODERATOR_PERMISSIONS = {
    "accounts": ["view_user", "change_user", "view_mandate", "change_mandate"],
    "organisations": [
        "view_organisation",
        "change_organisation",
        "view_organisationmembership",
        "view_organisationinvitation",
    ],
    "territories": ["view_territory", "view_commune", "view_epci", "view_arrondissement",
                    "view_departement"],
}


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Modérateurs")
    for app_label, codenames in MODERATOR_PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("organisations", "0001_initial"),
        ("territories", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]

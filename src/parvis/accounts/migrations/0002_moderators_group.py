"""Create the "Modérateurs" group with the permissions moderators need in the admin."""

from django.db import migrations


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from parvis.accounts.signals import ensure_moderators_group

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    # The permission list lives in accounts/signals.py, which post_migrate also applies.
    ensure_moderators_group(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("organisations", "0001_initial"),
        ("territories", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]

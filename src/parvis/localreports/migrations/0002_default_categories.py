"""The report categories a département starts with (moderators edit them in the admin)."""

from django.db import migrations

from parvis.localreports.defaults import CATEGORIES



def add_categories(apps, schema_editor):
    Category = apps.get_model("localreports", "Category")
    for position, (slug, name, route, description) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "route": route, "description": description, "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("localreports", "0001_initial")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]

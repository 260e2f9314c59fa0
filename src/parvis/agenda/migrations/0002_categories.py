"""The first event categories; administrators manage them in the admin afterwards."""

from django.db import migrations

CATEGORIES = [
    ("culture", "Culture"),
    ("sport", "Sport"),
    ("vie-associative", "Vie associative"),
    ("citoyennete", "Citoyenneté"),
    ("environnement", "Environnement"),
    ("solidarite", "Solidarité"),
    ("jeunesse", "Jeunesse"),
    ("patrimoine", "Patrimoine"),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("agenda", "Category")
    for position, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("agenda", "0001_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]

"""The first post categories; administrators manage them in the admin afterwards."""

from django.db import migrations

CATEGORIES = [
    ("vie-locale", "Vie locale"),
    ("travaux-voirie", "Travaux et voirie"),
    ("demarches", "Démarches et services"),
    ("transports", "Transports et mobilité"),
    ("environnement", "Environnement et déchets"),
    ("sante-solidarite", "Santé et solidarité"),
    ("education-jeunesse", "Éducation et jeunesse"),
    ("culture-sport", "Culture et sport"),
    ("securite-alertes", "Sécurité et alertes"),
    ("vie-democratique", "Vie démocratique"),
    ("vie-associative", "Vie associative"),
]


def create_categories(apps, schema_editor):
    Category = apps.get_model("news", "Category")
    for position, (slug, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]

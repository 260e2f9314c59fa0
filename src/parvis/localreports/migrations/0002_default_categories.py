"""The report categories a département starts with (moderators edit them in the admin)."""

from django.db import migrations

CATEGORIES = [
    # slug, name, route, description
    ("route-departementale", "Route départementale", "council",
     "Chaussée, accotements, fossés et signalisation des routes départementales."),
    ("voirie-trottoirs", "Voirie et trottoirs", "commune",
     "Nids-de-poule, trottoirs abîmés, bordures, dans les rues de la commune."),
    ("eclairage-public", "Éclairage public", "commune", "Lampadaire éteint, allumé le jour, abîmé."),
    ("depot-sauvage", "Dépôt sauvage", "commune", "Déchets, encombrants ou gravats abandonnés."),
    ("accessibilite", "Accessibilité", "commune",
     "Obstacle pour un fauteuil, une poussette, une personne aveugle ou malvoyante."),
    ("espaces-verts", "Espaces verts", "commune", "Arbre dangereux, haie à tailler, aire de jeux."),
    ("mobilier-signalisation", "Mobilier urbain et signalisation", "commune",
     "Banc, abribus, panneau ou feu tricolore endommagé."),
    ("autre", "Autre problème dans l'espace public", "commune", ""),
]


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

"""The skills members and calls start with (moderators edit them in the admin)."""

from django.db import migrations

SKILLS = [
    ("accueil", "Accueil du public"),
    ("animation-enfants", "Animation avec des enfants"),
    ("bricolage", "Bricolage et petits travaux"),
    ("conduite", "Conduite (permis B)"),
    ("cuisine", "Cuisine et service"),
    ("secourisme", "Premiers secours (PSC1)"),
    ("informatique", "Informatique et réseaux sociaux"),
    ("jardinage", "Jardinage"),
    ("langues", "Langues étrangères"),
    ("logistique", "Logistique, montage et démontage"),
]


def add_skills(apps, schema_editor):
    Skill = apps.get_model("volunteers", "Skill")
    for position, (slug, name) in enumerate(SKILLS):
        Skill.objects.get_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]

    operations = [migrations.RunPython(add_skills, migrations.RunPython.noop)]

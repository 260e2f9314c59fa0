"""French full-text search of consultations, indexed (PostgreSQL only): a GIN index on exactly
the expression of ``parvis.consultations.search_provider.consultation_vector`` (title A,
context B)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "french_unaccent"


def _indexes():
    return [
        GinIndex(
            SearchVector("title", config=CONFIG, weight="A")
            + SearchVector("context", config=CONFIG, weight="B"),
            name="consultations_consultation_fts",
        ),
    ]


def _existing_indexes(schema_editor, model):
    with schema_editor.connection.cursor() as cursor:
        return schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("consultations", "Consultation")
    existing = _existing_indexes(schema_editor, model)
    for index in _indexes():
        if index.name not in existing:
            schema_editor.add_index(model, index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("consultations", "Consultation")
    existing = _existing_indexes(schema_editor, model)
    for index in _indexes():
        if index.name in existing:
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0004_announcements_to_the_activity_outbox"),
        ("directory", "0001_full_text_search"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]

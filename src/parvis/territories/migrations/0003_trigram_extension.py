"""The ``pg_trgm`` extension (trigram similarity of names: typos forgiven in the search box,
``parvis.core.search.name_search``) and a trigram index on territories' names (PostgreSQL only)."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

CONFIG = "french_unaccent"


def _indexes():
    return [
        GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="territories_name_trgm"),
    ]


def _existing_indexes(schema_editor, model):
    with schema_editor.connection.cursor() as cursor:
        return schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("territories", "Territory")
    existing = _existing_indexes(schema_editor, model)
    for index in _indexes():
        if index.name not in existing:
            schema_editor.add_index(model, index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("territories", "Territory")
    existing = _existing_indexes(schema_editor, model)
    for index in _indexes():
        if index.name in existing:
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("territories", "0002_alter_territory_name"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]

"""Trigram indexes on members' names for the search box's typo-tolerant matches
(``parvis.core.search.name_search``; PostgreSQL only)."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

CONFIG = "french_unaccent"


def _indexes():
    return [
        GinIndex(fields=["last_name"], opclasses=["gin_trgm_ops"], name="accounts_user_last_name_trgm"),
        GinIndex(fields=["first_name"], opclasses=["gin_trgm_ops"], name="accounts_user_first_name_trgm"),
    ]


def _existing_indexes(schema_editor, model):
    with schema_editor.connection.cursor() as cursor:
        return schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("accounts", "User")
    existing = _existing_indexes(schema_editor, model)
    for index in _indexes():
        if index.name not in existing:
            schema_editor.add_index(model, index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("accounts", "User")
    existing = _existing_indexes(schema_editor, model)
    for index in _indexes():
        if index.name in existing:
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_merge_tokens"),
        ("territories", "0003_trigram_extension"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]

"""French full-text search without accents, indexed (PostgreSQL only).

Creates the ``french_unaccent`` text search configuration (a copy of ``french`` whose word
mappings first strip accents) and GIN expression indexes on members' names and on
organisations' names and descriptions. The expressions are frozen copies of
``parvis.directory.search.member_vector`` and ``organisation_vector``: a query uses an index only
when it compiles to the same expression. On other databases this migration does nothing.
The reverse drops the indexes and the configuration; the ``unaccent`` extension is kept (other
objects may use it).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "french_unaccent"

CREATE_CONFIGURATION = f"""
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM pg_catalog.pg_ts_config c
        JOIN pg_catalog.pg_namespace n ON n.oid = c.cfgnamespace
        WHERE c.cfgname = '{CONFIG}' AND n.nspname = current_schema()
    ) THEN
        CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION {CONFIG}
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""

DROP_CONFIGURATION = f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG};"


def _indexes():
    return [
        (
            "accounts",
            "User",
            GinIndex(
                SearchVector("first_name", "last_name", config=CONFIG),
                name="accounts_user_fts",
            ),
        ),
        (
            "organisations",
            "Organisation",
            GinIndex(
                SearchVector("name", config=CONFIG, weight="A")
                + SearchVector("description", config=CONFIG, weight="B"),
                name="organisations_organisation_fts",
            ),
        ),
    ]


def _existing_indexes(schema_editor, model):
    with schema_editor.connection.cursor() as cursor:
        return schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE_CONFIGURATION)
    for app_label, model_name, index in _indexes():
        model = apps.get_model(app_label, model_name)
        if index.name not in _existing_indexes(schema_editor, model):
            schema_editor.add_index(model, index)


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app_label, model_name, index in _indexes():
        model = apps.get_model(app_label, model_name)
        if index.name in _existing_indexes(schema_editor, model):
            schema_editor.remove_index(model, index)
    schema_editor.execute(DROP_CONFIGURATION)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("organisations", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_search, drop_search, elidable=False)]

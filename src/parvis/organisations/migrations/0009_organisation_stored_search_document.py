"""A stored search document for organisations (PostgreSQL only).

``organisations_organisation.search_document`` is a generated column holding the document
of ``parvis.directory.search.organisation_vector`` (name weight A, description weight B,
``french_unaccent``), and ``organisations_organisation_fts`` (created as an expression index
by ``directory/migrations/0001``) now indexes that column instead. A search then reads the
document instead of re-parsing the name and description of every match to rank them.
The column is not a model field (SQLite, the demo's database, has no ``tsvector``): queries
reach it through ``parvis.core.search.stored_document``. On other databases this migration
does nothing.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('french_unaccent'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('french_unaccent'::regconfig, coalesce(description, '')), 'B')"
)

FORWARDS = [
    "DROP INDEX IF EXISTS organisations_organisation_fts",
    "ALTER TABLE organisations_organisation ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS organisations_organisation_fts ON organisations_organisation "
    "USING gin (search_document)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS organisations_organisation_fts",
    "ALTER TABLE organisations_organisation DROP COLUMN IF EXISTS search_document",
    "CREATE INDEX organisations_organisation_fts ON organisations_organisation "
    f"USING gin (({DOCUMENT}))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0008_organisation_cover"),
        ("directory", "0001_full_text_search"),
    ]

    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), elidable=False)]

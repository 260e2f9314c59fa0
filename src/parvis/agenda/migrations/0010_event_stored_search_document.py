"""A stored search document for events (PostgreSQL only).

``agenda_event.search_document`` is a generated column holding the document of
``parvis.agenda.search`` (title weight A, description weight B, ``french_unaccent``), and
``agenda_event_fts`` now indexes that column instead of the expression. A search then reads
the document instead of re-parsing the title and description of every match to rank them.
The column is not a model field (SQLite, the demo's database, has no ``tsvector``): queries
reach it through ``parvis.core.search.stored_document``. On other databases this migration
does nothing.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('french_unaccent'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('french_unaccent'::regconfig, coalesce(description, '')), 'B')"
)

FORWARDS = [
    "DROP INDEX IF EXISTS agenda_event_fts",
    "ALTER TABLE agenda_event ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS agenda_event_fts ON agenda_event USING gin (search_document)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS agenda_event_fts",
    "ALTER TABLE agenda_event DROP COLUMN IF EXISTS search_document",
    f"CREATE INDEX agenda_event_fts ON agenda_event USING gin (({DOCUMENT}))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("agenda", "0009_event_point")]

    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), elidable=False)]

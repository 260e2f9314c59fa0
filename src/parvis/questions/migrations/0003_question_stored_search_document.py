"""A stored search document for questions (PostgreSQL only), as events have
(``agenda/migrations/0010``): ``questions_question.search_document`` holds the document of
``search_provider._vector`` (title A, body and answer B) and ``questions_question_fts`` indexes
that column. The search box then reads it instead of re-parsing the texts of every match to
rank them (3 s for a word in 16,000 of 20,000 questions). Not a model field: queries reach it
through ``parvis.core.search.stored_document``. On other databases this does nothing.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('french_unaccent'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('french_unaccent'::regconfig, "
    "coalesce(body, '') || ' ' || coalesce(answer, '')), 'B')"
)

FORWARDS = [
    "DROP INDEX IF EXISTS questions_question_fts",
    "ALTER TABLE questions_question ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS questions_question_fts ON questions_question "
    "USING gin (search_document)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS questions_question_fts",
    "ALTER TABLE questions_question DROP COLUMN IF EXISTS search_document",
    f"CREATE INDEX questions_question_fts ON questions_question USING gin (({DOCUMENT}))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("questions", "0002_full_text_search")]

    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), elidable=False)]

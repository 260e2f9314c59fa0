"""A stored search document for posts (PostgreSQL only).

``news_post.search_document`` is a generated column holding the document of
``parvis.news.search_provider`` (title weight A, body weight B, ``french_unaccent``), and
``news_post_fts`` now indexes that column instead of the expression. A search then reads
the document instead of re-parsing the title and body of every match to rank them.
The column is not a model field (SQLite, the demo's database, has no ``tsvector``): queries
reach it through ``parvis.core.search.stored_document``. On other databases this migration
does nothing.
"""

from django.db import migrations

DOCUMENT = (
    "setweight(to_tsvector('french_unaccent'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('french_unaccent'::regconfig, coalesce(body, '')), 'B')"
)

FORWARDS = [
    "DROP INDEX IF EXISTS news_post_fts",
    "ALTER TABLE news_post ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS news_post_fts ON news_post USING gin (search_document)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS news_post_fts",
    "ALTER TABLE news_post DROP COLUMN IF EXISTS search_document",
    f"CREATE INDEX news_post_fts ON news_post USING gin (({DOCUMENT}))",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("news", "0007_post_full_text_search")]

    operations = [migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), elidable=False)]

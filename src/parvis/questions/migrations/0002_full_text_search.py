"""French full-text search of questions to the elected officials, indexed (PostgreSQL only).

A GIN expression index on questions' titles (weight A), details and answers (weight B), with
the ``french_unaccent`` configuration created by ``directory/migrations/0001``. The expression
is a frozen copy of ``parvis.questions.search_provider._vector``: a query uses the index only
when it compiles to the same expression. On other databases this migration does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "french_unaccent"
INDEX_NAME = "questions_question_fts"


def _index():
    return GinIndex(
        SearchVector("title", config=CONFIG, weight="A")
        + SearchVector("body", "answer", config=CONFIG, weight="B"),
        name=INDEX_NAME,
    )


def _existing_indexes(schema_editor, model):
    with schema_editor.connection.cursor() as cursor:
        return schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("questions", "Question")
    if INDEX_NAME not in _existing_indexes(schema_editor, model):
        schema_editor.add_index(model, _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("questions", "Question")
    if INDEX_NAME in _existing_indexes(schema_editor, model):
        schema_editor.remove_index(model, _index())


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0001_initial"),
        ("directory", "0001_full_text_search"),
    ]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]

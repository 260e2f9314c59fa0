"""French full-text search of groups, discussions and messages, indexed (PostgreSQL only).

Groups and discussions: GIN expression indexes with the ``french_unaccent`` configuration
created by ``directory/migrations/0001`` — frozen copies of ``parvis.groups.search``'s
``group_vector`` and ``thread_vector`` (a query uses an index only when it compiles to the same
expression).

Messages (2,000,000 at the target scale): a stored ``search_vector`` column, filled by a
trigger on insert and on every change of ``body`` (bulk inserts and raw SQL included), with a
GIN index on it. Rechecking a stored vector is cheap, and the column has statistics, so the
planner knows when a word is common enough to walk the newest messages instead (see
docs/performance.md). On other databases this migration does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "french_unaccent"


def _indexes():
    return [
        (
            "Group",
            GinIndex(
                SearchVector("name", config=CONFIG, weight="A")
                + SearchVector("description", config=CONFIG, weight="B"),
                name="groups_group_fts",
            ),
        ),
        ("Thread", GinIndex(SearchVector("title", config=CONFIG), name="groups_thread_fts")),
        ("Message", GinIndex(fields=["search_vector"], name="groups_message_fts")),
    ]


def _existing_indexes(schema_editor, model):
    with schema_editor.connection.cursor() as cursor:
        return schema_editor.connection.introspection.get_constraints(
            cursor, model._meta.db_table
        )


def create_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (schema,) = cursor.fetchone()
    schema_editor.execute(
        f"""
        CREATE OR REPLACE TRIGGER groups_message_search_vector
        BEFORE INSERT OR UPDATE OF body ON groups_message
        FOR EACH ROW EXECUTE FUNCTION
        tsvector_update_trigger(search_vector, '{schema}.{CONFIG}', body);
        """
    )
    schema_editor.execute(
        f"UPDATE groups_message SET search_vector = to_tsvector('{schema}.{CONFIG}', body)"
    )
    for model_name, index in _indexes():
        model = apps.get_model("groups", model_name)
        if index.name not in _existing_indexes(schema_editor, model):
            schema_editor.add_index(model, index)


def drop_search(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS groups_message_search_vector ON groups_message")
    for model_name, index in _indexes():
        model = apps.get_model("groups", model_name)
        if index.name in _existing_indexes(schema_editor, model):
            schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
        ("directory", "0001_full_text_search"),
    ]

    operations = [migrations.RunPython(create_search, drop_search, elidable=False)]

"""Dates longer than ``LONG_DATE_DAYS`` (31) days, indexed on their end (PostgreSQL only).

The API's event list walks the dates not over yet in ``start`` order from a month ago; the
dates that began earlier and are still running are all long ones, found on this small partial
index instead of reading every past date. A query uses it only when it states the same
condition (``parvis.agenda.selectors.long_dates``). On other databases this migration does
nothing.
"""

from django.db import migrations

CREATE = (
    'CREATE INDEX IF NOT EXISTS agenda_occurrence_long ON agenda_eventoccurrence ("end") '
    'WHERE ("end" - "start") > interval \'31 days\''
)
DROP = "DROP INDEX IF EXISTS agenda_occurrence_long"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("agenda", "0006_event_group")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]

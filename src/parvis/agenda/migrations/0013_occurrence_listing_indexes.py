"""The indexes of the public lists filtered on a place or a category
(``agenda.filters._narrowed``), on the dates' copies of their event's (``0012``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("agenda", "0012_occurrence_listing_copies")]

    operations = [
        migrations.AddIndex(
            model_name='eventoccurrence',
            index=models.Index(condition=models.Q(('listed', True)), fields=['commune', 'start'], name='occurrence_listed_commune'),
        ),
        migrations.AddIndex(
            model_name='eventoccurrence',
            index=models.Index(condition=models.Q(('listed', True)), fields=['epci', 'start'], name='occurrence_listed_epci'),
        ),
        migrations.AddIndex(
            model_name='eventoccurrence',
            index=models.Index(condition=models.Q(('listed', True)), fields=['arrondissement', 'start'], name='occurrence_listed_arrond'),
        ),
        migrations.AddIndex(
            model_name='eventoccurrence',
            index=models.Index(condition=models.Q(('listed', True)), fields=['category', 'start'], name='occurrence_listed_category'),
        ),
    ]

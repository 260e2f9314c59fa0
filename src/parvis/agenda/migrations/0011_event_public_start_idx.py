"""The events the search box ranks: public ones, newest first (``core.search.text_search``
walks this index and stops at its cap instead of reading every match of a common word)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("agenda", "0010_event_stored_search_document")]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("status__in", ["published", "cancelled"])),
                fields=["-start", "-id"],
                name="event_public_start_idx",
            ),
        ),
    ]

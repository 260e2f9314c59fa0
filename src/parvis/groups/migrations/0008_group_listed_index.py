"""The list of groups anyone may find, in its order (``selectors.group_list``): newest activity
first, read from this index and stopped at the page's end."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groups", "0007_visible_text_titles")]

    operations = [
        migrations.AddIndex(
            model_name="group",
            index=models.Index(
                condition=models.Q(("status__in", ["active", "closed"])),
                fields=["-last_activity_at", "-id"],
                name="groups_group_listed",
            ),
        ),
    ]

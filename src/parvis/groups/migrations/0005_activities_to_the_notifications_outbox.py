"""The groups' activities move to the notifications' activity outbox (one outbox for every
app): the activities not told yet are copied there — same actor, the group as target, the
discussion, message and audience in the details, the named member as recipient — to be told
by the next drain; those told already are not copied (nothing is told twice). Then the
groups' own table goes."""

from django.db import migrations
from django.utils import timezone


def copy_pending_activities(apps, schema_editor):
    GroupActivity = apps.get_model("groups", "Activity")
    Activity = apps.get_model("notifications", "Activity")
    ContentType = apps.get_model("contenttypes", "ContentType")
    pending = GroupActivity.objects.filter(processed_at__isnull=True).order_by("created_at", "pk")
    if not pending.exists():
        return
    group_type, _created = ContentType.objects.get_or_create(app_label="groups", model="group")
    now = timezone.now()
    rows = []
    for activity in pending.iterator(chunk_size=1000):
        rows.append(
            Activity(
                kind=f"groups.{activity.kind}",
                actor_id=activity.actor_id,
                target_type=group_type,
                target_id=activity.group_id,
                recipient_ids=[activity.recipient_id] if activity.recipient_id else [],
                data={
                    **(activity.data or {}),
                    "audience": activity.audience,
                    "thread_id": activity.thread_id,
                    "message_id": activity.message_id,
                },
                created_at=activity.created_at,
                due_at=min(activity.created_at, now),
            )
        )
        if len(rows) >= 1000:
            Activity.objects.bulk_create(rows)
            rows = []
    Activity.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("groups", "0004_thread_activity_index"),
        ("notifications", "0003_activity_outbox"),
    ]

    operations = [
        migrations.RunPython(copy_pending_activities, migrations.RunPython.noop),
        migrations.DeleteModel(name="Activity"),
    ]

"""The posts' announcements move to the notifications' activity outbox: the periodic scan of
the posts to announce is gone, so every post published and not announced yet — live within
the announcement window, or scheduled — gets its ``news.post_published`` activity, due at its
publication date. Posts announced already (``announced_at``) get none: nothing is told twice."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

KIND = "news.post_published"
ANNOUNCE_WINDOW = dt.timedelta(days=2)  # news.activities.ANNOUNCE_WINDOW


def record_pending_announcements(apps, schema_editor):
    Post = apps.get_model("news", "Post")
    Activity = apps.get_model("notifications", "Activity")
    ContentType = apps.get_model("contenttypes", "ContentType")
    now = timezone.now()
    posts = Post.objects.filter(
        status="published",
        announced_at__isnull=True,
        publish_at__gte=now - ANNOUNCE_WINDOW,
    ).values_list("pk", "author_id", "publish_at")
    if not posts.exists():
        return
    post_type, _created = ContentType.objects.get_or_create(app_label="news", model="post")
    taken = set(
        Activity.objects.filter(kind=KIND, processed_at__isnull=True).values_list(
            "target_id", flat=True
        )
    )
    Activity.objects.bulk_create(
        [
            Activity(
                kind=KIND,
                actor_id=author_id,
                target_type=post_type,
                target_id=pk,
                batch_key=f"{KIND}:{pk}",
                created_at=now,
                due_at=max(publish_at, now),
            )
            for pk, author_id, publish_at in posts.iterator()
            if pk not in taken
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("news", "0004_post_announced_at"),
        ("notifications", "0003_activity_outbox"),
    ]

    operations = [
        migrations.RunPython(record_pending_announcements, migrations.RunPython.noop),
    ]

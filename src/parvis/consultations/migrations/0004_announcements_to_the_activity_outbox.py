"""The consultations' announcements move to the notifications' activity outbox: the periodic
scan of the consultations to announce is gone, so every consultation published, not closed
and not announced yet — opening later, or opened (or published) within the announcement
window — gets its ``consultations.opened`` activity, due at its opening. Consultations
announced already (``announced_at``) get none: nothing is told twice."""

import datetime as dt

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

KIND = "consultations.opened"
ANNOUNCE_WINDOW = dt.timedelta(days=2)  # consultations.activities.ANNOUNCE_WINDOW


def record_pending_announcements(apps, schema_editor):
    Consultation = apps.get_model("consultations", "Consultation")
    Activity = apps.get_model("notifications", "Activity")
    ContentType = apps.get_model("contenttypes", "ContentType")
    now = timezone.now()
    since = now - ANNOUNCE_WINDOW
    consultations = (
        Consultation.objects.filter(
            status="published", announced_at__isnull=True, closes_at__gt=now
        )
        .filter(Q(opens_at__gte=since) | Q(published_at__gte=since))
        .values_list("pk", "created_by_id", "opens_at")
    )
    if not consultations.exists():
        return
    consultation_type, _created = ContentType.objects.get_or_create(
        app_label="consultations", model="consultation"
    )
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
                target_type=consultation_type,
                target_id=pk,
                batch_key=f"{KIND}:{pk}",
                created_at=now,
                due_at=max(opens_at, now),
            )
            for pk, author_id, opens_at in consultations.iterator()
            if pk not in taken
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_consultation_announced_at"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0003_activity_outbox"),
    ]

    operations = [
        migrations.RunPython(record_pending_announcements, migrations.RunPython.noop),
    ]

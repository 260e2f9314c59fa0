"""The consultations' own discussion joins the comments app (one comment system).

Each message becomes a comment on ``consultations.consultation:<pk>`` (a top-level comment:
the old discussion had no replies) with its author, text, date and deletion (who, when, why)
kept; its HTML is rendered as the comments app renders a comment's Markdown. Its moderation
case (reports, decisions, appeals, hidden state) follows it to the new comment. The audit log
is immutable and keeps naming the old message. Then the old table goes.

Reversible: going back copies the comments on consultations (replies included, as plain
messages) into the old table and moves their moderation cases back.
"""

from django.conf import settings
from django.db import migrations

TARGET = "consultations.consultation:{}"


def _content_type(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _move_cases(apps, old_type, new_type, mapping, url_of):
    ModerationCase = apps.get_model("moderation", "ModerationCase")
    for case in ModerationCase.objects.filter(content_type=old_type, object_id__in=list(mapping)):
        new_pk = mapping[case.object_id]
        case.content_type = new_type
        case.object_id = new_pk
        case.object_url = url_of(case, new_pk)
        case.save(update_fields=["content_type", "object_id", "object_url"])


def forwards(apps, schema_editor):
    from parvis.core.richtext import render_markdown  # a pure function of the text

    Old = apps.get_model("consultations", "Comment")
    New = apps.get_model("comments", "Comment")
    mapping = {}
    for old in Old.objects.order_by("created_at", "pk").iterator():
        new = New.objects.create(
            target=TARGET.format(old.consultation_id),
            author_id=old.author_id,
            body=old.body,
            body_html=str(render_markdown(old.body)) if old.body else "",
            created_at=old.created_at,
            deleted_at=old.deleted_at,
            deleted_by_id=old.deleted_by_id,
            deletion_reason=old.deletion_reason,
        )
        mapping[old.pk] = new.pk
    if not mapping:
        return

    def url_of(case, new_pk):
        page = case.object_url.split("#", 1)[0]
        return f"{page}#commentaire-{new_pk}" if page else ""

    _move_cases(
        apps,
        _content_type(apps, "consultations", "comment"),
        _content_type(apps, "comments", "comment"),
        mapping,
        url_of,
    )


def backwards(apps, schema_editor):
    Old = apps.get_model("consultations", "Comment")
    New = apps.get_model("comments", "Comment")
    mapping = {}
    for new in New.objects.filter(target__startswith="consultations.consultation:").order_by(
        "created_at", "pk"
    ):
        old = Old.objects.create(
            consultation_id=int(new.target.rpartition(":")[2]),
            author_id=new.author_id,
            body=new.body,
            created_at=new.created_at,
            deleted_at=new.deleted_at,
            deleted_by_id=new.deleted_by_id,
            deletion_reason=new.deletion_reason,
        )
        mapping[new.pk] = old.pk
    if not mapping:
        return

    def url_of(case, old_pk):
        page = case.object_url.split("#", 1)[0]
        return f"{page}#message-{old_pk}" if page else ""

    _move_cases(
        apps,
        _content_type(apps, "comments", "comment"),
        _content_type(apps, "consultations", "comment"),
        mapping,
        url_of,
    )
    New.objects.filter(pk__in=list(mapping)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0005_consultation_full_text_search"),
        ("comments", "0001_initial"),
        ("moderation", "0003_teamwork"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Comment"),
    ]

"""Who hears of a comment and of reactions (the activity outbox, told after the commit)."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.comments import services
from parvis.news.services import follow_create
from parvis.notifications import tasks
from parvis.notifications.models import Activity, Notification

pytestmark = pytest.mark.django_db


def told(type_key):
    return set(Notification.objects.filter(type_key=type_key).values_list("recipient", flat=True))


def test_comment_tells_author_followers_and_participants_once_each(
    event, seasoned, association_manager, official, django_capture_on_commit_callbacks
):
    resident, other = seasoned
    follow_create(user=official, target=association_manager)  # follows the organiser
    with django_capture_on_commit_callbacks(execute=True):
        first = services.comment_post(item=event, author=other, body="Il reste des places ?")
    assert told("comments.commented") == {association_manager.pk, official.pk}

    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_post(
            item=event, author=resident, body="Oui, @lea-dubois confirme ?", parent=first
        )
    assert told("comments.mentioned") == {association_manager.pk}
    assert told("comments.replied") == {other.pk}
    # Neither told twice nor the comment's own author.
    assert told("comments.commented") == {official.pk}
    notice = Notification.objects.get(type_key="comments.replied")
    assert notice.url.startswith(event.get_absolute_url() + "#commentaire-")
    assert notice.actor_id == resident.pk


def test_reactions_are_summed_up_once_not_told_one_by_one(
    event, seasoned, association_manager, official, django_capture_on_commit_callbacks
):
    resident, other = seasoned
    with django_capture_on_commit_callbacks(execute=True):
        services.reaction_set(item=event, user=resident, kind="like")
        services.reaction_set(item=event, user=other, kind="bravo")
        services.reaction_set(item=event, user=official, kind="thanks")
        services.reaction_remove(item=event, user=official)  # taken back: not counted
    assert not told("comments.reactions")  # nothing at once

    Activity.objects.filter(kind="comments.reacted").update(
        due_at=timezone.now() - dt.timedelta(minutes=5),
        created_at=timezone.now() - dt.timedelta(hours=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        tasks.activities_drain()
    notices = Notification.objects.filter(type_key="comments.reactions")
    assert [n.recipient_id for n in notices] == [association_manager.pk]
    assert notices[0].params["count"] == 2

"""A post that goes live is announced to the members it concerns — the residents of the
territories it targets and the followers of its publisher — once, by batches, with the
members' preferences; a moderator's decision is told to the author."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from parvis.news.models import Category, Post
from parvis.news.services import (
    follow_create,
    post_create,
    post_publish,
    post_restore,
    post_unpublish,
)
from parvis.notifications import services as notification_services
from parvis.notifications import tasks
from parvis.notifications.activities import activity_record
from parvis.notifications.models import Activity, Notification
from parvis.notifications.registry import Delivery
from parvis.notifications.services import preferences_set

from ..factories import UserFactory

ANNOUNCED = "news.published_in_my_commune"


def announcement(post):
    """The activity that announces ``post`` (the notifications' outbox)."""
    return Activity.objects.get(kind="news.post_published", target_id=post.pk)


def date_comes(post, when):
    """Time passes: ``post``'s publication date is ``when`` (past), as is its announcement's."""
    Post.objects.filter(pk=post.pk).update(publish_at=when)
    Activity.objects.filter(kind="news.post_published", target_id=post.pk).update(due_at=when)


def told(type_key=ANNOUNCED):
    return set(
        Notification.objects.filter(type_key=type_key).values_list("recipient__email", flat=True)
    )


def data(**overrides):
    return {
        "title": "Coupure d'eau programmée",
        "body": "Mardi de **9 h à 12 h** dans le centre-ville.",
        "category": Category.objects.get(slug="securite-alertes"),
        "organisation": None,
        "image": None,
        "image_alt": "",
        "audience": [],
        "publish_at": None,
        "expires_at": None,
        **overrides,
    }


@pytest.fixture
def people(resident, other_resident, margny_resident, agent, oise):
    """Beauvais: resident (Camille). Compiègne: other_resident (Hugo), the agent (author).
    Margny (same intercommunality as Compiègne): margny_resident (Lucie). And a resident of
    Compiègne whose e-mail is not verified."""
    UserFactory(email="pas.verifie@example.org", commune=oise["compiegne"], verified_email=False)
    return {
        "beauvais": resident.email,
        "compiegne": other_resident.email,
        "margny": margny_resident.email,
    }


def test_a_post_for_a_commune_tells_its_verified_residents_not_its_author(
    people, agent, institution, compiegne, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(
            author=agent,
            data=data(organisation=institution, audience=[compiegne]),
            publish=True,
        )
    assert told() == {people["compiegne"]}
    notification = Notification.objects.get(type_key=ANNOUNCED)
    assert notification.target == post
    assert notification.url == post.get_absolute_url()
    assert notification.params == {
        "title": "Coupure d'eau programmée",
        "publisher": "Mairie de Compiègne",
        "audience": "Compiègne",
    }
    assert notification.email_delivery == Delivery.DAILY, "a daily digest by default"
    assert mail.outbox == []
    post.refresh_from_db()
    assert post.announced_at is not None


def test_a_post_for_an_intercommunality_tells_the_residents_of_its_communes(
    people, agent, institution, oise, django_capture_on_commit_callbacks
):
    arc = oise["epcis"][1]
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=agent, data=data(organisation=institution, audience=[arc]), publish=True)
    assert told() == {people["compiegne"], people["margny"]}


def test_a_post_for_the_whole_departement_tells_every_member_by_batches(
    people, agent, institution, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(notification_services, "NOTIFY_BATCH_SIZE", 2)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=agent, data=data(organisation=institution), publish=True)
    assert told() == set(people.values())
    camille = Notification.objects.get(type_key=ANNOUNCED, recipient__email=people["beauvais"])
    assert camille.params["audience"] == "Oise"
    # A duplicated or retried fan-out notifies nobody twice.
    activity = announcement(post)
    Post.objects.filter(pk=post.pk).update(announced_at=None)
    Activity.objects.filter(pk=activity.pk).update(processed_at=None)
    assert tasks.activity_fan_out(activity.pk) == 0
    assert Notification.objects.filter(type_key=ANNOUNCED).count() == 3
    assert tasks.activity_fan_out(activity.pk) == 0, "announced: nothing more"


def test_followers_of_the_publisher_or_of_a_targeted_territory_are_told(
    people, resident, margny_resident, agent, official, compiegne,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    follow_create(user=resident, target=official)  # Camille lives in Beauvais
    follow_create(user=margny_resident, target=compiegne)
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=official, data=data(audience=[compiegne]), publish=True)
    # The agent lives in Compiègne: a resident, here not the author.
    assert told() == {people["beauvais"], people["compiegne"], people["margny"], agent.email}


def test_a_scheduled_post_is_announced_by_the_periodic_task_when_its_date_comes(
    people, agent, institution, compiegne, django_capture_on_commit_callbacks
):
    later = timezone.now() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(
            author=agent,
            data=data(organisation=institution, audience=[compiegne], publish_at=later),
            publish=True,
        )
    assert told() == set()
    assert tasks.activities_drain() == 0

    date_comes(post, timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.activities_drain() == 1
    assert told() == {people["compiegne"]}
    assert tasks.activities_drain() == 0
    assert Notification.objects.filter(type_key=ANNOUNCED).count() == 1


def test_old_unpublished_or_expired_posts_are_not_announced(people, make_post, compiegne):
    old = make_post(audience=[compiegne], publish_at=timezone.now() - dt.timedelta(days=5))
    withdrawn = make_post(audience=[compiegne], status="unpublished")
    expired = make_post(
        audience=[compiegne],
        publish_at=timezone.now() - dt.timedelta(hours=3),
        expires_at=timezone.now() - dt.timedelta(hours=1),
    )
    for post in (old, withdrawn, expired):  # as if their announcement had waited
        activity = activity_record(kind="news.post_published", target=post, due_at=post.publish_at)
        assert tasks.activity_fan_out(activity.pk) == 0
    assert told() == set()


def test_a_member_who_wants_it_at_once_gets_an_e_mail(
    people, other_resident, agent, institution, compiegne, django_capture_on_commit_callbacks
):
    preferences_set(member=other_resident, choices={ANNOUNCED: Delivery.IMMEDIATE})
    with django_capture_on_commit_callbacks(execute=True):
        post_create(
            author=agent, data=data(organisation=institution, audience=[compiegne]), publish=True
        )
    assert [m.to for m in mail.outbox] == [[other_resident.email]]
    assert mail.outbox[0].subject == "Mairie de Compiègne: Coupure d'eau programmée"
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


def test_publishing_again_a_post_already_announced_announces_nothing(
    people, agent, institution, compiegne, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(
            author=agent, data=data(organisation=institution, audience=[compiegne]), publish=True
        )
        post_unpublish(post=post, actor=agent)
        post_publish(post=post, actor=agent)
    assert Notification.objects.filter(type_key=ANNOUNCED).count() == 1


def test_the_author_is_told_of_a_moderators_decision_and_cannot_turn_it_off(
    agent, moderator, make_post, django_capture_on_commit_callbacks
):
    preferences_set(member=agent, choices={"news.post_moderated": Delivery.DAILY})
    post = make_post(title="Rumeur infondée")
    with django_capture_on_commit_callbacks(execute=True):
        post_unpublish(post=post, actor=moderator, reason="Information non sourcée.")
    notification = Notification.objects.get(type_key="news.post_moderated")
    assert (notification.recipient, notification.actor) == (agent, None)
    assert notification.params["restored"] is False
    assert mail.outbox == [], "the author chose the daily digest"
    preferences_set(member=agent, choices={"news.post_moderated": Delivery.IMMEDIATE})
    with django_capture_on_commit_callbacks(execute=True):
        post_restore(post=post, moderator=moderator)
    (message,) = mail.outbox
    assert message.to == [agent.email]
    assert "Rumeur infondée" in message.subject
    assert "List-Unsubscribe" not in message.extra_headers, "a statement cannot be turned off"


def test_restoring_a_post_never_announced_announces_it(
    people, agent, moderator, make_post, compiegne, django_capture_on_commit_callbacks
):
    post = make_post(audience=[compiegne], status="unpublished", moderation_reason="Erreur.")
    with django_capture_on_commit_callbacks(execute=True):
        post_restore(post=post, moderator=moderator)
    assert told() == {people["compiegne"]}


def test_a_post_hidden_by_moderation_before_its_announcement_ran_is_never_announced(
    people, agent, institution, compiegne, moderator, django_capture_on_commit_callbacks
):
    from ..moderation.helpers import hide

    # Published, but its announcement task never reached the broker (callbacks not run).
    with django_capture_on_commit_callbacks(execute=False):
        post = post_create(
            author=agent, data=data(organisation=institution, audience=[compiegne]), publish=True
        )
    Post.objects.filter(pk=post.pk).update(publish_at=timezone.now() - dt.timedelta(minutes=5))
    hide(post, moderator)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.activities_drain()
    assert tasks.activity_fan_out(announcement(post).pk) == 0
    assert not Notification.objects.filter(type_key=ANNOUNCED).exists()


def test_deploying_the_activity_outbox_keeps_every_pending_announcement_and_no_other(
    people, make_post, compiegne, django_capture_on_commit_callbacks
):
    """The data migration that replaced the periodic scan: a post published and not
    announced (live lately, or scheduled) gets its activity; an announced, old or
    unpublished one gets none — nothing told twice, nothing lost."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("parvis.news.migrations.0005_announcements_to_the_activity_outbox")
    now = timezone.now()
    pending = make_post(audience=[compiegne])
    scheduled = make_post(audience=[compiegne], publish_at=now + dt.timedelta(days=1))
    make_post(audience=[compiegne], announced_at=now - dt.timedelta(minutes=30))
    make_post(audience=[compiegne], publish_at=now - dt.timedelta(days=5))
    make_post(audience=[compiegne], status="unpublished")
    migration.record_pending_announcements(apps, None)
    migration.record_pending_announcements(apps, None)  # run twice: still one each
    assert sorted(Activity.objects.values_list("target_id", flat=True)) == sorted(
        [pending.pk, scheduled.pk]
    )
    assert announcement(scheduled).due_at == scheduled.publish_at
    with django_capture_on_commit_callbacks(execute=True):
        Activity.objects.update(due_at=now - dt.timedelta(minutes=5))
        tasks.activities_drain()
    assert told() == {people["compiegne"]}
    assert Notification.objects.filter(type_key=ANNOUNCED).get().target == pending

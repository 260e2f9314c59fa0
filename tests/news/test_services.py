"""The services of the targeted information: write, publish or schedule, change, unpublish,
restore, discard; follow and unfollow."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from parvis.news.models import Category, Follow, Post, PostStatus
from parvis.news.services import (
    follow_create,
    follow_delete,
    post_create,
    post_discard,
    post_publish,
    post_restore,
    post_unpublish,
    post_update,
)

from ..factories import OrganisationFactory, UserFactory


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


def in_hours(hours):
    return timezone.now() + dt.timedelta(hours=hours)


# --- writing ------------------------------------------------------------------------------------


def test_agent_publishes_for_the_town_hall_at_once(agent, institution, oise):
    post = post_create(
        author=agent,
        data=data(organisation=institution, audience=[oise["compiegne"], oise["epcis"][1]]),
        publish=True,
    )

    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert post.is_live()
    assert post.organisation == institution
    assert post.author == agent
    assert post.slug == "coupure-deau-programmee"
    assert set(post.audience.all()) == {oise["compiegne"], oise["epcis"][1]}
    assert abs(post.publish_at - timezone.now()) < dt.timedelta(seconds=5)


def test_official_publishes_in_their_own_name(official):
    post = post_create(author=official, data=data(), publish=True)

    assert post.organisation is None
    assert post.publisher_name == "Jean Moreau"
    assert post.is_live()


def test_draft_is_kept_without_a_date(agent, institution):
    post = post_create(author=agent, data=data(organisation=institution))

    assert post.status == PostStatus.DRAFT
    assert post.publish_at is None
    assert not post.is_live()


def test_publication_date_to_come_schedules_the_post(agent, institution):
    post = post_create(
        author=agent,
        data=data(organisation=institution, publish_at=in_hours(48), expires_at=in_hours(72)),
        publish=True,
    )

    assert post.status == PostStatus.PUBLISHED
    assert post.is_scheduled
    assert not post.is_live()
    assert post.is_live(now=in_hours(49))
    assert not post.is_live(now=in_hours(73))


def test_resident_cannot_publish(resident):
    with pytest.raises(PermissionDenied):
        post_create(author=resident, data=data(), publish=True)
    assert not Post.objects.exists()


def test_pending_official_cannot_publish_in_their_name(pending_official):
    with pytest.raises(PermissionDenied, match="verified"):
        post_create(author=pending_official, data=data(), publish=True)


def test_member_cannot_publish_for_an_organisation_they_do_not_run(agent, association):
    with pytest.raises(PermissionDenied, match="manager or editor"):
        post_create(author=agent, data=data(organisation=association), publish=True)
    assert not Post.objects.exists()


def test_nobody_publishes_for_an_organisation_not_verified(pending_association_manager):
    organisation = pending_association_manager.pending_organisation
    with pytest.raises(PermissionDenied):
        post_create(author=pending_association_manager, data=data(organisation=organisation))


def test_official_without_verified_email_cannot_publish(unverified_official):
    with pytest.raises(PermissionDenied, match="identified"):
        post_create(author=unverified_official, data=data(), publish=True)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "   "}, "title"),
        ({"body": ""}, "body"),
        ({"publish_at": timezone.now() - dt.timedelta(days=2)}, "publish_at"),
        ({"expires_at": timezone.now() - dt.timedelta(hours=1)}, "expires_at"),
        (
            {
                "publish_at": timezone.now() + dt.timedelta(days=3),
                "expires_at": timezone.now() + dt.timedelta(days=2),
            },
            "expires_at",
        ),
        ({"audience": [987654321]}, "audience"),
        ({"audience": ["abc"]}, "audience"),
    ],
)
def test_bad_data_is_refused_with_a_message_and_nothing_is_written(official, overrides, field):
    with pytest.raises(ValidationError) as raised:
        post_create(author=official, data=data(**overrides), publish=True)

    assert field in raised.value.message_dict
    assert not Post.objects.exists()


def test_inactive_category_is_refused(official):
    category = Category.objects.get(slug="culture-sport")
    category.is_active = False
    category.save()

    with pytest.raises(ValidationError) as raised:
        post_create(author=official, data=data(category=category))

    assert "category" in raised.value.message_dict


def test_too_wide_an_audience_is_refused(official, oise):
    with pytest.raises(ValidationError) as raised:
        post_create(author=official, data=data(audience=[oise["beauvais"].pk] * 101))
    assert "audience" in raised.value.message_dict


# --- changing, publishing, unpublishing -------------------------------------------------------


def test_team_changes_a_published_post_and_it_stays_published(agent, make_post, oise):
    post = make_post(title="Ancien titre")
    before = post.publish_at

    post = post_update(
        post=post, editor=agent, data={"title": "Nouveau titre", "audience": [oise["margny"]]}
    )

    post.refresh_from_db()
    assert post.title == "Nouveau titre"
    assert post.slug == "nouveau-titre"
    assert post.status == PostStatus.PUBLISHED
    assert post.publish_at == before
    assert list(post.audience.all()) == [oise["margny"]]


def test_stranger_cannot_change_a_post(resident, make_post):
    post = make_post(title="Intact")

    with pytest.raises(PermissionDenied):
        post_update(post=post, editor=resident, data={"title": "Piraté"})

    post.refresh_from_db()
    assert post.title == "Intact"


def test_moving_the_date_of_a_published_post_to_come_schedules_it_again(agent, make_post):
    post = make_post()

    post = post_update(post=post, editor=agent, data={"publish_at": in_hours(24)})

    assert post.is_scheduled
    assert not post.is_live()


def test_team_cannot_move_the_publisher_to_an_organisation_they_do_not_run(
    agent, make_post, association
):
    post = make_post(title="Intact")

    with pytest.raises(PermissionDenied):
        post_update(post=post, editor=agent, data={"organisation": association})

    post.refresh_from_db()
    assert post.organisation.slug == "mairie-de-compiegne"


def test_publishing_a_draft_makes_it_live(agent, make_post):
    draft = make_post(status=PostStatus.DRAFT, publish_at=None)

    post = post_publish(post=draft, actor=agent)

    assert post.status == PostStatus.PUBLISHED
    assert post.is_live()


def test_publishing_twice_is_refused(agent, make_post):
    with pytest.raises(ValidationError, match="already"):
        post_publish(post=make_post(), actor=agent)


def test_team_unpublishes_and_publishes_again_without_e_mail(agent, make_post):
    post = make_post()

    post_unpublish(post=post, actor=agent)
    post.refresh_from_db()
    assert post.status == PostStatus.UNPUBLISHED
    assert post.unpublished_by == agent
    assert not post.is_moderated

    post_publish(post=post, actor=agent)
    post.refresh_from_db()
    assert post.is_live()
    assert post.unpublished_by is None
    assert mail.outbox == []


def test_moderator_unpublishes_with_a_reason_sent_to_the_author(
    moderator, agent, make_post, django_capture_on_commit_callbacks
):
    post = make_post(title="Rumeur infondée")

    with django_capture_on_commit_callbacks(execute=True):
        post_unpublish(post=post, actor=moderator, reason="Information fausse et non sourcée.")

    post.refresh_from_db()
    assert post.status == PostStatus.UNPUBLISHED
    assert post.is_moderated
    assert post.moderation_reason == "Information fausse et non sourcée."
    (message,) = mail.outbox
    assert message.to == [agent.email]
    assert "Rumeur infondée" in message.subject
    assert "Information fausse et non sourcée." in message.body


def test_moderator_must_give_a_reason(moderator, make_post):
    post = make_post()

    with pytest.raises(ValidationError) as raised:
        post_unpublish(post=post, actor=moderator, reason="  ")

    assert "reason" in raised.value.message_dict
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED


def test_stranger_cannot_unpublish(resident, make_post):
    post = make_post()
    with pytest.raises(PermissionDenied):
        post_unpublish(post=post, actor=resident, reason="Je n'aime pas.")
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED


def test_team_cannot_publish_again_what_a_moderator_unpublished(agent, moderator, make_post):
    post = make_post()
    post_unpublish(post=post, actor=moderator, reason="Propos diffamatoires.")

    with pytest.raises(PermissionDenied, match="moderator"):
        post_publish(post=post, actor=agent)


def test_moderator_restores_a_post_and_the_author_is_told(
    agent, moderator, make_post, django_capture_on_commit_callbacks
):
    post = make_post()
    post_unpublish(post=post, actor=moderator, reason="Erreur de signalement ?")

    with django_capture_on_commit_callbacks(execute=True):
        post_restore(post=post, moderator=moderator)

    post.refresh_from_db()
    assert post.is_live()
    assert post.moderation_reason == ""
    assert mail.outbox[-1].to == [agent.email]


def test_team_discards_a_draft_but_not_a_published_post(agent, make_post):
    draft = make_post(status=PostStatus.DRAFT, publish_at=None)
    published = make_post()

    post_discard(post=draft, actor=agent)
    with pytest.raises(ValidationError):
        post_discard(post=published, actor=agent)

    assert list(Post.objects.all()) == [published]


# --- follows ------------------------------------------------------------------------------------


def test_follow_is_idempotent(resident, compiegne):
    first = follow_create(user=resident, target=compiegne)
    again = follow_create(user=resident, target=compiegne)

    assert first.pk == again.pk
    assert Follow.objects.filter(user=resident).count() == 1


def test_only_verified_organisations_and_members_who_allow_it_can_be_followed(
    resident, pending_association_manager, pending_official, official, institution
):
    with pytest.raises(ValidationError):
        follow_create(user=resident, target=pending_association_manager.pending_organisation)
    pending_official.allow_follows = False
    pending_official.save(update_fields=["allow_follows"])
    with pytest.raises(ValidationError):
        follow_create(user=resident, target=pending_official)  # no verified mandate, no consent
    official.allow_follows = False
    official.save(update_fields=["allow_follows"])
    follow_create(user=resident, target=official)  # a verified official can always be followed
    follow_create(user=resident, target=institution)
    follow_create(user=resident, target=UserFactory(email="quelconque@example.org"))

    assert Follow.objects.filter(user=resident).count() == 3


def test_official_cannot_follow_themself(official):
    with pytest.raises(ValidationError):
        follow_create(user=official, target=official)


def test_follow_delete_says_whether_something_was_removed(resident, compiegne, oise):
    follow_create(user=resident, target=compiegne)

    assert follow_delete(user=resident, target=compiegne) is True
    assert follow_delete(user=resident, target=compiegne) is False
    assert follow_delete(user=resident, target="nothing") is False


def test_database_refuses_a_follow_of_two_things_at_once(resident, compiegne, oise):
    from django.db import IntegrityError, transaction

    organisation = OrganisationFactory(commune=oise["beauvais"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=resident, territory=compiegne, organisation=organisation)

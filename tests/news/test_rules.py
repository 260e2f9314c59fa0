"""Every role against every permission of the targeted information.

Roles: the visitor, a resident, a verified official, an official whose mandate is pending, an
official whose e-mail address is not verified, an institution's agent (editor), a verified
association's manager and editor, the manager of an association not verified yet, and a
moderator.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from parvis.news.models import PostStatus

ROLES = [
    "visitor",
    "resident",
    "official",
    "pending_official",
    "unverified_official",
    "agent",
    "association_manager",
    "association_editor",
    "pending_association_manager",
    "moderator",
]


@pytest.fixture
def role(request):
    def get(name):
        if name == "visitor":
            return AnonymousUser()
        return request.getfixturevalue(name)

    return get


# --- who may publish at all, and for whom -----------------------------------------------------

MAY_PUBLISH = {"official", "agent", "association_manager", "association_editor"}


@pytest.mark.parametrize("name", ROLES)
def test_who_may_publish_information(role, name):
    assert role(name).has_perm("news.write_post") is (name in MAY_PUBLISH)


@pytest.mark.parametrize("name", ROLES)
def test_who_may_publish_in_their_own_name(role, name):
    user = role(name)
    assert user.has_perm("news.publish_for", user) is (name == "official")


@pytest.mark.parametrize("name", ROLES)
def test_who_may_publish_for_the_town_hall(role, name, institution):
    assert role(name).has_perm("news.publish_for", institution) is (name == "agent")


@pytest.mark.parametrize("name", ROLES)
def test_who_may_publish_for_the_verified_association(role, name, association):
    assert role(name).has_perm("news.publish_for", association) is (
        name in {"association_manager", "association_editor"}
    )


@pytest.mark.parametrize("name", ROLES)
def test_nobody_publishes_for_an_association_not_verified(role, name, pending_association_manager):
    organisation = pending_association_manager.pending_organisation
    assert role(name).has_perm("news.publish_for", organisation) is False


def test_nobody_publishes_in_someone_elses_name(official, agent, moderator):
    assert not agent.has_perm("news.publish_for", official)
    assert not moderator.has_perm("news.publish_for", official)


# --- what one may do with a post --------------------------------------------------------------


@pytest.fixture
def town_hall_posts(make_post):
    return {
        status: make_post(title=f"Post {status}", status=status, publish_at=None)
        if status == PostStatus.DRAFT
        else make_post(title=f"Post {status}", status=status)
        for status in PostStatus.values
    }


@pytest.fixture
def official_posts(make_post, official):
    return {
        status: make_post(
            title=f"Mot du maire {status}",
            author=official,
            organisation=None,
            status=status,
            **({"publish_at": None} if status == PostStatus.DRAFT else {}),
        )
        for status in PostStatus.values
    }


#: (permission, status of the post) → roles allowed on the town hall's post.
TOWN_HALL_EXPECTED = {
    ("news.edit_post", "draft"): {"agent"},
    ("news.edit_post", "published"): {"agent"},
    ("news.edit_post", "unpublished"): {"agent"},
    ("news.publish_post", "draft"): {"agent"},
    ("news.publish_post", "published"): set(),
    ("news.publish_post", "unpublished"): {"agent"},
    ("news.unpublish_post", "draft"): set(),
    ("news.unpublish_post", "published"): {"agent", "moderator"},
    ("news.unpublish_post", "unpublished"): set(),
    ("news.discard_post", "draft"): {"agent"},
    ("news.discard_post", "published"): set(),
    ("news.discard_post", "unpublished"): set(),
}


@pytest.mark.parametrize(("permission", "status"), sorted(TOWN_HALL_EXPECTED))
@pytest.mark.parametrize("name", ROLES)
def test_who_may_act_on_the_town_halls_post(role, name, permission, status, town_hall_posts):
    post = town_hall_posts[status]
    assert role(name).has_perm(permission, post) is (name in TOWN_HALL_EXPECTED[permission, status])


OFFICIAL_EXPECTED = {
    ("news.edit_post", "draft"): {"official"},
    ("news.edit_post", "published"): {"official"},
    ("news.publish_post", "draft"): {"official"},
    ("news.unpublish_post", "published"): {"official", "moderator"},
    ("news.discard_post", "draft"): {"official"},
}


@pytest.mark.parametrize(("permission", "status"), sorted(OFFICIAL_EXPECTED))
@pytest.mark.parametrize("name", ROLES)
def test_who_may_act_on_an_officials_post(role, name, permission, status, official_posts):
    post = official_posts[status]
    assert role(name).has_perm(permission, post) is (name in OFFICIAL_EXPECTED[permission, status])


def test_association_manager_and_editor_both_run_the_associations_posts(
    association_manager, association_editor, association, make_post, resident
):
    post = make_post(author=association_editor, organisation=association)
    for user in (association_manager, association_editor):
        assert user.has_perm("news.edit_post", post)
        assert user.has_perm("news.unpublish_post", post)
    assert not resident.has_perm("news.edit_post", post)


def test_member_who_left_the_organisation_no_longer_runs_its_posts(agent, make_post):
    post = make_post()
    agent.organisation_memberships.all().delete()
    post.organisation.__dict__.pop("_parvis_roles", None)

    assert not agent.has_perm("news.edit_post", post)
    assert not agent.has_perm("news.unpublish_post", post)


def test_official_who_lost_their_mandate_may_unpublish_but_not_change_their_post(
    official, official_posts
):
    official.mandates.update(status="rejected")
    published = official_posts[PostStatus.PUBLISHED]

    assert official.has_perm("news.unpublish_post", published)
    assert not official.has_perm("news.edit_post", published)
    assert not official.has_perm("news.publish_post", official_posts[PostStatus.UNPUBLISHED])


def test_post_unpublished_by_a_moderator_is_not_published_again_by_its_team(agent, make_post):
    post = make_post(status=PostStatus.UNPUBLISHED, moderation_reason="Propos injurieux.")

    assert agent.has_perm("news.edit_post", post)
    assert not agent.has_perm("news.publish_post", post)


@pytest.mark.parametrize("name", ROLES)
def test_who_may_follow(role, name):
    assert role(name).has_perm("news.follow") is (name != "visitor")

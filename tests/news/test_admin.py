"""Posts in the moderators' admin: filters, unpublish with a reason, publish again."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from parvis.news.models import PostStatus

POSTS = "/admin/news/post/"


def test_moderators_group_has_the_news_permissions(db):
    codenames = set(
        Group.objects.get(name="Modérateurs")
        .permissions.filter(content_type__app_label="news")
        .values_list("codename", flat=True)
    )
    assert {"view_post", "change_post", "view_category", "view_follow"} <= codenames


def test_moderator_unpublishes_with_a_reason_e_mailed_to_the_author(
    login, moderator, agent, make_post, django_capture_on_commit_callbacks
):
    post = make_post(title="Information douteuse")
    client = login(moderator)

    asked = client.post(POSTS, {"action": "unpublish_posts", "_selected_action": [post.pk]})
    assert 'name="reason"' in asked.content.decode()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            POSTS,
            {
                "action": "unpublish_posts",
                "_selected_action": [post.pk],
                "apply": "1",
                "reason": "Contenu publicitaire sans rapport avec la commune.",
            },
        )

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == PostStatus.UNPUBLISHED
    assert post.moderation_reason == "Contenu publicitaire sans rapport avec la commune."
    assert post.unpublished_by == moderator
    (message,) = mail.outbox
    assert message.to == [agent.email]
    assert "Contenu publicitaire" in message.body


def test_unpublish_with_an_empty_reason_changes_nothing(login, moderator, make_post):
    post = make_post()

    response = login(moderator).post(
        POSTS,
        {"action": "unpublish_posts", "_selected_action": [post.pk], "apply": "1", "reason": ""},
    )

    assert "Give the reason" in response.content.decode()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert mail.outbox == []


def test_moderator_publishes_again_a_post_a_moderator_unpublished(
    login, moderator, make_post, django_capture_on_commit_callbacks
):
    post = make_post(status=PostStatus.UNPUBLISHED, moderation_reason="Erreur.")

    with django_capture_on_commit_callbacks(execute=True):
        login(moderator).post(POSTS, {"action": "restore_posts", "_selected_action": [post.pk]})

    post.refresh_from_db()
    assert post.is_live()
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"status__exact": "draft"}, "Brouillon", "En ligne"),
        ({"visibility": "live"}, "En ligne", "Programmé"),
        ({"visibility": "scheduled"}, "Programmé", "En ligne"),
        ({"visibility": "expired"}, "Terminé", "En ligne"),
        ({"publisher": "official"}, "Mot du maire", "En ligne"),
        ({"publisher": "institution"}, "En ligne", "Mot du maire"),
        ({"target": "all"}, "En ligne", "Pour ARC"),
        ({"target": "{arc}"}, "Pour ARC", "En ligne"),
        ({"q": "ARC"}, "Pour ARC", "En ligne"),
    ],
)
def test_post_list_filters(login, moderator, make_post, official, oise, query, shown, hidden):
    now = timezone.now()
    make_post(title="En ligne")
    make_post(title="Brouillon", status=PostStatus.DRAFT, publish_at=None)
    make_post(title="Programmé", publish_at=now + dt.timedelta(days=2))
    make_post(
        title="Terminé", publish_at=now - dt.timedelta(days=3), expires_at=now - dt.timedelta(1)
    )
    make_post(title="Mot du maire", author=official, organisation=None)
    make_post(title="Pour ARC", audience=[oise["epcis"][1]])
    query = {key: value.format(arc=oise["epcis"][1].pk) for key, value in query.items()}

    response = login(moderator).get(POSTS, query)

    content = response.content.decode()
    assert response.status_code == 200
    assert shown in content
    assert f">{hidden}<" not in content


def test_bad_filter_values_show_an_empty_list(login, moderator, make_post):
    make_post(title="En ligne")
    response = login(moderator).get(POSTS, {"target": "abc"})
    assert response.status_code == 200
    assert ">En ligne<" not in response.content.decode()


def test_post_change_page_and_list_open(login, moderator, make_post, django_assert_max_num_queries):
    for number in range(20):
        make_post(title=f"Post {number}")
    client = login(moderator)
    with django_assert_max_num_queries(25):
        assert client.get(POSTS).status_code == 200
    post = make_post(title="À lire")
    assert client.get(f"{POSTS}{post.pk}/change/").status_code == 200


def test_member_cannot_open_the_posts_admin(login, agent):
    assert login(agent).get(POSTS).status_code == 302

"""Following members, groups and discussions (besides territories, organisations and
officials): the one "Follow" control, "My subscriptions" and the home page's block."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from parvis.comments import services as comments
from parvis.groups.models import Message, Visibility
from parvis.groups.services import message_post, thread_create
from parvis.news.models import Follow
from parvis.news.services import follow_create, follow_delete
from tests.groups.conftest import create_group

pytestmark = pytest.mark.django_db


def follow_form(client, kind, pk, action="news:follow"):
    return client.post(reverse(action), {"kind": kind, "id": pk, "next": "/"}, follow=True)


def test_follow_and_unfollow_a_member_group_and_thread_without_javascript(
    thread, seasoned, association_manager, login
):
    resident, other = seasoned
    client = login(association_manager)
    follow_form(client, "membre", resident.pk)
    follow_form(client, "groupe", thread.group.pk)
    follow_form(client, "discussion", thread.pk)
    assert Follow.objects.filter(user=association_manager).count() == 3

    html = client.get(reverse("news:follows")).content.decode()
    assert "My subscriptions" in html
    for name in ("Camille Martin", "Vélo à Beauvais", "Pistes cyclables"):
        assert name in html
    assert html.count("Unfollow") == 3  # one click each

    follow_form(client, "groupe", thread.group.pk, action="news:unfollow")
    assert not Follow.objects.filter(user=association_manager, group=thread.group).exists()


def test_the_follow_control_on_profile_group_and_thread_pages(thread, seasoned, login):
    resident, other = seasoned
    client = login(other)
    profile = client.get(resident.get_absolute_url()).content.decode()
    assert 'name="kind" value="membre"' in profile and ">Follow<" in profile
    group_page = client.get(thread.group.get_absolute_url()).content.decode()
    assert 'name="kind" value="groupe"' in group_page
    thread_page = client.get(thread.get_absolute_url()).content.decode()
    assert 'name="kind" value="discussion"' in thread_page
    # Nobody follows themselves: no control on one's own profile.
    assert 'value="membre"' not in login(resident).get(resident.get_absolute_url()).content.decode()


def test_a_member_who_does_not_allow_follows_has_no_control_and_is_refused(seasoned, login):
    resident, other = seasoned
    resident.allow_follows = False
    resident.save(update_fields=["allow_follows"])
    assert 'value="membre"' not in login(other).get(resident.get_absolute_url()).content.decode()
    with pytest.raises(ValidationError, match="does not wish"):
        follow_create(user=other, target=resident)


def test_profile_setting_who_can_follow_me(seasoned, login):
    resident, _other = seasoned
    client = login(resident)
    page = client.get(reverse("accounts:profile_edit")).content.decode()
    assert (
        'name="allow_follows"' in page and "checked" in page.split('name="allow_follows"')[1][:80]
    )


def test_a_private_discussion_cannot_be_followed_by_an_outsider(resident, other_resident):
    group = create_group(resident, name="Bureau", visibility=Visibility.PRIVATE)
    secret = thread_create(group=group, author=resident, title="Budget", body="Chiffres")
    with pytest.raises(ValidationError):
        follow_create(user=other_resident, target=secret)
    assert follow_delete(user=other_resident, target=secret) is False


def test_home_shows_the_activity_of_what_you_follow(
    thread, event, seasoned, association_manager, login
):
    resident, other = seasoned
    follow_create(user=association_manager, target=resident)
    message_post(thread=thread, author=resident, body="Je propose un parcours le long du Thérain.")
    comments.comment_post(item=event, author=resident, body="Je viendrai en vélo.")
    other_thread = thread_create(
        group=thread.group, author=other, title="Ateliers", body="Réparation samedi."
    )  # by someone they do not follow, in a group they do not follow
    html = login(association_manager).get("/").content.decode()
    assert "Your feed" in html
    assert "Je propose un parcours le long du Thérain." in html
    assert "Je viendrai en vélo." in html
    assert "Réparation samedi." not in html
    follow_create(user=association_manager, target=other_thread)
    assert "Réparation samedi." in login(association_manager).get("/").content.decode()


def test_private_group_activity_stays_private(resident, other_resident, seasoned, login):
    group = create_group(resident, name="Bureau", visibility=Visibility.PRIVATE)
    thread_create(group=group, author=resident, title="Budget", body="Chiffres confidentiels")
    follow_create(user=other_resident, target=resident)
    assert "Chiffres confidentiels" not in login(other_resident).get("/").content.decode()


#: A member's home (tests/core/test_feed.py) when they follow members: their comments too; and,
#: its blocks stored after a write to the information or the consultations, the next post and
#: consultation due by themselves (``pagecache.schedule``, read once): 2 more.
FOLLOWER_HOME_QUERIES = 19 + 2


@pytest.mark.parametrize("volume", [1, 30])
def test_home_query_count_with_follows_is_constant(
    thread, event, seasoned, association_manager, login, volume, django_assert_max_num_queries
):
    """The member home's budget with their feed (tests/core/test_feed.py) when they follow
    members, groups and discussions, whatever the volume."""
    resident, other = seasoned
    for target in (resident, other, thread.group, thread):
        follow_create(user=association_manager, target=target)
    first = thread.message_count + 1
    Message.objects.bulk_create(
        Message(
            thread=thread,
            position=first + number,
            author=resident,
            body=f"Message {number}",
            body_html=f"<p>Message {number}</p>",
        )
        for number in range(volume)
    )
    client = login(association_manager)
    client.get("/compte/profil/")  # the session's bookkeeping, once
    with django_assert_max_num_queries(FOLLOWER_HOME_QUERIES):
        response = client.get("/")
    html = response.content.decode()
    assert f"Message {volume - 1}" in html  # the newest

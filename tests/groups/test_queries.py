"""The groups' pages run a number of SQL queries that does not depend on how many groups,
discussions, messages or members there are (nor on how many are shown)."""

import pytest
from django.utils import timezone

from parvis.core.richtext import render_markdown
from parvis.groups.models import Group, Membership, Message, Thread

from ..factories import UserFactory
from .conftest import add_member, create_group

pytestmark = pytest.mark.django_db

#: Queries of each page for a visitor (measured, plus one for slack). A member's request adds
#: the session and the user (2), the usersessions middleware's bookkeeping (5, with its
#: savepoints), the notification centre's counter, their verified e-mail and membership, and
#: on a discussion their reading position (read, then update or insert).
VISITOR = {"list": 5, "group": 6, "thread": 4, "members": 4, "search": 4}
MEMBER = {"list": 15, "group": 16, "thread": 19, "members": 14, "search": 12}


def add_threads(group, author, count, *, messages=1, offset=0):
    """``count`` discussions of ``messages`` messages each, written in bulk."""
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        Thread(
            group=group,
            title=f"Discussion numéro {offset + i}",
            author=author,
            last_activity_at=now,
            message_count=messages,
        )
        for i in range(count)
    )
    rows = []
    for thread in threads:
        for position in range(1, messages + 1):
            body = f"Message {position} sur les graines de **tomates** et @camille-martin"
            rows.append(
                Message(
                    thread=thread,
                    position=position,
                    author=author,
                    body=body,
                    body_html=render_markdown(body),
                    quoted=None,
                )
            )
    Message.objects.bulk_create(rows)
    for thread in threads:
        thread.last_message = Message.objects.filter(thread=thread).order_by("-position").first()
        thread.save(update_fields=["last_message"])
    Group.objects.filter(pk=group.pk).update(thread_count=group.threads.count())
    return threads


def add_groups(owner, count, offset=0):
    for i in range(count):
        group = Group.objects.create(
            name=f"Groupe numéro {offset + i}",
            slug=f"groupe-numero-{offset + i}",
            theme="sport",
            description="Un groupe de démonstration.",
            created_by=owner,
            member_count=1,
        )
        Membership.objects.create(group=group, user=owner, role="owner")


def add_members(group, count, commune):
    for _ in range(count):
        add_member(group, UserFactory(commune=commune))


@pytest.fixture
def member_client(member, public_group):
    from django.test import Client

    client = Client()
    client.force_login(member)
    client.get("/groupes/")  # the first request of a session records it (usersessions)
    return client


def pages(group, thread):
    return {
        "list": "/groupes/?q=groupe&theme=sport",
        "group": f"/groupes/{group.slug}/",
        "thread": f"/groupes/{group.slug}/discussions/{thread.pk}/?page=2",
        "members": f"/groupes/{group.slug}/membres/",
        "search": "/groupes/recherche/?q=tomates",
    }


@pytest.mark.parametrize("page", list(VISITOR))
def test_pages_run_a_fixed_number_of_queries(
    client, member_client, public_group, owner, beauvais, page, django_assert_max_num_queries
):
    (thread,) = add_threads(public_group, owner, 1, messages=35)
    add_groups(owner, 2, offset=100)
    url = pages(public_group, thread)[page]
    with django_assert_max_num_queries(VISITOR[page]):
        few = client.get(url)
    with django_assert_max_num_queries(MEMBER[page]):
        member_client.get(url)

    add_groups(owner, 30)
    add_threads(public_group, owner, 40, messages=2, offset=1)
    Message.objects.filter(thread=thread).delete()
    add_threads_messages(thread, owner, 65)
    add_members(public_group, 30, beauvais)

    with django_assert_max_num_queries(VISITOR[page]):
        many = client.get(url)
    with django_assert_max_num_queries(MEMBER[page]):
        response = member_client.get(url)
    assert few.status_code == many.status_code == response.status_code == 200


def add_threads_messages(thread, author, count):
    first = Message.objects.filter(thread=thread).count()
    rows = []
    for position in range(first + 1, first + count + 1):
        body = f"Réponse {position} sur les **tomates**"
        rows.append(
            Message(
                thread=thread,
                position=position,
                author=author,
                body=body,
                body_html=render_markdown(body),
            )
        )
    created = Message.objects.bulk_create(rows)
    # Quotes of earlier messages (each one's quoted message and author come with it).
    for message in created[1::3]:
        message.quoted = created[0]
        message.save(update_fields=["quoted"])
    Thread.objects.filter(pk=thread.pk).update(message_count=first + count)


def test_the_thread_page_shows_30_messages(client, public_group, owner):
    (thread,) = add_threads(public_group, owner, 1, messages=65)
    body = client.get(
        f"/groupes/{public_group.slug}/discussions/{thread.pk}/?page=2"
    ).content.decode()
    assert "Message 31 " in body and "Message 60 " in body
    assert "Message 30 " not in body and "Message 61 " not in body
    assert "Page 2 of 3" in body


def test_directory_groups_tab_runs_a_fixed_number_of_queries(
    client, owner, django_assert_max_num_queries
):
    create_group(owner)
    with django_assert_max_num_queries(5):
        client.get("/annuaire/?type=groups&theme=environment")
    add_groups(owner, 30)
    with django_assert_max_num_queries(5):
        response = client.get("/annuaire/?type=groups")
    assert response.status_code == 200

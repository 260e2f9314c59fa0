"""Comments and reactions in the browser's terms: the item pages, the forms (without
JavaScript), the "who reacted" page, bad input, the page cache and the query budgets."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parvis.comments import services
from parvis.comments.models import COMMENTS_PER_PAGE, Comment, Reaction
from parvis.groups.models import Message

pytestmark = pytest.mark.django_db


def create_url(item):
    return reverse("comments:create", kwargs={"target": f"agenda.event:{item.pk}"})


def react_url(key):
    return reverse("comments:react", kwargs={"target": key})


def visitor_queries(url):
    """How many queries a visitor's request costs (0: served from the page cache)."""
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_visitor_sees_comments_and_a_login_link(event, seasoned, visitor):
    services.comment_post(item=event, author=seasoned[0], body="Très **bien**")
    html = visitor.get(event.get_absolute_url()).content.decode()
    assert "Très <strong>bien</strong>" in html
    assert "Log in to comment" in html
    assert 'name="body"' not in html


def test_member_comments_then_replies_without_javascript(event, seasoned, login):
    resident, other = seasoned
    client = login(resident)
    response = client.post(create_url(event), {"body": "Qui vient en vélo ?"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{event.get_absolute_url()}#commentaire-{comment.pk}"

    client = login(other)
    client.post(create_url(event), {"body": "Moi !", "parent": comment.pk})
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Qui vient en vélo ?" in html and "Moi !" in html
    assert Comment.objects.get(body="Moi !").parent_id == comment.pk


@pytest.mark.parametrize("body", ["", "x" * 3001])
def test_bad_comment_shows_a_message_and_keeps_nothing(event, seasoned, login, body):
    client = login(seasoned[0])
    response = client.post(create_url(event), {"body": body})
    assert response.status_code == 200
    assert "nothing was published" in response.content.decode()
    assert not Comment.objects.exists()


def test_unknown_target_answers_404(seasoned, login):
    client = login(seasoned[0])
    for target in ("agenda.event:999999", "accounts.user:1", "rien", "agenda.event:-1"):
        assert (
            client.post(reverse("comments:create", args=[target]), {"body": "x"}).status_code == 404
        )
        assert client.get(reverse("comments:reactions", args=[target])).status_code == 404


def test_visitor_posting_is_sent_to_login(event, visitor):
    response = visitor.post(create_url(event), {"body": "Bonjour"})
    assert response.status_code == 302 and "/compte/" in response["Location"]
    assert not Comment.objects.exists()


def test_react_changes_and_takes_back(event, seasoned, login):
    client = login(seasoned[0])
    key = f"agenda.event:{event.pk}"
    client.post(react_url(key), {"kind": "like"})
    client.post(react_url(key), {"kind": "bravo"})
    assert Reaction.objects.get().kind == "bravo"
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'value="bravo" class="reaction is-mine" aria-pressed="true"' in html
    # The same button again takes the reaction back.
    client.post(react_url(key), {"kind": "bravo", "current": "bravo"})
    assert not Reaction.objects.exists()


def test_bad_reaction_says_why_and_changes_nothing(event, seasoned, login):
    client = login(seasoned[0])
    response = client.post(react_url(f"agenda.event:{event.pk}"), {"kind": "boo"}, follow=True)
    assert "Choose one of the reactions offered." in response.content.decode()
    assert not Reaction.objects.exists()


def test_who_reacted_page(event, seasoned, visitor):
    resident, other = seasoned
    services.reaction_set(item=event, user=resident, kind="like")
    services.reaction_set(item=event, user=other, kind="thanks")
    html = visitor.get(reverse("comments:reactions", args=[f"agenda.event:{event.pk}"])).content
    html = html.decode()
    assert "Camille Martin" in html and "Hugo Lefebvre" in html
    assert "Like (1)" in html and "Thanks (1)" in html


def test_reactions_on_group_messages_in_the_thread_page(thread, seasoned, login):
    resident, other = seasoned
    message = Message.objects.get(thread=thread, author=other)
    client = login(resident)
    client.post(react_url(f"groups.message:{message.pk}"), {"kind": "useful"})
    html = client.get(thread.get_absolute_url()).content.decode()
    assert 'value="useful" class="reaction is-mine" aria-pressed="true"' in html


def test_a_comment_retires_its_item_page_only(event, post, seasoned):
    event_url, post_url = event.get_absolute_url(), post.get_absolute_url()
    visitor_queries(event_url), visitor_queries(post_url)
    assert visitor_queries(event_url)[0] == 0 and visitor_queries(post_url)[0] == 0

    services.comment_post(item=event, author=seasoned[0], body="Nouveau commentaire")

    count, html = visitor_queries(event_url)
    assert count > 0 and "Nouveau commentaire" in html
    assert visitor_queries(post_url)[0] == 0


def test_a_reaction_retires_the_page_that_shows_its_count(event, post, thread, seasoned):
    resident, other = seasoned
    message = Message.objects.get(thread=thread, author=other)
    urls = [event.get_absolute_url(), post.get_absolute_url(), thread.get_absolute_url()]
    for url in urls:
        visitor_queries(url)
    services.reaction_set(item=message, user=resident, kind="like")
    assert visitor_queries(thread.get_absolute_url())[0] > 0
    assert visitor_queries(event.get_absolute_url())[0] == 0
    assert visitor_queries(post.get_absolute_url())[0] == 0
    # Taking it back (a delete) retires the discussion again.
    visitor_queries(thread.get_absolute_url())
    services.reaction_remove(item=message, user=resident)
    count, html = visitor_queries(thread.get_absolute_url())
    assert count > 0


def test_comments_paginate(event, seasoned, settings):
    from parvis.comments.models import COMMENTS_PER_PAGE

    resident, _other = seasoned
    Comment.objects.bulk_create(
        Comment(
            target=f"agenda.event:{event.pk}",
            author=resident,
            body=f"n°{i}",
            body_html=f"<p>n°{i}</p>",
        )
        for i in range(COMMENTS_PER_PAGE + 3)
    )
    html = Client().get(event.get_absolute_url()).content.decode()
    assert "<p>n°0</p>" in html and f"<p>n°{COMMENTS_PER_PAGE}</p>" not in html
    html = Client().get(event.get_absolute_url() + "?commentaires=2").content.decode()
    assert f"<p>n°{COMMENTS_PER_PAGE}</p>" in html and "<p>n°0</p>" not in html


def _fill(event, authors, count):
    comments = Comment.objects.bulk_create(
        Comment(target=f"agenda.event:{event.pk}", author=authors[i % 2], body="t", body_html="t")
        for i in range(count)
    )
    Comment.objects.bulk_create(
        Comment(target=c.target, parent=c, author=authors[1], body="r", body_html="r")
        for c in comments
    )
    Reaction.objects.bulk_create(
        Reaction(target=f"comments.comment:{c.pk}", page=c.target, user=authors[1], kind="like")
        for c in comments
        if c.author_id != authors[1].pk
    )


@pytest.mark.parametrize("count", [2, 40])
def test_pages_query_counts_do_not_grow_with_comments_and_reactions(
    event, post, thread, seasoned, login, count, django_assert_max_num_queries
):
    """Measured: 12 for an event (its dates, organiser, comments: count, page, replies;
    reactions: counts and the member's own), 11 when its comments fit on one page (not
    counted), 9 for a post, 10 for a discussion — the same with 2 or 40 comments, each with a
    reply and a reaction."""
    _fill(event, seasoned, count)
    client = login(seasoned[0])
    for url, budget in (
        (event.get_absolute_url(), 12 if count > COMMENTS_PER_PAGE else 11),
        (post.get_absolute_url(), 9),
        (thread.get_absolute_url(), 10),
    ):
        client.get(url)  # the session's bookkeeping, once
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200

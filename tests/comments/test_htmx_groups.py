"""Replying and joining in place with htmx (core/htmx.py): the same POST answers a redirect
without the ``HX-Request`` header and the block to swap with it; nothing is written twice."""

import re

import pytest
from django.urls import reverse

from parvis.groups.models import Membership, Message, Visibility

from ..factories import UserFactory
from ..groups.conftest import create_group

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _token(html):
    return re.search(r'name="form_token" value="([^"]+)"', html).group(1)


def test_a_reply_in_place_appends_the_message_and_renders_a_new_token(
    thread, seasoned, login, django_assert_max_num_queries
):
    resident, _other = seasoned
    client = login(resident)
    url = reverse("groups:reply", kwargs={"slug": thread.group.slug, "pk": thread.pk})
    page = client.get(thread.get_absolute_url()).content.decode()
    assert f'hx-post="{url}"' in page and 'id="message-list"' in page
    token = _token(page)

    with django_assert_max_num_queries(40):
        swapped = client.post(
            url, {"body": "Et rue Gambetta.", "page": "1", "form_token": token}, **HTMX
        )
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith('<form method="post"') and 'id="reply-form"' in html
    assert "Et rue Gambetta." in html and 'hx-swap-oob="beforeend:#message-list"' in html
    assert '<textarea name="body"' in html and "Et rue Gambetta.</textarea>" not in html
    assert _token(html) != token  # the next reply is a new form
    assert "Your reply is posted." in html and 'id="live-status"' in html
    assert "no-cache" in swapped["Cache-Control"] and "X-Parvis-Created" not in swapped
    # The same token again (a double click): nothing is written twice, htmx loads the page.
    again = client.post(url, {"body": "Et rue Gambetta.", "page": "1", "form_token": token}, **HTMX)
    assert again.status_code == 204 and again["HX-Redirect"].startswith(thread.get_absolute_url())
    assert Message.objects.filter(thread=thread, body="Et rue Gambetta.").count() == 1

    # Without JavaScript: the redirect to the message, as before.
    plain = client.post(url, {"body": "Sans JavaScript.", "form_token": _token(html)})
    assert plain.status_code == 302 and "#" in plain["Location"]


def test_a_refused_reply_comes_back_in_the_fragment_with_the_error_focused(
    thread, resident, login, settings
):
    client = login(resident)  # a new account: the daily allowance applies
    url = reverse("groups:reply", kwargs={"slug": thread.group.slug, "pk": thread.pk})
    empty = client.post(url, {"body": "  ", "page": "1"}, **HTMX).content.decode()
    assert 'role="alert"' in empty and "autofocus" in empty
    assert "Please correct the errors below: nothing was posted." in empty
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 0
    refused = client.post(url, {"body": "Bonjour", "page": "1"}, **HTMX).content.decode()
    assert "Daily limit reached: nothing was published." in refused
    assert "<main" not in refused and "beforeend" not in refused
    assert not Message.objects.filter(body="Bonjour").exists()


def test_joining_in_place_answers_the_actions_and_the_member_count(
    thread, seasoned, login, django_assert_max_num_queries
):
    group = thread.group  # public and open; the resident runs it, the other is a member
    newcomer = UserFactory(commune=seasoned[0].commune)
    client = login(newcomer)
    url = reverse("groups:join", kwargs={"slug": group.slug})
    page = client.get(group.get_absolute_url()).content.decode()
    assert f'hx-post="{url}" hx-target="#group-actions"' in page and "2 members" in page

    with django_assert_max_num_queries(30):
        swapped = client.post(url, **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200 and "<main" not in html
    assert html.startswith('<div class="group-actions" id="group-actions" tabindex="-1" autofocus>')
    assert "Start a discussion" in html and "Join the group" not in html
    assert 'id="group-header" hx-swap-oob="true"' in html and "3 members" in html
    assert "Welcome to the group!" in html and "no-cache" in swapped["Cache-Control"]
    # Sent again: refused in the block, nothing written twice.
    again = client.post(url, **HTMX).content.decode()
    assert 'role="alert">You are already a member of this group.' in again
    assert Membership.objects.filter(group=group, user=newcomer).count() == 1
    # Without JavaScript: the redirect to the group's page with the message.
    plain = client.post(url)
    assert plain.status_code == 302 and plain["Location"] == group.get_absolute_url()


def test_joining_a_private_open_group_in_place_reloads_the_page(resident, other_resident, login):
    group = create_group(resident, name="Atelier", visibility=Visibility.PRIVATE)
    client = login(other_resident)
    swapped = client.post(reverse("groups:join", kwargs={"slug": group.slug}), **HTMX)
    assert swapped.status_code == 204 and swapped["HX-Refresh"] == "true"
    assert "Welcome to the group!" in client.get(group.get_absolute_url()).content.decode()

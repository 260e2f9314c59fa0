"""Replying and joining in place with htmx (core/htmx.py): the same POST answers a redirect
without the ``HX-Request`` header and the block to swap with it; nothing is written twice."""

import re

import pytest
from django.urls import reverse

from parvis.groups.models import Membership, Message

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
        swapped = client.post(url, {"body": "Et rue Gambetta.", "page": "1", "form_token": token}, **HTMX)
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

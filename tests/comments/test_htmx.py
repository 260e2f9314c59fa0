"""The small actions with htmx (core/htmx.py): the same POST answers a redirect without the
``HX-Request`` header and the block to swap in place with it; fragments are never cached."""

import pytest
from django.urls import reverse

from parvis.comments.models import Reaction
from parvis.news.models import Follow

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_a_reaction_answers_a_redirect_or_the_reactions_block(
    event, seasoned, login, django_assert_max_num_queries
):
    client = login(seasoned[0])
    key = f"agenda.event:{event.pk}"
    url = reverse("comments:react", kwargs={"target": key})
    back = f"{event.get_absolute_url()}#reactions-agendaevent{event.pk}"

    plain = client.post(url, {"kind": "like", "next": back})
    assert plain.status_code == 302 and plain["Location"] == back
    assert "reaction is recorded" in client.get(back).content.decode()  # the message shown

    with django_assert_max_num_queries(12):
        swapped = client.post(url, {"kind": "bravo", "next": back}, **HTMX)
    html = swapped.content.decode()
    assert swapped.status_code == 200
    assert html.startswith('<div class="reactions" id="reactions-agendaevent')
    assert "<html" not in html and "<main" not in html  # the block alone
    assert 'aria-pressed="true" id="reaction-agendaevent' in html
    assert 'hx-post="' + url + '"' in html and f'value="{back}"' in html
    assert 'id="live-status" hx-swap-oob="innerHTML"' in html and "reaction is recorded" in html
    assert "no-cache" in swapped["Cache-Control"] and "HX-Request" in swapped["Vary"]
    assert Reaction.objects.get(user=seasoned[0]).kind == "bravo"
    # The message went to the live region, not to the next page.
    assert "reaction is recorded" not in client.get(event.get_absolute_url()).content.decode()


def test_follow_and_unfollow_answer_the_button_in_its_new_state(thread, seasoned, login):
    resident, other = seasoned
    client = login(other)
    form = {"kind": "groupe", "id": thread.group.pk, "next": "/groupes/"}

    plain = client.post(reverse("news:follow"), form)
    assert plain.status_code == 302 and plain["Location"] == "/groupes/"
    client.post(reverse("news:unfollow"), form)

    swapped = client.post(reverse("news:follow"), form, **HTMX).content.decode()
    assert swapped.lstrip().startswith("<form")
    assert f'hx-post="{reverse("news:unfollow")}"' in swapped and ">Unfollow<" in swapped
    assert "You now follow Vélo à Beauvais." in swapped
    assert Follow.objects.filter(user=other, group=thread.group).exists()

    swapped = client.post(reverse("news:unfollow"), form, **HTMX).content.decode()
    assert f'hx-post="{reverse("news:follow")}"' in swapped and ">Follow<" in swapped
    assert not Follow.objects.filter(user=other, group=thread.group).exists()


def test_members_pages_load_htmx_with_the_nonce_and_visitors_pages_do_not(
    event, seasoned, login, client
):
    visitor_page = client.get(event.get_absolute_url()).content.decode()
    assert "htmx.min.js" not in visitor_page and "htmx-config" not in visitor_page
    page = login(seasoned[0]).get(event.get_absolute_url())
    html = page.content.decode()
    nonce = page["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'htmx.min.js" nonce="{nonce}"' in html
    assert '"allowEval":false,"includeIndicatorStyles":false' in html

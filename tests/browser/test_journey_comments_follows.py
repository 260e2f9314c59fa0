"""Key journeys of comments, reactions and follows, with axe-core checking every page visited:
a resident comments on an event and reacts; a resident follows a member and sees their
activity on their home page. Reactions and follows update in place (htmx, strict CSP).
Screenshots at 390x844 go to /tmp/comments-*.png."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from parvis.comments import services as comments
from parvis.comments.models import Comment, Reaction
from parvis.groups import services as groups
from parvis.groups.models import Message
from parvis.news.models import Follow

from ..agenda.conftest import create_event
from ..factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/compte/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/")


def person(oise, email, first, last):
    user = UserFactory(email=email, first_name=first, last_name=last, commune=oise["beauvais"])
    user.date_joined = timezone.now() - dt.timedelta(days=90)
    user.save(update_fields=["date_joined"])
    return user


def test_resident_comments_on_an_event_and_reacts(live_server, page, assert_accessible, oise):
    organiser = person(oise, "lea.dubois@example.org", "Léa", "Dubois")
    neighbour = person(oise, "hugo.lefebvre@example.org", "Hugo", "Lefebvre")
    resident = person(oise, "camille.martin@example.org", "Camille", "Martin")
    event = create_event(created_by=organiser, commune=oise["beauvais"])
    earlier = comments.comment_post(item=event, author=neighbour, body="Il y aura un parking ?")
    page.set_viewport_size(PHONE)

    log_in(page, live_server, resident.email)
    page.goto(live_server.url + event.get_absolute_url())
    assert_accessible(page)
    # The share controls: the script (a static file, strict CSP) reveals "copy the link".
    expect(page.locator(".share [data-copy-target]")).to_be_visible()
    assert page.locator(".share #share-url").input_value().endswith(event.get_absolute_url())
    page.locator("#comments-title").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/comments-event-before.png", full_page=True)

    # Reply to the neighbour (without JavaScript: a details element and a form).
    page.locator(".comment-reply summary").first.click()
    page.fill(f"#reply-{earlier.pk}", "Oui, place de la mairie. @lea-dubois confirme ?")
    page.locator(".comment-reply button[type=submit]").first.click()
    page.wait_for_url(f"**{event.get_absolute_url()}#commentaire-*")
    expect(page.get_by_text("Votre commentaire est publié.")).to_be_visible()
    reply = Comment.objects.get(author=resident)
    assert reply.parent_id == earlier.pk
    assert page.locator(f"#{reply.anchor} a[href='{organiser.get_absolute_url()}']").count() == 1

    # React to the event, then to the neighbour's comment: htmx swaps the reactions in place,
    # without loading the page again (the marker survives), the focus stays on the button.
    page.evaluate("window.parvisSamePage = true")
    liked = page.locator("#comments-title ~ .reactions button[value=like]")
    liked.click()
    expect(liked).to_have_attribute("aria-pressed", "true")
    expect(liked.locator(".reaction-count")).to_have_text("1")
    expect(liked).to_be_focused()
    expect(page.locator("#live-status")).to_have_text("Votre réaction est enregistrée.")
    thanks = page.locator(f"#{earlier.anchor} .reactions button[value=thanks]")
    thanks.click()
    expect(thanks.locator(".reaction-count")).to_have_text("1")
    assert page.evaluate("window.parvisSamePage") is True
    assert Reaction.objects.filter(user=resident).count() == 2
    assert_accessible(page)
    page.screenshot(path="/tmp/comments-event-after.png", full_page=True)

    # Who reacted.
    page.locator("#comments-title ~ .reactions .reaction-who a").click()
    expect(page.get_by_role("heading", name="Qui a réagi")).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="Camille Martin")).to_be_visible()
    assert_accessible(page)
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_resident_follows_a_member_and_sees_their_activity_at_home(
    live_server, page, assert_accessible, oise
):
    lea = person(oise, "lea.dubois@example.org", "Léa", "Dubois")
    resident = person(oise, "camille.martin@example.org", "Camille", "Martin")
    group = groups.group_create(
        creator=lea,
        name="Vélo à Beauvais",
        theme="mobility",
        description="Pistes et balades.",
        visibility="public",
        join_policy="open",
    )
    page.set_viewport_size(PHONE)

    log_in(page, live_server, resident.email)
    page.goto(live_server.url + lea.get_absolute_url())
    assert_accessible(page)
    page.get_by_role("button", name="Suivre Léa Dubois").click()  # in place (htmx)
    expect(page.get_by_role("button", name="Ne plus suivre Léa Dubois")).to_be_visible()
    expect(page.locator("#live-status")).to_have_text("Vous suivez désormais Léa Dubois.")
    assert Follow.objects.filter(user=resident, followed_user=lea).exists()

    # Léa starts a discussion: it shows on the resident's home, in their feed.
    groups.thread_create(
        group=group, author=lea, title="Balade du dimanche", body="Départ 10 h au parvis."
    )
    page.goto(live_server.url + "/")
    block = page.locator("section[aria-labelledby=feed-title]")
    expect(block.get_by_role("heading", name="Votre fil d'actualité")).to_be_visible()
    expect(block.get_by_text("Départ 10 h au parvis.")).to_be_visible()
    assert_accessible(page)
    block.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/comments-home-following.png", full_page=True)

    # Join the group, then reply in the discussion: both in place (htmx), no page load.
    page.goto(live_server.url + group.get_absolute_url())
    page.evaluate("window.parvisSamePage = true")
    page.get_by_role("button", name="Rejoindre le groupe").click()
    expect(page.locator("#live-status")).to_contain_text("Bienvenue dans le groupe")
    expect(page.locator("#group-actions")).to_be_focused()
    expect(page.locator("#group-header")).to_contain_text("2 membres")
    assert_accessible(page)
    page.get_by_role("link", name="Balade du dimanche").first.click()
    page.evaluate("window.parvisSamePage = true")
    page.locator("#reply-form textarea").fill("J'apporte le café.")
    page.get_by_role("button", name="Publier ma réponse").click()
    expect(page.locator("#message-list > li")).to_have_count(2)
    expect(page.locator("#message-list > li").last).to_contain_text("J'apporte le café.")
    expect(page.locator("#live-status")).to_have_text("Votre réponse est publiée.")
    expect(page.locator("#reply-form textarea")).to_have_value("")
    assert page.evaluate("window.parvisSamePage") is True
    page.get_by_role("button", name="Publier ma réponse").click()  # empty: the error, focused
    expect(page.locator("#reply-errors")).to_be_focused()
    assert Message.objects.filter(author=resident).count() == 1
    assert_accessible(page)
    page.locator("#message-list > li").last.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/comments-reply-in-place.png")

    # "My subscriptions": one click to unfollow.
    page.goto(live_server.url + "/actualites/suivis/")
    expect(page.get_by_role("heading", name="Mes abonnements", level=1)).to_be_visible()
    assert_accessible(page)
    page.screenshot(path="/tmp/comments-subscriptions.png", full_page=True)
    page.get_by_role("button", name="Ne plus suivre Léa Dubois").click()
    expect(page.get_by_role("button", name="Suivre Léa Dubois")).to_be_visible()
    expect(page.locator("#live-status")).to_have_text("Vous ne suivez plus Léa Dubois.")
    assert_accessible(page)
    assert not Follow.objects.filter(user=resident).exists()
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors

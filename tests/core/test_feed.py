"""A member's home as a social feed (``parvis.core.feed``): what the groups they belong to and
what they follow published, newest first, with its context; paging without JavaScript; the
composer ("What's new?") that posts through the discussions' service and announces a new
account's daily allowance; the first-week checklist; a fixed number of queries whatever the
volume."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.comments.models import Reaction
from parvis.groups import services as group_services
from parvis.groups.models import Message, Thread, Visibility
from parvis.news.services import follow_create
from parvis.questions.models import Question

from ..agenda.conftest import create_event
from ..factories import UserFactory
from ..groups.conftest import add_member, create_group
from ..moderation.helpers import hide

pytestmark = pytest.mark.django_db

#: A member's home with their feed, for a new member in a group who follows an organisation
#: and a member: the session, the user and its bookkeeping; the first-week checklist (their
#: follows, read once for the page) and the composer (their groups, shared with the
#: checklist); then the cached fragment: the blocks of tests/core/test_home.py, the feed's
#: sources (messages, comments, information, events, answers) and the reactions' counts,
#: "My groups" and "My next events".
HOME_QUERIES = 26
#: A later page of the feed: the session and user (with its bookkeeping), the follows, the
#: sources and the reactions' counts.
FEED_PAGE_QUERIES = 16


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def plain(html):
    """``html``'s text, tags removed, spaces collapsed."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def text(response):
    return plain(response.content.decode())


def feed_of(response):
    html = response.content.decode()
    start = html.index('id="feed-title"') if 'id="feed-title"' in html else html.index("<h1")
    return plain(html[start : html.index("</section>", start)])


@pytest.fixture
def group(resident, other_resident):
    group = create_group(other_resident, name="Jardins partagés")
    add_member(group, resident)
    return group


def test_the_feed_shows_the_groups_messages_and_the_followed_organisations_events(
    login, resident, other_resident, group, association, association_manager, beauvais
):
    group_services.thread_create(
        group=group, author=other_resident, title="Bourse aux graines", body="Samedi 10 h."
    )
    create_event(
        title="Nettoyage des berges",
        created_by=association_manager,
        organisation=association,
        commune=beauvais,
    )
    unfollowed = create_event(title="Loto", created_by=association_manager, commune=beauvais)
    follow_create(user=resident, target=association)
    feed = feed_of(login(resident).get("/"))
    assert "Hugo Lefebvre started a discussion in the group Jardins partagés" in feed
    assert "Bourse aux graines" in feed and "Samedi 10 h." in feed
    assert "Les Amis du Beauvaisis published an event" in feed
    assert "Nettoyage des berges" in feed
    assert unfollowed.title not in feed
    # Newest first: the event was published after the discussion was started.
    assert feed.index("Nettoyage des berges") < feed.index("Bourse aux graines")


def test_the_feed_shows_reactions_counts_and_the_answers_to_my_questions(
    login, resident, other_resident, group, official, oise
):
    thread = group_services.thread_create(
        group=group, author=other_resident, title="Composteur", body="Qui en veut un ?"
    )
    Reaction.objects.create(
        target=f"groups.message:{thread.last_message_id}",
        page=f"groups.thread:{thread.pk}",
        user=resident,
        kind="like",
    )
    Question.objects.create(
        author=resident,
        commune=oise["beauvais"],
        official=official,
        theme="mobility",
        title="Quand la piste cyclable ?",
        body="Rue de Paris.",
        status="published",
        published_at=timezone.now(),
        answer="Les travaux commencent en mars.",
        answered_by=official,
        answered_at=timezone.now(),
    )
    feed = feed_of(login(resident).get("/"))
    assert "1 reaction" in feed
    assert "Jean Moreau answered your question" in feed
    assert "Les travaux commencent en mars." in feed


def test_a_private_groups_message_never_shows_to_a_non_member(
    login, resident, other_resident, oise
):
    secret = create_group(other_resident, name="Bureau", visibility=Visibility.PRIVATE)
    group_services.thread_create(
        group=secret, author=other_resident, title="Budget", body="Chiffres confidentiels"
    )
    follow_create(user=resident, target=other_resident)  # they follow its author
    client = login(resident)
    assert "Chiffres confidentiels" not in text(client.get("/"))
    assert "Chiffres confidentiels" not in text(client.get(reverse("feed")))


def test_hidden_and_deleted_messages_never_show(login, resident, other_resident, group, moderator):
    hidden = group_services.thread_create(
        group=group, author=other_resident, title="Annonce", body="Texte masqué"
    )
    deleted = group_services.thread_create(
        group=group, author=other_resident, title="Erreur", body="Texte supprimé"
    )
    hide(hidden.last_message, moderator)
    group_services.message_delete(message=deleted.last_message, actor=other_resident)
    for who in (resident, other_resident):  # the author neither
        feed = feed_of(login(who).get("/"))
        assert "Texte masqué" not in feed and "Texte supprimé" not in feed


def _messages(thread, author, count, start):
    """``count`` messages in ``thread``, one a minute, written directly (volume)."""
    thread.refresh_from_db()
    first = thread.message_count + 1
    Message.objects.bulk_create(
        Message(
            thread=thread,
            position=first + number,
            author=author,
            body=f"Message {start + number}",
            body_html=f"<p>Message {start + number}</p>",
            created_at=timezone.now() - dt.timedelta(hours=2) + dt.timedelta(minutes=number),
        )
        for number in range(count)
    )
    Thread.objects.filter(pk=thread.pk).update(message_count=first + count - 1)


def test_see_more_pages_through_the_feed_without_javascript(login, resident, other_resident, group):
    thread = group_services.thread_create(
        group=group, author=other_resident, title="Fil", body="Premier"
    )
    _messages(thread, other_resident, 14, start=1)
    client = login(resident)
    home = client.get("/").content.decode()
    # The first page: the discussion's first message, then the nine newest.
    assert "Premier" in home and "Message 6" in home and "Message 5" not in home
    more = re.search(r'href="(/fil/\?avant=\d+)"', home).group(1)
    earlier = text(client.get(more))
    assert "Message 5" in earlier and re.search(r"Message 1\b", earlier)
    assert "Message 6" not in earlier and "Premier" not in earlier
    # A cursor that is not one shows the first page; a visitor is asked to log in.
    assert client.get(reverse("feed") + "?avant=abc%00").status_code == 200
    client.logout()
    assert client.get(reverse("feed")).url.startswith(reverse("account_login"))


def test_see_more_in_place_answers_the_next_items_and_link(
    login, resident, other_resident, group, django_assert_max_num_queries
):
    thread = group_services.thread_create(
        group=group, author=other_resident, title="Fil", body="Premier"
    )
    _messages(thread, other_resident, 14, start=1)
    client = login(resident)
    home = client.get("/").content.decode()
    more = re.search(r'href="(/fil/\?avant=\d+)"', home).group(1)
    assert f'hx-get="{more}" hx-target="closest .feed-more" hx-swap="outerHTML"' in home
    with django_assert_max_num_queries(20):
        swapped = client.get(more, HTTP_HX_REQUEST="true")
    html = swapped.content.decode()
    assert "<main" not in html and "<html" not in html
    assert '<ol class="feed-list">' in html and "Message 5" in html and "Message 6" not in html
    assert 'tabindex="-1" autofocus' in html  # the first new item takes the focus
    assert "5 more items" in text(swapped) and 'id="live-status"' in html
    assert "no-cache" in swapped["Cache-Control"] and "HX-Request" in swapped["Vary"]
    # Without the header, the same link is a page; a bad cursor shows the first page.
    assert "<main" in client.get(more).content.decode()
    assert "<main" in client.get("/fil/?avant=x", HTTP_HX_REQUEST="true").content.decode()


def test_the_feeds_queries_do_not_grow_with_the_data(
    login,
    resident,
    other_resident,
    group,
    association,
    association_manager,
    beauvais,
    django_assert_max_num_queries,
):
    thread = group_services.thread_create(
        group=group, author=other_resident, title="Fil", body="Premier"
    )
    follow_create(user=resident, target=association)
    follow_create(user=resident, target=other_resident)
    client = login(resident)
    client.get("/compte/profil/")  # the session's bookkeeping, once
    for size, start in ((2, 0), (40, 100)):
        _messages(thread, other_resident, size, start)
        for number in range(size // 2):
            create_event(
                title=f"Sortie {start + number}",
                created_by=association_manager,
                organisation=association,
                commune=beauvais,
            )
        with django_assert_max_num_queries(HOME_QUERIES):
            home = client.get("/")
        assert home.status_code == 200
        more = re.search(r'href="(/fil/\?avant=\d+)"', home.content.decode())
        if more:
            with django_assert_max_num_queries(FEED_PAGE_QUERIES):
                assert client.get(more.group(1)).status_code == 200
    assert home.content.decode().count('class="feed-item"') == 10


# --- the composer --------------------------------------------------------------------------------


def test_the_composer_posts_to_one_of_my_groups_and_the_feed_shows_it(login, resident, group):
    client = login(resident)
    home = text(client.get("/"))
    assert "What's new?" in home and "Jardins partagés" in home
    response = client.post(
        reverse("groups:compose"),
        {"group": group.pk, "body": "Qui a une grelinette à prêter ?\nMerci !", "title": ""},
    )
    assert response.status_code == 302 and response.url == "/"
    thread = Thread.objects.get(group=group, author=resident)
    assert thread.title == "Qui a une grelinette à prêter ?"
    assert thread.last_message.body == "Qui a une grelinette à prêter ?\nMerci !"
    feed = feed_of(client.get("/"))
    assert "Camille Martin started a discussion in the group Jardins partagés" in feed


def test_the_composer_refuses_bad_input_by_field_and_stores_nothing(
    login, resident, other_resident, group
):
    not_mine = create_group(other_resident, name="Bureau", visibility=Visibility.PRIVATE)
    client = login(resident)
    for data, field, message in (
        ({"group": group.pk, "body": "  "}, "body", "Write your message."),
        ({"group": not_mine.pk, "body": "Bonjour"}, "group", "Choose one of your groups."),
        ({"group": "12x", "body": "Bonjour"}, "group", "Choose one of your groups."),
        (
            {"group": group.pk, "body": "Bonjour", "title": "t" * 201},
            "title",
            "Ensure this value has at most 200 characters",
        ),
    ):
        response = client.post(reverse("groups:compose"), data)
        assert response.status_code == 200
        html = unescape(response.content.decode())
        assert f'id="id_{field}_error"' in html or f"id_{field}" in html
        assert message in html
        assert "Please correct the errors below: nothing was posted." in html
    assert not Thread.objects.filter(author=resident).exists()


def test_the_composer_announces_the_allowance_and_words_its_refusal(
    login, resident, group, settings
):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 2
    client = login(resident)
    assert "you have 2 contributions left today" in text(client.get("/"))
    client.post(reverse("groups:compose"), {"group": group.pk, "body": "Un"})
    assert "you have 1 contribution left today" in text(client.get("/"))
    client.post(reverse("groups:compose"), {"group": group.pk, "body": "Deux"})
    assert "you have used today's contributions" in text(client.get("/"))
    refused = text(client.post(reverse("groups:compose"), {"group": group.pk, "body": "Trois"}))
    assert "Daily limit reached: nothing was published." in refused
    assert "Please correct the errors below" not in refused
    assert "Please try again tomorrow." in refused
    assert Thread.objects.filter(author=resident).count() == 2
    # The group's own form words it the same way.
    refused = text(
        client.post(
            reverse("groups:thread_create", kwargs={"slug": group.slug}),
            {"title": "Quatre", "body": "Quatre"},
        )
    )
    assert "Daily limit reached: nothing was published." in refused


def test_a_seasoned_member_sees_no_allowance(login, resident, group):
    resident.date_joined = timezone.now() - dt.timedelta(days=30)
    resident.save(update_fields=["date_joined"])
    assert "contributions left today" not in text(login(resident).get("/"))


# --- the first-week checklist --------------------------------------------------------------------


def checklist_of(response):
    html = response.content.decode()
    if 'id="checklist-title"' not in html:
        return None
    start = html.index('id="checklist-title"')
    return plain(html[start : html.index("</section>", start)])


def test_the_first_week_checklist_ticks_what_is_done_and_can_be_hidden(
    login, resident, other_resident, association
):
    client = login(resident)
    checklist = checklist_of(client.get("/"))
    assert "1 of 5 done" in checklist  # their commune, given at sign-up
    assert "Give your commune of residence (done)" in checklist
    assert "Join a group (done)" not in checklist
    add_member(create_group(other_resident), resident)
    follow_create(user=resident, target=association)
    checklist = checklist_of(client.get("/"))
    assert "3 of 5 done" in checklist
    assert "Join a group (done)" in checklist and "Follow an organisation (done)" in checklist
    response = client.post(reverse("checklist_dismiss"))
    assert response.status_code == 302
    assert checklist_of(client.get("/")) is None
    resident.refresh_from_db()
    assert resident.checklist_dismissed_at is not None


def test_the_checklist_is_for_the_first_week_only(login, resident):
    resident.date_joined = timezone.now() - dt.timedelta(days=8)
    resident.save(update_fields=["date_joined"])
    assert checklist_of(login(resident).get("/")) is None


def test_hiding_the_checklist_needs_a_member_and_a_post(client, login, resident):
    assert client.post(reverse("checklist_dismiss")).url.startswith(reverse("account_login"))
    assert login(resident).get(reverse("checklist_dismiss")).status_code == 405


def test_my_groups_and_my_next_events(login, resident, group, association_manager, beauvais):
    from parvis.agenda.services import rsvp_create

    event = create_event(title="Troc de plantes", created_by=association_manager, commune=beauvais)
    rsvp_create(occurrence=event.occurrences.first(), user=resident)
    html = text(login(resident).get("/"))
    assert "My groups" in html and "Jardins partagés" in html
    assert "My next events" in html and "Troc de plantes" in html


def test_an_empty_feed_tells_what_to_do(login, oise):
    """A member of nothing, following nothing, sees an empty state that tells what to do."""
    member = UserFactory(commune=oise["beauvais"])
    feed = feed_of(login(member).get("/"))
    assert "Nothing in your feed yet." in feed


# --- the member's home from the cache (core.pagecache) ------------------------------------------

FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def composer_of(response):
    """The HTML of the home page's composer."""
    html = response.content.decode()
    start = html.index('class="card composer"')
    return html[start : html.index("</section>", start)]


def composer_tokens(response):
    """The composer's CSRF token and one-time form token."""
    form = composer_of(response)
    return CSRF_TOKEN.search(form).group(1), FORM_TOKEN.search(form).group(1)


def test_the_cached_home_costs_the_members_own_query_only(
    login, resident, other_resident, group, django_assert_max_num_queries
):
    resident.date_joined = timezone.now() - dt.timedelta(days=30)  # no checklist
    resident.save(update_fields=["date_joined"])
    client = login(resident)
    client.get("/")  # the session's bookkeeping; the feed and the composer stored
    # The member (their session is in the cache): the feed, the side column and the composer
    # come from the cache, its tokens are this request's.
    with django_assert_max_num_queries(1):
        home = client.get("/")
    assert home.status_code == 200
    composer = plain(composer_of(home))
    assert "What's new?" in composer and "Jardins partagés" in composer
    # Joining another group shows it in the composer at once; its groups come most recently
    # active first, as the activity goes.
    other = create_group(other_resident, name="Vélo du dimanche")
    add_member(other, resident)
    threads = {
        each: group_services.thread_create(group=each, author=other_resident, title="?", body="?")
        for each in (group, other)
    }
    client.get("/")
    for active, quiet in ((group, other), (other, group)):
        group_services.message_post(thread=threads[active], author=other_resident, body="Oui")
        options = re.findall(r"<option [^>]*>([^<]+)</option>", composer_of(client.get("/")))
        assert [unescape(name) for name in options] == [active.name, quiet.name]


def test_the_cached_composer_gets_each_requests_tokens_and_posts_once(login, resident, group):
    client = login(resident)
    client.handler.enforce_csrf_checks = True
    first, second = composer_tokens(client.get("/")), composer_tokens(client.get("/"))
    # A new one-time token for each page, the second from the cached composer.
    assert first[1] != second[1]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{24}", token) for token in (first[1], second[1]))
    data = {"group": group.pk, "body": "Qui a une grelinette à prêter ?", "title": ""}
    data.update(csrfmiddlewaretoken=second[0], form_token=second[1])
    posted = client.post(reverse("groups:compose"), data)
    assert posted.status_code == 302 and posted.url == "/"
    client.get("/")
    # Sent again (the back button, a double click): refused, nothing created twice.
    again = client.post(reverse("groups:compose"), data)
    assert again.status_code == 302 and again.url == "/"
    assert "This form was already sent" in text(client.get("/"))
    assert Thread.objects.filter(author=resident).count() == 1
    # The form of the first page, with its own token, still posts.
    data.update(form_token=first[1], body="Et une bêche ?")
    assert client.post(reverse("groups:compose"), data).status_code == 302
    assert Thread.objects.filter(author=resident).count() == 2
    assert composer_tokens(client.get("/"))[1] not in (first[1], second[1])

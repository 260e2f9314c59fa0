"""Visitors' pages from the cache (``core.pagecache``): served without a query, fresh after
any write, each response with its own CSRF token and CSP nonce, never a member's page."""

import io
import re
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parvis.agenda.models import Event
from parvis.core import pagecache

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
NONCE = re.compile(rb'<script[^>]* nonce="([^"]+)"')


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content, len(queries)


def test_second_visitor_gets_the_page_from_the_cache_without_a_query(make_event):
    make_event(title="Bal du 14 juillet")
    _, first, first_queries = get(Client(), "/agenda/")
    _, second, second_queries = get(Client(), "/agenda/")
    assert first_queries > 0
    assert second_queries == 0
    assert b"Bal du 14 juillet" in second
    # Same page, except what is each visitor's own.
    assert TOKEN.sub(b"", first) == TOKEN.sub(b"", second)


def test_an_edit_shows_at_once(make_event):
    event = make_event(title="Bal du 14 juillet")
    assert b"Bal du 14 juillet" in get(Client(), event.get_absolute_url())[1]
    event.title = "Grand bal du 14 juillet"
    event.save()
    page = get(Client(), event.get_absolute_url())[1]
    assert b"Grand bal du 14 juillet" in page


def test_a_bulk_update_without_signals_shows_at_once(make_event):
    make_event(title="Loto des aînés")
    assert b"Loto des a" in get(Client(), "/agenda/")[1]
    Event.objects.update(title="Loto de la kermesse")  # no save(), no signal
    page = get(Client(), "/agenda/")[1]
    assert b"Loto de la kermesse" in page
    assert b"Loto des a" not in page


def test_a_write_elsewhere_keeps_the_page(make_event, resident):
    make_event()
    get(Client(), "/agenda/")
    resident.last_login = resident.date_joined  # a log-in: nothing a visitor sees
    resident.save(update_fields=["last_login"])
    assert get(Client(), "/agenda/")[2] == 0


def test_each_response_has_its_own_csrf_token_and_it_works(make_event):
    make_event()
    tokens = []
    for _ in range(2):
        client = Client(enforce_csrf_checks=True)
        _, content, _ = get(client, "/agenda/")
        assert pagecache.placeholders()[0][:18].encode() not in content  # pc + deployment
        token = TOKEN.search(content).group(1).decode()
        tokens.append(token)
        # The language switcher posts with the token of the (cached) page.
        response = client.post(
            "/i18n/setlang/",
            {"language": "en", "next": "/agenda/", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302
    assert tokens[0] != tokens[1]


def test_the_csp_nonce_of_a_cached_page_matches_its_header(make_event):
    event = make_event(title="Fête de la musique")
    nonces = []
    for _ in range(2):
        response, content, _ = get(Client(), event.get_absolute_url())
        nonce = NONCE.search(content).group(1).decode()
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_a_member_never_gets_the_visitors_page(make_event, resident, login):
    make_event()
    get(Client(), "/agenda/")
    member = login(resident)
    _, content, queries = get(member, "/agenda/")
    assert queries > 0
    assert b"Camille" in content or b"Mon compte" in content or b"logout" in content


def test_each_language_has_its_page(make_event):
    make_event()
    french = get(Client(HTTP_ACCEPT_LANGUAGE="fr"), "/agenda/")[1]
    english = get(Client(HTTP_ACCEPT_LANGUAGE="en"), "/agenda/")[1]
    assert b'lang="fr"' in french
    assert b'lang="en"' in english


def test_a_visitor_with_a_message_gets_it(client, resident):
    client.force_login(resident)
    get(Client(), "/")  # the visitors' home is in the cache
    client.post("/compte/logout/")
    content = get(client, "/")[1]
    assert b"message" in content  # "You have signed out.", in the page the visitor sees


def test_off_when_the_setting_is_zero(make_event, settings):
    settings.PARVIS_PAGE_CACHE_SECONDS = 0
    make_event()
    get(Client(), "/agenda/")
    assert get(Client(), "/agenda/")[2] > 0


def test_the_ics_feed_is_cached_and_stays_a_stream(make_event):
    make_event(title="Brocante")
    first = get(Client(), "/agenda/flux.ics")
    second = get(Client(), "/agenda/flux.ics")
    assert second[0].streaming
    assert second[2] == 0
    assert b"Brocante" in second[1]
    assert second[0]["Content-Type"] == first[0]["Content-Type"]


@pytest.mark.django_db(transaction=True)
def test_a_write_retires_what_it_changed_at_once_and_again_when_it_commits(
    make_event, django_capture_on_commit_callbacks
):
    """A visitor's page rendered before the commit (old data) but stored after the first
    retirement holds that first value: the second, at commit, retires it."""
    event = make_event(title="Kermesse")
    get(Client(), event.get_absolute_url())
    tag = pagecache.item("agenda.event", event.pk)
    before = pagecache.tag_values([tag])[tag]
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(title="Kermesse de l'école")
        during = pagecache.tag_values([tag])[tag]
    after = pagecache.tag_values([tag])[tag]
    assert before != during != after
    assert b"Kermesse de l" in get(Client(), event.get_absolute_url())[1]


def test_clear_page_cache_retires_every_page(make_event):
    make_event()
    get(Client(), "/agenda/")
    assert get(Client(), "/agenda/")[2] == 0
    call_command("clear_page_cache", stdout=io.StringIO())
    assert get(Client(), "/agenda/")[2] > 0


def test_a_page_past_its_time_is_rendered_anew(make_event, settings, monkeypatch):
    settings.PARVIS_PAGE_CACHE_SECONDS = 60
    make_event()
    get(Client(), "/agenda/")
    assert get(Client(), "/agenda/")[2] == 0
    # A minute and a second later (the clock moved, not slept: a busy machine cannot make the
    # requests above outlast the page's time).
    now = time.time
    monkeypatch.setattr(time, "time", lambda: now() + 61)
    assert get(Client(), "/agenda/")[2] > 0  # renewed by this request
    assert get(Client(), "/agenda/")[2] == 0


def test_an_unchanged_feed_polled_again_is_not_sent_again(make_event):
    event = make_event(title="Brocante")
    first = get(Client(), "/agenda/flux.ics")[0]
    etag = first["ETag"]
    again = Client().get("/agenda/flux.ics", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    event.title = "Grande brocante"
    event.save()
    changed = Client().get("/agenda/flux.ics", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_html_pages_carry_no_etag(make_event):
    make_event()
    assert "ETag" not in get(Client(), "/agenda/")[0]


def test_a_rsvp_retires_its_event_page_and_no_other(make_event, other_resident):
    from parvis.agenda.services import rsvp_create

    event = make_event(title="Vide-grenier")
    other = make_event(title="Concert d'orgue")
    for url in (event.get_absolute_url(), other.get_absolute_url()):
        get(Client(), url)
    get(Client(), "/agenda/")
    get(Client(), f"/api/evenements/{event.pk}/")
    rsvp_create(occurrence=event.occurrences.get(), user=other_resident)
    assert get(Client(), event.get_absolute_url())[2] > 0
    assert get(Client(), f"/api/evenements/{event.pk}/")[2] > 0
    assert get(Client(), other.get_absolute_url())[2] == 0
    assert get(Client(), "/agenda/")[2] == 0  # the list shows no participants count


def test_an_api_token_used_or_a_notification_written_retires_nothing(make_event, resident):
    from django.utils import timezone

    from parvis.accounts.models import ApiToken
    from parvis.notifications.models import Notification

    make_event()
    get(Client(), "/agenda/")
    token = ApiToken.objects.create(user=resident, name="Agenda", prefix="abc", key_hash="x" * 64)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    Notification.objects.filter(recipient=resident).update(read_at=timezone.now())
    assert get(Client(), "/agenda/")[2] == 0


def test_an_organisation_edit_retires_the_pages_that_show_it_only(
    make_event, association, beauvais, resident
):
    from tests.agenda.conftest import create_event

    shown = make_event(title="Fête de l'association")  # organised by the association
    not_shown = create_event(created_by=resident, commune=beauvais, title="Pique-nique")
    for url in (shown.get_absolute_url(), not_shown.get_absolute_url()):
        get(Client(), url)
    association.description = "Nouvelle présentation."
    association.save(update_fields=["description"])
    assert get(Client(), not_shown.get_absolute_url())[2] == 0


def test_junk_query_parameters_share_the_page_and_never_reach_it(make_event):
    make_event(title="Marché de Noël")
    get(Client(), "/agenda/?q=Noël")
    response, content, count = get(Client(), "/agenda/?utm_source=lettre&q=Noël&x=<b>")
    assert count == 0
    assert b"utm_source" not in content
    assert "Marché de Noël".encode() in content


def test_a_page_over_the_size_limit_is_served_but_not_stored(make_event, settings):
    settings.PARVIS_PAGE_CACHE_MAX_BYTES = 1_000
    make_event()
    get(Client(), "/agenda/")
    assert get(Client(), "/agenda/")[2] > 0


def test_a_cached_view_that_declares_nothing_fails_the_system_check(settings):
    from parvis.core.pagecache.checks import cached_views_declare_what_they_show

    settings.ROOT_URLCONF = "tests.agenda.undeclared_urls"
    errors = cached_views_declare_what_they_show()
    assert [error.id for error in errors] == ["parvis.E101"]
    assert "cached/" in errors[0].msg


def test_the_project_s_cached_views_all_declare_what_they_show():
    from parvis.core.pagecache.checks import cached_views_declare_what_they_show

    assert cached_views_declare_what_they_show() == []


def test_what_a_write_statement_retires():
    from parvis.core.pagecache import statement_tags

    insert = (
        'INSERT INTO "groups_message" ("thread_id", "author_id", "body") '
        'VALUES (%s, %s, %s), (%s, %s, %s) RETURNING "groups_message"."id"'
    )
    assert statement_tags(insert, [7, 1, "a", 8, 1, "b"]) == {
        "groups.message",
        "groups.message@thread:7",
        "groups.message@thread:8",
    }
    pending = 'INSERT INTO "agenda_event" ("title", "status") VALUES (%s, %s)'
    assert statement_tags(pending, ["Bal", "draft"]) == set()
    by_pk = 'UPDATE "groups_message" SET "body" = %s WHERE "groups_message"."id" = %s'
    assert "groups.message:42" in statement_tags(by_pk, ["b", 42])
    bulk = 'UPDATE "groups_message" SET "body" = %s WHERE "groups_message"."thread_id" = %s'
    assert statement_tags(bulk, ["b", 7]) == {"groups.message", "groups.message@*"}
    silent = (
        'UPDATE "accounts_apitoken" SET "last_used_at" = %s WHERE "accounts_apitoken"."id" = %s'
    )
    assert statement_tags(silent, [None, 1]) == set()
    assert statement_tags('SELECT 1 FROM "groups_message"', []) == set()


def test_an_event_published_in_a_commune_retires_the_pages_of_its_territories_only(
    make_event, oise, beauvais, compiegne
):
    """Compiègne's portal, the agenda filtered on Compiègne and Compiègne's feed stay cached
    when an event is published in Beauvais; Beauvais's, its intercommunality's and the
    unfiltered agenda's show it at once."""
    make_event(title="Concert de printemps", commune=compiegne)
    beauvais_pages = [
        beauvais.get_absolute_url(),
        f"/agenda/?commune={beauvais.pk}",
        beauvais.epci.get_absolute_url(),
        "/agenda/",
    ]
    compiegne_pages = [
        compiegne.get_absolute_url(),
        f"/agenda/?commune={compiegne.pk}",
        f"/agenda/communes/{compiegne.code}.ics",
    ]
    for url in beauvais_pages + compiegne_pages:
        get(Client(), url)
    make_event(title="Fête de la musique à Beauvais", commune=beauvais)
    for url in beauvais_pages:
        response, content, count = get(Client(), url)
        assert count > 0, url
        assert "Fête de la musique".encode() in content, url
    for url in compiegne_pages:
        assert get(Client(), url)[2] == 0, url


def test_the_events_api_filtered_on_a_commune_keeps_its_answer_when_an_event_is_published_elsewhere(
    make_event, beauvais, compiegne
):
    make_event(title="Concert de printemps", commune=compiegne)
    url = f"/api/evenements/?commune={compiegne.code}"
    get(Client(), url)
    get(Client(), "/api/evenements/")
    make_event(title="Fête de la musique", commune=beauvais)
    assert get(Client(), url)[2] == 0
    assert get(Client(), "/api/evenements/")[2] > 0
    make_event(title="Brocante d'automne", commune=compiegne)
    response, content, count = get(Client(), url)
    assert count > 0
    assert b"Brocante" in content

"""The page cache retires what a write changed, not whole apps (``core.pagecache``): a reply
retires its discussion's pages, its group's page and the lists of groups, and nothing else."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from parvis.groups import services

pytestmark = pytest.mark.django_db


def queries(url):
    """How many queries a visitor's request for ``url`` costs (0: served from the cache)."""
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response.status_code == 200
    return len(captured), response


@pytest.fixture
def other_thread(public_group, owner):
    return services.thread_create(
        group=public_group,
        author=owner,
        title="Troc de plants",
        body="Échange de plants de courgettes samedi.",
    )


def test_a_reply_retires_its_discussion_and_its_group_but_not_other_discussions(
    public_group, public_thread, other_thread, member, make_event_page
):
    pages = [
        public_thread.get_absolute_url(),
        other_thread.get_absolute_url(),
        public_group.get_absolute_url(),
        "/groupes/",
        make_event_page,
        "/agenda/",
        "/annuaire/?type=groups",
    ]
    for url in pages:
        queries(url)
    assert all(queries(url)[0] == 0 for url in pages)  # all cached

    services.message_post(thread=public_thread, author=member, body="J'apporte des tomates.")

    count, response = queries(public_thread.get_absolute_url())
    assert count > 0
    assert "des tomates." in response.content.decode()
    assert queries(public_group.get_absolute_url())[0] > 0  # its discussions' order and counts
    assert queries("/groupes/")[0] > 0  # groups by latest activity
    assert queries(other_thread.get_absolute_url())[0] == 0
    assert queries(make_event_page)[0] == 0
    assert queries("/agenda/")[0] == 0
    assert queries("/annuaire/?type=groups")[0] == 0  # groups by name


def test_reading_a_discussion_retires_no_visitor_page(public_group, public_thread, member):
    url = public_thread.get_absolute_url()
    queries(url)
    services.thread_mark_read(thread=public_thread, user=member, position=1)
    assert queries(url)[0] == 0


@pytest.fixture
def make_event_page(owner, beauvais):
    from tests.agenda.conftest import create_event

    return create_event(created_by=owner, commune=beauvais).get_absolute_url()


def test_a_reply_retires_the_portals_listing_its_group_and_no_other(
    owner, member, beauvais, compiegne
):
    from tests.groups.conftest import add_member, create_group

    group = create_group(owner, name="Comité des fêtes de Beauvais", territory=beauvais)
    add_member(group, member)
    thread = services.thread_create(group=group, author=owner, title="Kermesse", body="Qui vient ?")
    portals = [beauvais.get_absolute_url(), beauvais.epci.get_absolute_url()]
    elsewhere = compiegne.get_absolute_url()
    for url in (*portals, elsewhere):
        queries(url)
    services.message_post(thread=thread, author=member, body="Moi !")
    for url in portals:  # its groups, most active first
        assert queries(url)[0] > 0, url
    assert queries(elsewhere)[0] == 0


def test_a_reply_or_a_new_discussion_keeps_the_lists_of_groups_of_other_places_and_themes(
    owner, member, beauvais, compiegne
):
    """Lists filtered on another commune or theme, and the directory's groups (by name), stay
    cached; the unfiltered list and the list of the group's commune show the new order."""
    from tests.groups.conftest import add_member, create_group

    group = create_group(owner, name="Comité des fêtes de Beauvais", territory=beauvais)
    add_member(group, member)
    create_group(owner, name="Jardins de Compiègne", territory=compiegne)
    create_group(owner, name="Chorale de Beauvais", territory=beauvais, theme="culture")
    thread = services.thread_create(group=group, author=owner, title="Kermesse", body="Qui vient ?")
    retired = ["/groupes/", f"/groupes/?commune={beauvais.pk}", "/groupes/?theme=environment"]
    kept = [
        f"/groupes/?commune={compiegne.pk}",
        "/groupes/?theme=culture",
        "/annuaire/?type=groups",
    ]
    for url in (*retired, *kept):
        queries(url)
    services.message_post(thread=thread, author=member, body="Moi !")
    for url in retired:
        assert queries(url)[0] > 0, url
    for url in kept:
        assert queries(url)[0] == 0, url
    services.thread_create(group=group, author=member, title="Tombola", body="Des lots ?")
    count, response = queries(group.get_absolute_url())
    assert count > 0 and "Tombola" in response.content.decode()
    # Its discussions' count shows on its own cards only: lists not showing it stay cached.
    for url in kept[:2]:
        assert queries(url)[0] == 0, url


def test_a_commune_s_list_of_groups_shows_a_new_group_of_its_intercommunality(
    owner, beauvais, compiegne
):
    url = f"/groupes/?commune={beauvais.pk}"
    assert "Randonneurs du Beauvaisis" not in queries(url)[1].content.decode()
    elsewhere = f"/groupes/?commune={compiegne.pk}"
    queries(elsewhere)
    from tests.groups.conftest import create_group

    create_group(owner, name="Randonneurs du Beauvaisis", territory=beauvais.epci)
    count, response = queries(url)
    assert count > 0 and "Randonneurs du Beauvaisis" in response.content.decode()
    assert queries(elsewhere)[0] == 0

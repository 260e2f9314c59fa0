"""Groups and their messages joined moderation (``groups/content.py``).

A group page has the report link; a hidden group leaves every list (groups, directory, portal
sections, search, home activity, API) with its discussions, its page shows a notice to everyone
but the people who run it (owner, moderators) and the staff, its other pages answer 404. A
message hidden on its own leaves the search results and its text is withheld by the API. The
moderation app's safeguards apply when posting: a suspended member cannot post, a new account's
message with many links is refused, a new account posts a few messages a day."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from parvis.groups import services
from parvis.groups.models import Message, Thread

from ..moderation.helpers import api_as, ban, hide, suspend

pytestmark = pytest.mark.django_db

NOTICE = "This content was hidden by moderation"
BANNER = "Only its author and the moderators can see it."
NAME = "Jardins partagés du Beauvaisis"
WORD = "potager"
PHRASE = "Rendez-vous au"  # the reply's words before ``WORD`` (search pages repeat WORD)
LINKS = "Voir https://a.example, https://b.example et https://c.example"


@pytest.fixture
def talk(public_thread, member):
    """A public discussion with a reply mentioning ``WORD``."""
    services.message_post(
        thread=public_thread, author=member, body=f"Rendez-vous au {WORD} samedi."
    )
    return public_thread


# --- the report link --------------------------------------------------------------------------


def test_the_group_page_has_the_report_link_and_visitors_are_sent_to_log_in(
    client, login, public_group, member, owner, group_moderator
):
    report_url = f"/moderation/signaler/groups.group/{public_group.pk}/"
    url = public_group.get_absolute_url()
    assert report_url in client.get(url).content.decode()
    response = client.get(report_url)
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")
    assert report_url in login(member).get(url).content.decode()
    for runner in (owner, group_moderator):  # nobody reports what they run
        assert report_url not in login(runner).get(url).content.decode()


def test_messages_have_the_report_link(login, talk, non_member):
    message = Message.objects.get(thread=talk, position=2)
    page = login(non_member).get(talk.get_absolute_url()).content.decode()
    assert f"/moderation/signaler/groups.message/{message.pk}/" in page


# --- a hidden group ---------------------------------------------------------------------------


def test_a_hidden_group_leaves_every_list_with_its_discussions(
    client, login, member, moderator, talk, public_group, beauvais
):
    public_group.territory = beauvais  # on the portal page of Beauvais too
    public_group.save(update_fields=["territory"])
    pages = [
        "/groupes/",
        "/annuaire/?type=groups",
        beauvais.get_absolute_url(),
        f"/groupes/recherche/?q={WORD}",
    ]
    api_urls = ["/api/groupes/", f"/api/groupes/recherche/?q={WORD}"]

    def seen():
        found = {}
        client.logout()
        for url in pages:
            html = client.get(url).content.decode()
            found[url] = NAME in html or PHRASE in html
        home = login(member).get("/").content.decode()  # a member of the group
        found["home"] = talk.title in home
        for api in (APIClient(), api_as(member)):
            for url in api_urls:
                content = api.get(url).content.decode()
                found[f"api {url}"] = NAME in content or PHRASE in content
        return found

    assert all(seen().values()), seen()
    hide(public_group, moderator)
    assert not any(seen().values()), seen()


def test_a_hidden_groups_page_shows_a_notice_its_other_pages_answer_404(
    client, login, member, non_member, owner, group_moderator, moderator, talk, public_group
):
    hide(public_group, moderator)
    url = public_group.get_absolute_url()
    html = client.get(url).content.decode()
    assert NOTICE in html and "On échange graines" not in html
    for user in (member, non_member):
        client = login(user)
        assert NOTICE in client.get(url).content.decode()
        assert client.get(talk.get_absolute_url()).status_code == 404
        assert client.get(url + "membres/").status_code == 404
        assert api_as(user).get(f"/api/groupes/{public_group.slug}/").status_code == 404
    for user in (owner, group_moderator, moderator):
        client = login(user)
        html = client.get(url).content.decode()
        assert "On échange graines" in html and BANNER in html
        assert client.get(talk.get_absolute_url()).status_code == 200
        assert api_as(user).get(f"/api/groupes/{public_group.slug}/").status_code == 200
    # Members cannot post meanwhile: the discussion is out of reach.
    response = login(member).post(talk.get_absolute_url() + "repondre/", {"body": "Coucou"})
    assert response.status_code == 404
    assert Message.objects.filter(thread=talk).count() == 2


# --- a hidden message -------------------------------------------------------------------------


def test_a_hidden_message_leaves_the_search_results_and_the_apis_text(
    client, login, talk, member, owner, non_member, moderator, public_group
):
    message = Message.objects.get(thread=talk, position=2)
    services.message_post(thread=talk, author=owner, body="Bien reçu.", quoted=message)
    hide(message, moderator, reporter=non_member)
    searches = [
        f"/groupes/recherche/?q={WORD}",
        f"/groupes/{public_group.slug}/recherche/?q={WORD}",
    ]
    for url in searches:
        client.logout()
        assert PHRASE not in client.get(url).content.decode()
        assert PHRASE in login(member).get(url).content.decode()  # its author
    assert PHRASE not in APIClient().get(f"/api/groupes/recherche/?q={WORD}").content.decode()

    messages_url = f"/api/groupes/{public_group.slug}/discussions/{talk.pk}/messages/"
    items = {item["position"]: item for item in APIClient().get(messages_url).json()["results"]}
    assert items[2]["hidden"] is True and items[2]["body"] is None
    assert items[2]["body_html"] is None
    assert items[3]["hidden"] is False and items[3]["body"] == "Bien reçu."
    own = {item["position"]: item for item in api_as(member).get(messages_url).json()["results"]}
    assert WORD in own[2]["body"]
    detail = APIClient().get(f"{messages_url}{message.pk}/").json()
    assert detail["hidden"] is True and detail["body"] is None

    # In the thread, the quote of the hidden message is replaced by the notice too.
    client.logout()
    html = client.get(talk.get_absolute_url()).content.decode()
    assert PHRASE not in html and html.count(NOTICE) == 2


def test_a_hidden_message_cannot_be_quoted(login, talk, owner, non_member, moderator):
    message = Message.objects.get(thread=talk, position=2)
    hide(message, moderator, reporter=non_member)
    with pytest.raises(ValidationError, match="hidden by moderation"):
        services.message_post(thread=talk, author=owner, body="Je cite.", quoted=message)
    response = login(owner).get(talk.get_absolute_url() + f"repondre/?citer={message.pk}")
    assert response.status_code == 302
    assert Message.objects.filter(thread=talk).count() == 2


# --- posting safeguards ---------------------------------------------------------------------


def test_a_suspended_member_cannot_start_a_discussion_or_reply(public_group, public_thread, member):
    suspend(member)
    with pytest.raises(ValidationError, match="Your account is suspended until"):
        services.thread_create(group=public_group, author=member, title="Titre", body="Texte")
    with pytest.raises(ValidationError, match="Your account is suspended until"):
        services.message_post(thread=public_thread, author=member, body="Réponse")
    assert Thread.objects.filter(group=public_group).count() == 1
    assert Message.objects.filter(thread=public_thread).count() == 1


def test_a_banned_member_cannot_edit_their_message(talk, member):
    message = Message.objects.get(thread=talk, position=2)
    ban(member)
    with pytest.raises(ValidationError, match="banned"):
        services.message_edit(message=message, editor=member, body="Autre texte")
    message.refresh_from_db()
    assert WORD in message.body


def test_a_suspended_member_replying_from_the_page_is_logged_out_and_nothing_is_posted(
    login, public_thread, member
):
    client = login(member)
    suspend(member)
    response = client.post(public_thread.get_absolute_url() + "repondre/", {"body": "Réponse"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert Message.objects.filter(thread=public_thread).count() == 1


def test_a_suspended_member_cannot_post_through_the_api(public_thread, public_group, member):
    api = api_as(member)
    suspend(member)
    url = f"/api/groupes/{public_group.slug}/discussions/{public_thread.pk}/messages/"
    assert api.post(url, {"body": "Réponse"}, format="json").status_code in (401, 403)
    assert Message.objects.filter(thread=public_thread).count() == 1


def test_a_new_accounts_message_with_many_links_is_refused_with_a_message(
    login, public_group, public_thread, member
):
    response = login(member).post(public_thread.get_absolute_url() + "repondre/", {"body": LINKS})
    assert response.status_code == 400
    assert "Please remove some links" in response.content.decode()
    response = login(member).post(
        public_group.get_absolute_url() + "discussions/nouvelle/",
        {"title": "Bons plans", "body": LINKS},
    )
    assert "Please remove some links" in response.content.decode()
    assert Message.objects.filter(author=member).count() == 0
    services.message_post(thread=public_thread, author=member, body="Voir https://a.example")


def test_older_accounts_may_post_links(settings, public_thread, member):
    settings.PARVIS_NEW_ACCOUNT_DAYS = 0
    services.message_post(thread=public_thread, author=member, body=LINKS)


def test_a_new_account_posts_a_few_messages_a_day(settings, public_group, public_thread, member):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 2
    services.thread_create(group=public_group, author=member, title="Titre", body="Texte")
    services.message_post(thread=public_thread, author=member, body="Réponse")
    with pytest.raises(ValidationError, match="Your account is new"):
        services.message_post(thread=public_thread, author=member, body="Encore")
    assert Message.objects.filter(author=member).count() == 2

"""Comments on consultations (the comments app) join moderation: members report them; a
comment hidden by the moderators is replaced by a notice (its author and the staff still see
it); deleting it keeps the thread readable."""

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from parvis.comments.models import Comment
from parvis.comments.services import comment_post
from parvis.moderation import registry
from parvis.moderation.models import DecisionAction, Ground, Report, ReportReason
from parvis.moderation.services import case_decide, report_create

from ..moderation.helpers import api_as, hide, suspend

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(make_consultation, resident):
    return comment_post(item=make_consultation(), author=resident, body="Achetez **ici**")


def page_of(comment):
    return comment.get_absolute_url().split("#")[0]


def posted(consultation, body):
    return {"body": body}, f"/commentaires/consultations.consultation:{consultation.pk}/nouveau/"


def test_discussion_messages_are_reportable(login, comment, resident, other_resident):
    assert registry.get_for_model(Comment) is not None
    url = page_of(comment)
    page = login(other_resident).get(url).content.decode()
    report_url = f"/moderation/signaler/comments.comment/{comment.pk}/"
    assert report_url in page
    page = login(resident).get(url).content.decode()
    assert report_url not in page  # not on one's own message
    login(other_resident).post(report_url, {"reason": "spam"})
    assert Report.objects.filter(reporter=other_resident).count() == 1


def test_a_message_hidden_by_the_moderators_shows_a_notice(
    client, login, comment, other_resident, resident, moderator
):
    report = report_create(reporter=other_resident, obj=comment, reason=ReportReason.SPAM)
    case_decide(
        case=report.case,
        moderator=moderator,
        action=DecisionAction.HIDE,
        ground=Ground.SPAM,
        facts="Publicité sans rapport avec la consultation.",
    )
    url = page_of(comment)

    page = client.get(url).content.decode()
    assert "hidden by moderation" in page and "Achetez" not in page
    assert "Achetez" in login(resident).get(url).content.decode()  # its author
    assert "Achetez" in login(moderator).get(url).content.decode()


def test_a_message_deleted_by_the_moderators_leaves_a_notice(
    client, comment, other_resident, moderator
):
    report = report_create(reporter=other_resident, obj=comment, reason=ReportReason.SPAM)
    case_decide(
        case=report.case,
        moderator=moderator,
        action=DecisionAction.DELETE,
        ground=Ground.SPAM,
        facts="Publicité.",
    )
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    page = client.get(page_of(comment)).content.decode()
    assert "This comment was removed by a moderator." in page and "Achetez" not in page


# --- the consultation itself ----------------------------------------------------------------

TITLE = "Plan vélo départemental"
NOTICE = "This content was hidden by moderation"
BANNER = "Only its author and the moderators can see it."


def test_the_consultation_page_has_the_report_link_and_visitors_are_sent_to_log_in(
    client, login, make_consultation, resident, agent
):
    consultation = make_consultation()
    report_url = f"/moderation/signaler/consultations.consultation/{consultation.pk}/"
    url = consultation.get_absolute_url()
    assert report_url in client.get(url).content.decode()
    response = client.get(report_url)
    assert response.status_code == 302 and response["Location"].startswith("/compte/login/")
    assert report_url in login(resident).get(url).content.decode()
    assert report_url not in login(agent).get(url).content.decode()  # its institution's


@pytest.fixture
def hidden_consultation(make_consultation, moderator):
    consultation = make_consultation(title=TITLE)
    hide(consultation, moderator)
    return consultation


def test_a_hidden_consultation_leaves_the_lists_home_portal_and_api(
    client, login, resident, make_consultation, moderator, beauvais
):
    consultation = make_consultation(title=TITLE)
    pages = ["/", "/consultations/", "/consultations/?etat=ouvertes", beauvais.get_absolute_url()]

    def seen():
        client.logout()
        found = {url: TITLE in client.get(url).content.decode() for url in pages}
        member = login(resident)
        found.update({f"member {url}": TITLE in member.get(url).content.decode() for url in pages})
        for api in (APIClient(), api_as(resident)):
            ids = [item["id"] for item in api.get("/api/consultations/").json()["results"]]
            detail = api.get(f"/api/consultations/{consultation.pk}/")
            found[f"api {api}"] = consultation.pk in ids or detail.status_code == 200
        return found

    assert all(seen().values())
    hide(consultation, moderator)
    assert not any(seen().values())


def test_its_page_shows_a_notice_to_others_and_a_banner_to_its_institution_and_staff(
    client, login, agent, moderator, resident, hidden_consultation
):
    for url in (
        hidden_consultation.get_absolute_url(),
        hidden_consultation.get_absolute_url() + "resultats/",
    ):
        html = client.get(url).content.decode()
        assert NOTICE in html and TITLE not in html
    for user in (agent, moderator):
        html = login(user).get(hidden_consultation.get_absolute_url()).content.decode()
        assert TITLE in html and BANNER in html
    managed = login(agent).get("/consultations/mes-consultations/").content.decode()
    assert TITLE in managed and "hidden by moderation" in managed
    assert api_as(agent).get(f"/api/consultations/{hidden_consultation.pk}/").status_code == 200

    # Nobody else can take part in it meanwhile.
    data, url = posted(hidden_consultation, "Bonjour")
    assert login(resident).post(url, data).status_code == 404
    assert not Comment.objects.exists()


# --- posting safeguards in the discussion --------------------------------------------------


def test_a_suspended_member_cannot_post_in_the_discussion(make_consultation, resident):
    consultation = make_consultation()
    suspend(resident)
    with pytest.raises(ValidationError, match="Your account is suspended until"):
        comment_post(item=consultation, author=resident, body="Mon avis")
    assert not Comment.objects.exists()


def test_a_suspended_member_posting_from_the_page_is_logged_out_and_nothing_is_posted(
    login, make_consultation, resident
):
    consultation = make_consultation()
    client = login(resident)
    suspend(resident)
    data, url = posted(consultation, "Mon avis")
    response = client.post(url, data)
    assert response.status_code == 302
    assert not Comment.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_new_accounts_message_with_many_links_is_refused_with_a_message(
    login, make_consultation, resident
):
    consultation = make_consultation()
    body = "Voir https://a.example, https://b.example et https://c.example"
    data, url = posted(consultation, body)
    response = login(resident).post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "Please remove some links" in html
    assert not Comment.objects.exists()
    comment_post(item=consultation, author=resident, body="Voir https://a.example")


def test_a_new_account_posts_a_few_messages_a_day(settings, make_consultation, resident):
    settings.PARVIS_NEW_ACCOUNT_POSTS_PER_DAY = 1
    consultation = make_consultation()
    comment_post(item=consultation, author=resident, body="Premier avis")
    with pytest.raises(ValidationError, match="Your account is new"):
        comment_post(item=consultation, author=resident, body="Second avis")
    assert Comment.objects.count() == 1

"""A consultation's discussion is the comments app's (one comment system, as on events and
news posts): identified members comment and reply, the institution's agents remove a comment
with a reason, the agent who wrote the consultation and the followers of its institution are
told; the page, the API, moderation and a member's data cover it. The old discussion's rows
moved there with a data migration."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from parvis.comments import services
from parvis.comments.models import Comment
from parvis.consultations.models import ConsultationStatus
from parvis.moderation.models import DecisionAction, Ground, ModerationCase, ReportReason
from parvis.moderation.services import case_decide, report_create
from parvis.news.services import follow_create
from parvis.notifications.models import Notification
from tests.factories import UserFactory

from ..moderation.helpers import api_as

pytestmark = pytest.mark.django_db


def key(consultation):
    return f"consultations.consultation:{consultation.pk}"


def create_url(consultation):
    return f"/commentaires/{key(consultation)}/nouveau/"


# --- services --------------------------------------------------------------------------------


def test_identified_members_comment_and_the_agent_replies(make_consultation, resident, agent):
    consultation = make_consultation()
    comment = services.comment_post(item=consultation, author=resident, body="  Bonne idée !  ")
    assert (comment.target, comment.body) == (key(consultation), "Bonne idée !")
    reply = services.comment_post(
        item=consultation, author=agent, body="Merci, nous l'étudions.", parent=comment
    )
    assert reply.parent == comment


def test_unidentified_members_drafts_and_visitors_are_refused(make_consultation, oise):
    consultation = make_consultation()
    unverified = UserFactory(commune=oise["beauvais"], verified_email=False)
    with pytest.raises(PermissionDenied, match="Only identified members"):
        services.comment_post(item=consultation, author=unverified, body="Mon avis")
    with pytest.raises(PermissionDenied, match="Only identified members"):
        services.comment_post(item=consultation, author=UserFactory(commune=None), body="Avis")
    draft = make_consultation(title="Brouillon", status=ConsultationStatus.DRAFT)
    agent = draft.created_by
    with pytest.raises(ValidationError, match="Comments are closed"):
        services.comment_post(item=draft, author=agent, body="Tôt")
    assert not Comment.objects.exists()


def test_the_institutions_agents_remove_a_comment_with_a_reason_only(
    make_consultation, resident, other_resident, agent
):
    comment = services.comment_post(item=make_consultation(), author=resident, body="Hors sujet")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, actor=other_resident, reason="Non")
    with pytest.raises(ValidationError) as error:
        services.comment_delete(comment=comment, actor=agent)
    assert "reason" in error.value.message_dict
    comment.refresh_from_db()
    assert comment.deleted_at is None
    services.comment_delete(comment=comment, actor=agent, reason="Hors sujet.")
    comment.refresh_from_db()
    assert comment.deleted_by == agent and comment.removed_by_moderator


def test_the_author_agent_and_the_institutions_followers_are_told(
    make_consultation, institution, agent, resident, other_resident,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    consultation = make_consultation()
    follow_create(user=other_resident, target=institution)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_post(item=consultation, author=resident, body="Et les trottoirs ?")
    told = Notification.objects.filter(type_key="comments.commented")
    assert set(told.values_list("recipient", flat=True)) == {agent.pk, other_resident.pk}
    assert told.first().url.startswith(consultation.get_absolute_url() + "#commentaire-")


# --- the page ----------------------------------------------------------------------------------


def test_members_comment_from_the_page_and_visitors_read(
    client, login, make_consultation, resident
):
    consultation = make_consultation()
    url = consultation.get_absolute_url()
    response = login(resident).post(create_url(consultation), {"body": "Des **pistes** !"})
    assert response.status_code == 302 and "#commentaire-" in response["Location"]
    client.logout()
    page = client.get(url).content.decode()
    assert "Des <strong>pistes</strong> !" in page and 'id="commentaires"' in page
    assert "Log in to comment" in page


def test_bad_input_is_refused_by_field_and_nothing_stored(login, make_consultation, resident):
    consultation = make_consultation()
    client = login(resident)
    for body in ("   ", "x" * 3001):
        response = client.post(create_url(consultation), {"body": body})
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    assert not Comment.objects.exists()


def test_an_unidentified_member_sees_why_instead_of_the_form(login, make_consultation, oise):
    consultation = make_consultation()
    member = UserFactory(commune=oise["beauvais"], verified_email=False)
    client = login(member)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "Only identified members" in page and 'id="comment-body"' not in page
    response = client.post(create_url(consultation), {"body": "Mon avis"})
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_the_agent_gets_a_remove_link_and_strangers_do_not(
    login, make_consultation, resident, other_resident, agent
):
    consultation = make_consultation()
    comment = services.comment_post(item=consultation, author=resident, body="Pub !")
    remove = f"/commentaires/{comment.pk}/supprimer/"
    assert remove in login(agent).get(consultation.get_absolute_url()).content.decode()
    assert remove not in login(other_resident).get(consultation.get_absolute_url()).content.decode()
    assert login(other_resident).post(remove, {"reason": "Non"}).status_code == 404
    page = login(agent).post(remove, {"reason": ""}).content.decode()
    assert "Give the reason" in page
    assert login(agent).post(remove, {"reason": "Publicité."}).status_code == 302
    comment.refresh_from_db()
    assert comment.deleted_by == agent


# --- the API -------------------------------------------------------------------------------------


def test_the_api_comments_on_consultations_with_the_same_rules(make_consultation, resident, oise):
    consultation = make_consultation()
    api = api_as(resident)
    posted = api.post("/api/commentaires/", {"target": key(consultation), "body": "Via l'API"})
    assert posted.status_code == 201 and posted.json()["target"] == key(consultation)
    listed = api.get(f"/api/commentaires/?cible={key(consultation)}").json()
    assert [row["body"] for row in listed["results"]] == ["Via l'API"]
    empty = api.post("/api/commentaires/", {"target": key(consultation), "body": ""})
    assert empty.status_code == 400 and "body" in empty.json()
    unverified = UserFactory(commune=oise["beauvais"], verified_email=False)
    refused = api_as(unverified).post(
        "/api/commentaires/", {"target": key(consultation), "body": "Non"}
    )
    assert refused.status_code == 403
    assert Comment.objects.count() == 1


# --- moderation ---------------------------------------------------------------------------------


def test_a_hidden_comment_shows_a_notice(
    client, login, make_consultation, resident, other_resident, moderator
):
    consultation = make_consultation()
    comment = services.comment_post(item=consultation, author=resident, body="Achetez ici")
    report = report_create(reporter=other_resident, obj=comment, reason=ReportReason.SPAM)
    case_decide(
        case=report.case,
        moderator=moderator,
        action=DecisionAction.HIDE,
        ground=Ground.SPAM,
        facts="Publicité.",
    )
    url = consultation.get_absolute_url()
    page = client.get(url).content.decode()
    assert "hidden by moderation" in page and "Achetez" not in page
    assert "Achetez" in login(resident).get(url).content.decode()


# --- query budget -------------------------------------------------------------------------------


def test_the_page_with_comments_runs_a_fixed_number_of_queries(
    client, login, make_consultation, oise, resident, django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    consultation = make_consultation()
    authors = [UserFactory(commune=oise["margny"]) for _ in range(3)]

    def add(count):
        with django_capture_on_commit_callbacks(execute=True):  # retires the cached page
            _add(count)

    def _add(count):
        for number in range(count):
            top = Comment.objects.create(
                target=key(consultation),
                author=authors[number % 3],
                body=f"Avis {number}",
                body_html=f"<p>Avis {number}</p>",
            )
            Comment.objects.create(
                target=key(consultation), parent=top, author=authors[(number + 1) % 3], body="Oui"
            )

    member = login(resident)
    member.get("/")  # the session's first-request work
    add(2)
    for reader in (client, member):
        with django_assert_max_num_queries(26):
            reader.get(consultation.get_absolute_url())
    add(18)
    for reader in (client, member):
        with django_assert_max_num_queries(26):
            response = reader.get(consultation.get_absolute_url())
        html = response.content.decode()
        assert html.count('<article class="comment"') == 40  # 20 comments, 20 replies


# --- the data migration ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_old_discussion_moves_to_the_comments_app(institution, agent, resident, moderator):
    """Its messages become comments (author, date, deletion kept); a reported message's
    moderation case follows it."""
    from .conftest import create_consultation

    consultation = create_consultation(organisation=institution, created_by=agent)
    before = [("consultations", "0005_consultation_full_text_search")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    try:
        OldComment = old_apps.get_model("consultations", "Comment")
        kept = OldComment.objects.create(
            consultation_id=consultation.pk, author_id=resident.pk, body="Plus de **bus**"
        )
        removed = OldComment.objects.create(
            consultation_id=consultation.pk,
            author_id=resident.pk,
            body="Publicité",
            deleted_at=kept.created_at,
            deleted_by_id=moderator.pk,
            deletion_reason="Publicité.",
        )
        ModerationCase.objects.create(  # the moderation app is as it is now
            content_type=ContentType.objects.get_or_create(
                app_label="consultations", model="comment"
            )[0],
            object_id=removed.pk,
            object_repr="Publicité",
            object_url=f"{consultation.get_absolute_url()}#message-{removed.pk}",
            is_hidden=True,
            is_deleted=True,
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    first, second = Comment.objects.filter(target=key(consultation)).order_by("pk")
    assert (first.author, first.body, first.created_at) == (resident, kept.body, kept.created_at)
    assert "<strong>bus</strong>" in first.body_html and first.deleted_at is None
    assert (second.deleted_by, second.deletion_reason) == (moderator, "Publicité.")
    case = ModerationCase.objects.get(object_id=second.pk)
    assert case.content_type.model_class() is Comment and case.is_hidden
    assert case.object_url.endswith(f"#commentaire-{second.pk}")

"""The writes of this round's capabilities (issues 14-17) for the generated security tests:
comments, reactions, follows, private messages, questions to the officials, local reports and
calls for volunteers, through their forms and their API operations."""

from django.urls import reverse

from parvis.comments.forms import CommentForm as ItemCommentForm
from parvis.comments.forms import DeleteForm as CommentDeleteForm
from parvis.conversations.forms import DelegationForm, MessageForm, StartForm
from parvis.localreports.forms import ReportForm as LocalReportForm
from parvis.localreports.forms import TriageForm
from parvis.questions.forms import AnswerForm as QuestionAnswerForm
from parvis.questions.forms import AskForm
from parvis.volunteers.forms import CallForm
from parvis.volunteers.forms import MessageForm as VolunteersMessageForm

from . import worlds_round as w
from .worlds import Case


def _comment_url(world):
    return reverse("comments:edit", kwargs={"pk": world["comment"].pk})


def _question_url(world, name):
    question = world["question"]
    return reverse(f"questions:{name}", kwargs={"pk": question.pk, "slug": question.slug})


def _call_url(world, name):
    return reverse(
        f"volunteers:{name}", kwargs={"pk": world["call"].pk, "slug": world["call"].slug}
    )


def writes(Write):  # noqa: N803  (the dataclass of ``writes.py``)
    return [
        Write(
            name="comment_post",
            setup=w.comment_world,
            form_class=ItemCommentForm,
            form_url=lambda world: reverse("comments:create", kwargs={"target": world["target"]}),
            form_data=lambda world: {"body": "J'y serai, avec des gâteaux."},
            api_operation=("post", "/api/commentaires/"),
            api_url=lambda world: "/api/commentaires/",
            api_data=lambda world: {"target": world["target"], "body": "J'y serai."},
            fields={"body": "body"},
            stored=lambda world: w.Comment.objects.count(),
            shown_on=lambda world: [world["event"].get_absolute_url()],
            text_fields=("body",),
        ),
        Write(
            name="comment_edit",
            setup=w.with_comment,
            form_class=ItemCommentForm,
            form_url=_comment_url,
            form_data=lambda world: {"body": "J'y serai, corrigé."},
            api_operation=("patch", "/api/commentaires/{id}/"),
            api_url=lambda world: f"/api/commentaires/{world['comment'].pk}/",
            api_data=lambda world: {"body": "J'y serai, corrigé."},
            fields={"body": "body"},
            stored=w.comment_state,
            shown_on=lambda world: [world["event"].get_absolute_url()],
            text_fields=("body",),
        ),
        Write(
            name="comment_remove",
            setup=w.with_comment_for_staff,
            form_class=CommentDeleteForm,
            form_url=lambda world: reverse("comments:delete", kwargs={"pk": world["comment"].pk}),
            form_data=lambda world: {"reason": "Propos hors sujet."},
            api_operation=("post", "/api/commentaires/{id}/retirer/"),
            api_url=lambda world: f"/api/commentaires/{world['comment'].pk}/retirer/",
            api_data=lambda world: {"reason": "Propos hors sujet."},
            fields={"reason": "reason"},
            stored=w.comment_state,
            shown_on=lambda world: [world["event"].get_absolute_url()],
            text_fields=("reason",),
        ),
        Write(
            name="reaction_set",
            setup=w.comment_world,
            api_operation=("post", "/api/reactions/"),
            api_url=lambda world: "/api/reactions/",
            api_data=lambda world: {"target": world["target"], "kind": "like"},
            fields={"target": "target", "kind": "kind"},
            stored=w.reactions_of,
            shown_on=lambda world: [world["event"].get_absolute_url()],
            text_fields=("target", "kind"),
        ),
        Write(
            name="reaction_remove",
            setup=w.with_reaction,
            api_operation=("post", "/api/reactions/retirer/"),
            api_url=lambda world: "/api/reactions/retirer/",
            api_data=lambda world: {"target": world["target"]},
            fields={"target": "target"},
            stored=w.reactions_of,
            text_fields=("target",),
        ),
        Write(
            name="follow",
            setup=w.comment_world,
            api_operation=("post", "/api/abonnements/"),
            api_url=lambda world: "/api/abonnements/",
            api_data=lambda world: {"kind": "territory", "target_id": world["event"].commune_id},
            fields={"kind": "kind", "target_id": "target_id"},
            stored=w.follows,
            text_fields=("kind", "target_id"),
        ),
        Write(
            name="conversation_start",
            setup=w.conversation_world,
            form_class=StartForm,
            form_url=lambda world: reverse(
                "conversations:official", kwargs={"pk": world["official"].pk}
            ),
            form_data=lambda world: {"subject": "Le marché", "body": "Bonjour, une question."},
            api_operation=("post", "/api/messages/"),
            api_url=lambda world: "/api/messages/",
            api_data=lambda world: {
                "official": world["official"].pk,
                "subject": "Le marché",
                "body": "Bonjour, une question.",
            },
            fields={"subject": "subject", "body": "body", "attachment": "image"},
            stored=w.private_messages,
            shown_on=lambda world: [w.Conversation.objects.latest("pk").get_absolute_url()],
            text_fields=("subject", "body"),
            file_fields=("attachment",),
        ),
        Write(
            name="private_message",
            setup=w.with_conversation,
            form_class=MessageForm,
            form_url=lambda world: reverse(
                "conversations:detail", kwargs={"pk": world["conversation"].pk}
            ),
            form_data=lambda world: {"body": "Merci !"},
            api_operation=("post", "/api/messages/{id}/messages/"),
            api_url=lambda world: f"/api/messages/{world['conversation'].pk}/messages/",
            api_data=lambda world: {"body": "Merci !"},
            fields={"body": "body", "attachment": "image"},
            stored=w.private_messages,
            shown_on=lambda world: [world["conversation"].get_absolute_url()],
            text_fields=("body",),
            file_fields=("attachment",),
        ),
        Write(
            name="delegation",
            setup=w.delegation_world,
            form_class=DelegationForm,
            form_url=lambda world: reverse("conversations:settings"),
            form_data=lambda world: {"action": "delegate", "email": world["delegate"].email},
            stored=w.delegations,
            shown_on=lambda world: [reverse("conversations:settings")],
            text_fields=("email",),
        ),
        Write(
            name="question_ask",
            setup=w.question_world,
            form_class=AskForm,
            form_url=lambda world: reverse("questions:ask"),
            form_data=lambda world: {
                "addressee": f"official:{world['official'].pk}",
                "theme": "roads",
                "title": "Quand la rue Gambetta sera-t-elle refaite ?",
                "body": "La chaussée est dégradée depuis l'hiver dernier.",
            },
            api_operation=("post", "/api/questions/"),
            api_url=lambda world: "/api/questions/",
            api_data=lambda world: {
                "official": world["official"].pk,
                "theme": "roads",
                "title": "Quand la rue Gambetta sera-t-elle refaite ?",
                "body": "La chaussée est dégradée depuis l'hiver dernier.",
            },
            fields={"title": "title", "body": "body", "theme": "theme"},
            cases=[Case("unknown theme", {"theme": "astrologie"}, {"theme": "astrologie"})],
            stored=w.questions,
            shown_on=lambda world: [w.Question.objects.latest("pk").get_absolute_url()],
            text_fields=("title", "body"),
        ),
        Write(
            name="question_answer",
            setup=w.with_question,
            form_class=QuestionAnswerForm,
            form_url=lambda world: _question_url(world, "answer"),
            form_data=lambda world: {"body": "Les travaux commencent en mars."},
            api_operation=("post", "/api/questions/{id}/reponse/"),
            api_url=lambda world: f"/api/questions/{world['question'].pk}/reponse/",
            api_data=lambda world: {"answer": "Les travaux commencent en mars."},
            fields={"body": "answer"},
            stored=w.question_answer,
            shown_on=lambda world: [world["question"].get_absolute_url()],
            text_fields=("body",),
        ),
        Write(
            name="local_report",
            setup=w.report_world,
            form_class=LocalReportForm,
            form_url=lambda world: reverse("localreports:create"),
            form_data=lambda world: {
                "commune": "Beauvais",
                "category": world["category"].slug,
                "address": "12 rue de la République",
                "description": "Un nid-de-poule profond devant le numéro 12.",
            },
            api_operation=("post", "/api/signalements/"),
            api_url=lambda world: "/api/signalements/",
            api_data=lambda world: {
                "commune": "60057",
                "category": world["category"].slug,
                "address": "12 rue de la République",
                "description": "Un nid-de-poule profond devant le numéro 12.",
            },
            fields={"address": "address", "description": "description", "photos": "photos"},
            cases=[
                Case("latitude out of the département", {"latitude": "10"}, {"latitude": "10"}),
            ],
            stored=w.local_reports,
            shown_on=lambda world: [w.LocalReport.objects.latest("pk").get_absolute_url()],
            text_fields=("address", "description"),
            file_fields=("photos",),
        ),
        Write(
            name="local_report_triage",
            setup=w.with_report,
            form_class=TriageForm,
            form_url=lambda world: reverse(
                "localreports:triage", kwargs={"pk": world["report"].pk}
            ),
            form_data=lambda world: {"status": "in_progress", "comment": "Équipe prévenue."},
            api_operation=("post", "/api/signalements/{id}/suivi/"),
            api_url=lambda world: f"/api/signalements/{world['report'].pk}/suivi/",
            api_data=lambda world: {"status": "in_progress", "comment": "Équipe prévenue."},
            fields={"comment": "comment", "status": "status"},
            cases=[Case("unknown status", {"status": "perdu"}, {"status": "perdu"})],
            stored=w.report_updates,
            shown_on=lambda world: [world["report"].get_absolute_url()],
            text_fields=("comment",),
        ),
        Write(
            name="volunteers_call",
            setup=w.call_world,
            form_class=CallForm,
            form_url=lambda world: reverse("volunteers:create"),
            form_data=lambda world: {
                "runner": f"organisation:{world['association'].pk}",
                "title": "Bénévoles pour la brocante",
                "description": "Tenir les stands et guider les exposants.",
                "commune": "Beauvais",
                "place": "Place Jeanne-Hachette",
                "slot_0_label": "Accueil",
                "slot_0_places": "3",
            },
            stored=w.calls,
            shown_on=lambda world: [w.Call.objects.latest("pk").get_absolute_url()],
            text_fields=("title", "description", "place", "slot_0_label"),
        ),
        Write(
            name="volunteers_message",
            setup=w.with_call,
            form_class=VolunteersMessageForm,
            form_url=lambda world: _call_url(world, "volunteers"),
            form_data=lambda world: {"body": "Rendez-vous à 8 h devant la mairie."},
            stored=w.activities,
            text_fields=("body",),
        ),
        Write(
            name="volunteer_signup",
            setup=w.with_call_for_member,
            api_operation=("post", "/api/benevolat/{id}/inscription/"),
            api_url=lambda world: f"/api/benevolat/{world['call'].pk}/inscription/",
            api_data=lambda world: {"slot": world["slot"].pk},
            fields={"slot": "slot"},
            stored=w.signups,
            text_fields=("slot",),
        ),
    ]

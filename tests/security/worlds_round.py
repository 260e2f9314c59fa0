"""The worlds of this round's writes (issues 14-17): comments, reactions, follows, private
messages, questions to the officials, local reports, calls for volunteers."""

import itertools

from django.utils import timezone

from parvis.accounts.models import MandateRole, ProfileKind
from parvis.comments import services as comments
from parvis.comments.models import Comment, Reaction
from parvis.conversations import services as conversations
from parvis.conversations.models import Conversation, Delegation
from parvis.conversations.models import Message as PrivateMessage
from parvis.localreports.models import Category, ReportStatus, Route
from parvis.localreports.models import Report as LocalReport
from parvis.localreports.models import Update as ReportUpdate
from parvis.news.models import Follow
from parvis.notifications.models import Activity
from parvis.organisations.models import OrganisationKind, OrganisationRole
from parvis.questions.models import Question, QuestionStatus, Theme
from parvis.volunteers.models import Call, Signup, Slot
from parvis.volunteers.services import signup_create
from tests.agenda.conftest import create_event
from tests.factories import MandateFactory, MembershipFactory, OrganisationFactory, UserFactory

from .worlds import _member

_NUMBERS = itertools.count(1)


def _event_item(people):
    event = create_event(created_by=people["association_manager"], commune=people["beauvais"])
    return event, f"agenda.event:{event.pk}"


# --- comments, reactions, follows -------------------------------------------------------------


def comment_world(people):
    event, target = _event_item(people)
    return {"user": _member(people), "event": event, "target": target}


def with_comment(people):
    world = comment_world(people)
    world["comment"] = comments.comment_post(
        item=world["event"], author=world["user"], body="J'y serai."
    )
    return world


def with_comment_for_staff(people):
    world = with_comment(people)
    world["user"] = people["moderator"]
    return world


def comment_state(world):
    comment = Comment.objects.get(pk=world["comment"].pk)
    return (comment.body, comment.deleted_at, comment.deletion_reason)


def reactions_of(world):
    return list(Reaction.objects.order_by("pk").values_list("pk", "kind"))


def with_reaction(people):
    world = comment_world(people)
    comments.reaction_set(item=world["event"], user=world["user"], kind="like")
    return world


def follows(world):
    return Follow.objects.count()


# --- private messages -------------------------------------------------------------------------


def official_of(people, commune=None):
    """A verified elected official (a mayor), written to or asked by the members."""
    commune = commune or people["beauvais"]
    official = UserFactory(kind=ProfileKind.OFFICIAL, commune=commune)
    MandateFactory(user=official, territory=commune, role=MandateRole.MAYOR)
    return official


def conversation_world(people):
    return {"user": _member(people), "official": official_of(people)}


def with_conversation(people):
    world = {"user": _member(people)}
    world["conversation"] = conversations.conversation_start(
        author=world["user"], recipients=[_member(people)], body="Bonjour !"
    )
    return world


def delegation_world(people):
    official = official_of(people)
    return {"user": official, "delegate": _member(people)}


def private_messages(world):
    return (Conversation.objects.count(), PrivateMessage.objects.count())


def delegations(world):
    return Delegation.objects.count()


# --- questions to the officials ---------------------------------------------------------------


def question_world(people):
    return {"user": _member(people), "official": official_of(people)}


def with_question(people):
    world = question_world(people)
    world["question"] = Question.objects.create(
        author=world["user"],
        commune=people["beauvais"],
        official=world["official"],
        theme=Theme.ROADS,
        title="Quand la rue Gambetta sera-t-elle refaite ?",
        body="La chaussée est dégradée depuis l'hiver dernier, avec des nids-de-poule.",
        status=QuestionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    world["user"] = world["official"]
    return world


def questions(world):
    return Question.objects.count()


def question_answer(world):
    question = Question.objects.get(pk=world["question"].pk)
    return (question.status, question.answer)


# --- local reports ----------------------------------------------------------------------------


def streets():
    category, _created = Category.objects.get_or_create(
        slug="voirie-trottoirs",
        defaults={"name": "Voirie et trottoirs", "route": Route.COMMUNE, "position": 1},
    )
    return category


def report_world(people):
    return {"user": _member(people), "category": streets()}


def with_report(people):
    town_hall = OrganisationFactory(
        name=f"Mairie de Beauvais {next(_NUMBERS)}",
        kind=OrganisationKind.INSTITUTION,
        rna="",
        commune=people["beauvais"],
    )
    agent = UserFactory(kind=ProfileKind.AGENT, commune=people["beauvais"])
    MembershipFactory(organisation=town_hall, user=agent, role=OrganisationRole.EDITOR)
    report = LocalReport.objects.create(
        author=_member(people),
        commune=people["beauvais"],
        category=streets(),
        description="Un nid-de-poule profond devant le 12 rue de la République.",
        address="12 rue de la République",
        institution=town_hall,
        status=ReportStatus.RECEIVED,
    )
    return {"user": agent, "report": report}


def local_reports(world):
    return LocalReport.objects.count()


def report_updates(world):
    report = LocalReport.objects.get(pk=world["report"].pk)
    return (report.status, ReportUpdate.objects.filter(report=report).count())


# --- calls for volunteers ---------------------------------------------------------------------


def call_world(people):
    return {"user": people["association_manager"], "association": people["association"]}


def with_call(people):
    world = call_world(people)
    world["call"] = Call.objects.create(
        title="Bénévoles pour la fête des associations",
        description="Accueillir les visiteurs et tenir la buvette toute la journée.",
        commune=people["beauvais"],
        organisation=people["association"],
        created_by=people["association_manager"],
    )
    world["slot"] = Slot.objects.create(call=world["call"], label="Buvette", places=3)
    signup_create(slot=world["slot"], member=_member(people))
    return world


def with_call_for_member(people):
    world = with_call(people)
    world["user"] = _member(people)
    return world


def signups(world):
    return Signup.objects.count()


def calls(world):
    return Call.objects.count()


def activities(world):
    """What the organisers' message records (the outbox of its notifications and e-mails)."""
    return Activity.objects.filter(kind="volunteers.message").count()

"""The world the authorization matrix walks: one of each object, the personas around it.

Personas: ``visitor`` (anonymous), ``member`` (the resident Camille Martin, who owns a token,
a pending mandate, a notification), ``other_member`` (a resident of another commune),
``group_member`` and ``group_moderator`` (of a private group; the group moderator is its
owner), ``organisation_manager`` (of the association that runs the event, the post and the
consultation), ``official`` (a verified elected official), ``moderator`` (site moderator
after two-factor authentication) and ``staff_without_mfa`` (a site moderator whose session
or token passed no second factor: a member like any other).

``EXTRA_PERSONAS`` are checked on the routes of their own rules only (``table.EXTRA``): a
``blocked_member`` (blocked by the official), the official's ``delegate`` (reads and answers
their messages and questions) and an ``agent`` of Beauvais's town hall (triages its local
reports).
"""

from ..factories import UserFactory, api_key_for

PERSONAS = (
    "visitor",
    "member",
    "other_member",
    "group_member",
    "group_moderator",
    "organisation_manager",
    "official",
    "moderator",
    "staff_without_mfa",
)

EXTRA_PERSONAS = ("blocked_member", "delegate", "agent")

#: The fixtures behind each persona (``tests/conftest.py`` and ``build_world``).
PERSONA_FIXTURES = {
    "member": "resident",
    "other_member": "other_resident",
    "organisation_manager": "association_manager",
    "official": "official",
    "moderator": "moderator",
    "staff_without_mfa": "staff_without_mfa",
}


def build_world(request, oise):
    """Create the objects, return (URL kwargs by placeholder, users by persona)."""
    from parvis.accounts.models import Mandate, MandateRole
    from parvis.accounts.services import api_token_create
    from parvis.comments.models import Comment
    from parvis.groups import services as groups
    from parvis.groups.models import JoinPolicy, Theme, Visibility
    from parvis.moderation import services as moderation
    from parvis.moderation.models import DecisionAction, ModerationCase
    from parvis.notifications.models import Notification
    from parvis.organisations.models import OrganisationInvitation, OrganisationRole

    from ..agenda.conftest import create_event
    from ..consultations.conftest import create_consultation
    from ..groups.conftest import add_member, create_group
    from ..news.conftest import create_post

    users = {persona: request.getfixturevalue(name) for persona, name in PERSONA_FIXTURES.items()}
    beauvais = oise["beauvais"]
    users["group_member"] = UserFactory(email="groupe.membre@example.org", commune=beauvais)
    users["group_moderator"] = UserFactory(email="groupe.anim@example.org", commune=beauvais)
    association = request.getfixturevalue("association")
    member = users["member"]
    manager = users["organisation_manager"]

    group = create_group(
        users["group_moderator"],
        name="Conseil citoyen",
        theme=Theme.CITIZENSHIP,
        visibility=Visibility.PRIVATE,
        join_policy=JoinPolicy.REQUEST,
        territory=beauvais,
    )
    add_member(group, users["group_member"])
    thread = groups.thread_create(
        group=group, author=users["group_moderator"], title="Ordre du jour", body="Secret."
    )
    reply = groups.message_post(thread=thread, author=users["group_member"], body="Réponse.")
    asker = UserFactory(commune=beauvais)
    join_request = groups.membership_request(group=group, user=asker, message="Bonjour")
    invitation = groups.invitation_create(
        group=group, inviter=users["group_moderator"], invitee=UserFactory(commune=beauvais)
    )
    banned = UserFactory(commune=beauvais)
    add_member(group, banned)
    groups.member_ban(group=group, user=banned, actor=users["group_moderator"], reason="Insultes.")

    event = create_event(created_by=manager, commune=beauvais, organisation=association)
    reported = create_event(created_by=manager, commune=beauvais, title="Vide-grenier")
    post = create_post(author=manager, organisation=association)
    consultation = create_consultation(organisation=association, created_by=manager)
    comment = Comment.objects.create(
        target=f"consultations.consultation:{consultation.pk}", author=member, body="Bonne idée."
    )

    token, _key = api_token_create(user=member, name="Script")
    mandate = Mandate.objects.create(
        user=member, role=MandateRole.MUNICIPAL_COUNCILLOR, territory=beauvais
    )
    notification = Notification.objects.create(
        recipient=member, type_key="accounts.mandate_verification", url="/compte/mandats/"
    )
    org_invitation = OrganisationInvitation.objects.create(
        organisation=association,
        invitee=users["other_member"],
        role=OrganisationRole.EDITOR,
        invited_by=manager,
    )
    team_membership = association.memberships.get(user=manager)

    moderation.report_create(reporter=users["other_member"], obj=reported, reason="spam")
    decision = moderation.case_decide(
        case=ModerationCase.objects.get(object_id=reported.pk),
        moderator=users["moderator"],
        action=DecisionAction.HIDE,
        ground="spam",
        facts="Annonce commerciale.",
    )
    occurrence = event.occurrences.first()
    kwargs = {
        "pk:token": token.pk,
        "pk:mandate": mandate.pk,
        "pk:member": member.pk,
        "pk:official": users["official"].pk,
        "pk:notification": notification.pk,
        "pk:decision": decision.pk,
        "pk:org_invitation": org_invitation.pk,
        "pk:team_membership": team_membership.pk,
        "pk:event": event.pk,
        "pk:post": post.pk,
        "pk:consultation": consultation.pk,
        "pk:thread": thread.pk,
        "pk:report_target": event.pk,
        "slug:event": event.slug,
        "slug:post": post.slug,
        "slug:consultation": consultation.slug,
        "slug:group": group.slug,
        "slug:organisation": association.slug,
        "slug:beauvais": beauvais.slug,
        "code:beauvais": beauvais.code,
        "code:epci": beauvais.epci.code,
        "slug:epci": beauvais.epci.slug,
        "code:arrondissement": beauvais.arrondissement.code,
        "slug:arrondissement": beauvais.arrondissement.slug,
        "code:departement": beauvais.departement.code,
        "slug:departement": beauvais.departement.slug,
        "message": reply.pk,
        "comment_pk": comment.pk,
        "request_id": join_request.pk,
        "invitation_id": invitation.pk,
        "user_id": users["group_member"].pk,
        "ban_id": group.bans.get().pk,
        "occurrence_id": occurrence.pk,
        "territory_pk": beauvais.pk,
        "organisation_pk": association.pk,
    }
    kwargs.update(_this_round(users, oise, association, event))
    return kwargs, users


def api_client_for(persona, users):
    from rest_framework.test import APIClient

    client = APIClient()
    if persona != "visitor":
        user = users[persona]
        key = api_key_for(user, mfa=False if persona == "staff_without_mfa" else None)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _this_round(users, oise, association, event):
    """The objects of this round's capabilities (issues 14-17) and the extra personas: a
    conversation of the member with the official (the delegate on its team), a comment, a
    question, a local report routed to Beauvais's town hall, a call for volunteers."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from PIL import Image

    from parvis.accounts.models import ProfileKind
    from parvis.comments import services as comments
    from parvis.conversations import services as conversations
    from parvis.localreports.models import Category, ReportStatus, Route
    from parvis.localreports.models import Report as LocalReport
    from parvis.news.models import Follow
    from parvis.organisations.models import OrganisationKind, OrganisationRole
    from parvis.questions.models import Question, QuestionStatus, Theme
    from parvis.volunteers.models import Call, Slot

    from ..factories import MembershipFactory, OrganisationFactory

    beauvais = oise["beauvais"]
    member, official = users["member"], users["official"]
    users["blocked_member"] = UserFactory(email="bloque@example.org", commune=beauvais)
    users["delegate"] = UserFactory(email="collaborateur@example.org", commune=beauvais)
    users["agent"] = UserFactory(
        email="voirie@beauvais.example", kind=ProfileKind.AGENT, commune=beauvais
    )
    town_hall = OrganisationFactory(
        name="Mairie de Beauvais", kind=OrganisationKind.INSTITUTION, rna="", commune=beauvais
    )
    MembershipFactory(organisation=town_hall, user=users["agent"], role=OrganisationRole.EDITOR)
    conversations.block_create(blocker=official, blocked=users["blocked_member"])
    conversations.delegation_add(official=official, email=users["delegate"].email)

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="PNG")
    conversation = conversations.conversation_start(
        author=member,
        official=official,
        subject="Le marché",
        body="Bonjour, une question.",
        attachment=SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png"),
    )
    attached = conversation.messages.get()
    comment = comments.comment_post(item=event, author=member, body="J'y serai.")
    question = Question.objects.create(
        author=member,
        commune=beauvais,
        official=official,
        theme=Theme.ROADS,
        title="Quand la rue Gambetta sera-t-elle refaite ?",
        body="La chaussée est dégradée depuis l'hiver dernier, avec des nids-de-poule.",
        status=QuestionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    streets, _ = Category.objects.get_or_create(
        slug="voirie-trottoirs",
        defaults={"name": "Voirie et trottoirs", "route": Route.COMMUNE, "position": 1},
    )
    report = LocalReport.objects.create(
        author=member,
        commune=beauvais,
        category=streets,
        description="Un nid-de-poule profond devant le 12 rue de la République.",
        address="12 rue de la République",
        institution=town_hall,
        status=ReportStatus.RECEIVED,
    )
    call = Call.objects.create(
        title="Bénévoles pour la fête des associations",
        description="Accueillir les visiteurs et tenir la buvette toute la journée.",
        commune=beauvais,
        organisation=association,
        created_by=users["organisation_manager"],
    )
    slot = Slot.objects.create(call=call, label="Buvette", places=2)
    follow = Follow.objects.create(user=member, territory=beauvais)
    return {
        "pk:conversation": conversation.pk,
        "message_pk": attached.pk,
        "pk:blocked": users["blocked_member"].pk,
        "pk:comment": comment.pk,
        "target:event": f"agenda.event:{event.pk}",
        "pk:question": question.pk,
        "slug:question": question.slug,
        "pk:local_report": report.pk,
        "pk:call": call.pk,
        "slug:call": call.slug,
        "pk:follow": follow.pk,
        "pk:slot": slot.pk,
        "pk:epci": beauvais.epci_id,
        "size": 192,
    }

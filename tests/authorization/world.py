"""The world the authorization matrix walks: one of each object, the personas around it.

Personas: ``visitor`` (anonymous), ``member`` (the resident Camille Martin, who owns a token,
a pending mandate, a notification), ``other_member`` (a resident of another commune),
``group_member`` and ``group_moderator`` (of a private group; the group moderator is its
owner), ``organisation_manager`` (of the association that runs the event, the post and the
consultation), ``official`` (a verified elected official), ``moderator`` (site moderator
after two-factor authentication) and ``staff_without_mfa`` (a site moderator whose session
or token passed no second factor: a member like any other).
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
    return kwargs, users


def api_client_for(persona, users):
    from rest_framework.test import APIClient

    client = APIClient()
    if persona != "visitor":
        user = users[persona]
        key = api_key_for(user, mfa=False if persona == "staff_without_mfa" else None)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client

"""Keep the organisations' teams in step with their conversations at once: a new manager
reads the organisation's conversations, a former one (or a manager become editor) no longer
does. (``services._sync_team`` does the same at each message, whatever path changed a team.)"""

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from parvis.organisations.models import OrganisationMembership, OrganisationRole

from .models import Conversation, Participant, ParticipantRole


def team_join(user_id, conversations):
    """``user_id`` joins the team rows of ``conversations`` (a queryset)."""
    ids = list(conversations.values_list("pk", flat=True))
    Participant.objects.filter(
        conversation_id__in=ids, user_id=user_id, role=ParticipantRole.TEAM
    ).exclude(left_at=None).update(left_at=None)
    Participant.objects.bulk_create(
        [Participant(conversation_id=pk, user_id=user_id, role=ParticipantRole.TEAM) for pk in ids],
        ignore_conflicts=True,
    )


def team_leave(user_id, conversations):
    Participant.objects.filter(
        conversation__in=conversations,
        user_id=user_id,
        role=ParticipantRole.TEAM,
        left_at__isnull=True,
    ).update(left_at=timezone.now())


def _membership_saved(sender, instance, **kwargs):
    conversations = Conversation.objects.filter(organisation_id=instance.organisation_id)
    if instance.role == OrganisationRole.MANAGER:
        team_join(instance.user_id, conversations)
    else:
        team_leave(instance.user_id, conversations)


def _membership_deleted(sender, instance, **kwargs):
    team_leave(
        instance.user_id, Conversation.objects.filter(organisation_id=instance.organisation_id)
    )


def connect():
    post_save.connect(
        _membership_saved, sender=OrganisationMembership, dispatch_uid="conversations-team-save"
    )
    post_delete.connect(
        _membership_deleted,
        sender=OrganisationMembership,
        dispatch_uid="conversations-team-delete",
    )

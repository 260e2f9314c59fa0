"""The content types that can be reported, registered in one place (see ``registry.py``):
events, member profiles, organisations, and — when installed — group messages and groups,
information posts and consultations.

Imported by ``ModerationConfig.ready()``. A new content app adds its registration here (or in
its own ``AppConfig.ready()``): a few lines, no migration. See docs/moderation.md.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.selectors import member_is_visible_to
from parvis.agenda.models import Event
from parvis.agenda.selectors import event_is_visible_to
from parvis.organisations.models import Organisation, OrganisationRole
from parvis.organisations.selectors import membership_role, organisation_is_visible_to

from . import registry

User = get_user_model()


# --- agenda events ----------------------------------------------------------------------------

registry.register(
    Event,
    label=_("event"),
    author=lambda event: event.created_by,
    author_field="created_by",
    is_visible_to=event_is_visible_to,
    template="moderation/items/event.html",
    select_related=("created_by", "organisation", "commune", "category"),
)


# --- member profiles --------------------------------------------------------------------------


def _erase_profile(member, decision):
    """ "Delete" a profile: erase what the member wrote about themselves (bio, photo, links).
    The account, its name and its contributions stay."""
    old_photo = member.photo.name if member.photo else ""
    member.bio = ""
    member.website = ""
    member.links = []
    member.photo = ""
    member.save(update_fields=["bio", "website", "links", "photo"])
    if old_photo:
        storage = member.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))


registry.register(
    User,
    label=_("member profile"),
    author=lambda member: member,
    author_field="pk",
    is_visible_to=member_is_visible_to,
    template="moderation/items/profile.html",
    delete=_erase_profile,
    select_related=("commune",),
    title=lambda member: member.get_full_name() or str(member.pk),
)


# --- organisations ----------------------------------------------------------------------------


def _organisation_author(organisation):
    """Its longest-serving manager answers for the page (else whoever created it)."""
    membership = (
        organisation.memberships.filter(role=OrganisationRole.MANAGER)
        .select_related("user")
        .order_by("created_at", "pk")
        .first()
    )
    return membership.user if membership else organisation.created_by


registry.register(
    Organisation,
    label=_("organisation"),
    author=_organisation_author,
    author_field="memberships__user",
    # Its whole team answers for the page (the role is remembered on the instance).
    is_author=lambda organisation, user: membership_role(user, organisation) is not None,
    is_visible_to=organisation_is_visible_to,
    template="moderation/items/organisation.html",
    select_related=("commune", "created_by"),
)


# --- content apps built alongside moderation ----------------------------------------------------
# Registered only when installed; their helpers are imported when called, so that a change in
# those apps never stops the start-up.


def _installed(label):
    return apps.is_installed(f"parvis.{label}")


if _installed("groups"):
    from parvis.groups.models import Group as DiscussionGroup
    from parvis.groups.models import Message

    def _message_visible(message, user):
        from parvis.groups.selectors import message_is_visible_to

        return message.deleted_at is None and message_is_visible_to(message, user)

    def _remove_message(message, decision):
        """A message deleted by moderation keeps its place in the discussion, as a
        placeholder ("removed by a moderator"); its text stays out of sight for an appeal."""
        message.deleted_at = timezone.now()
        message.deleted_by = decision.moderator
        message.deletion_reason = decision.facts
        message.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])

    def _group_visible(group, user):
        from parvis.groups.selectors import group_is_visible_to

        return group_is_visible_to(group, user)

    def _group_author(group):
        """Its owner answers for the group (ownership may have passed on), else its creator."""
        from parvis.groups.selectors import group_owner

        return group_owner(group) or group.created_by

    def _group_is_author(group, user):
        """Its owner and moderators run the group: they still see it hidden."""
        from parvis.groups.selectors import runs_group

        return runs_group(user, group)

    def _groups_run_by(user):
        from parvis.groups.selectors import groups_run_filter

        return groups_run_filter(user)

    def _delete_group(group, decision):
        from parvis.groups.services import group_delete

        group_delete(group=group, moderator=decision.moderator, reason=decision.facts)

    registry.register(
        Message,
        label=_("message"),
        author=lambda message: message.author,
        author_field="author",
        is_visible_to=_message_visible,
        template="moderation/items/message.html",
        delete=_remove_message,
        select_related=("author", "thread", "thread__group"),
        title=lambda message: (
            _("%(thread)s — message %(position)d")
            % {"thread": message.thread.title, "position": message.position}
        ),
    )
    registry.register(
        DiscussionGroup,
        label=_("group"),
        author=_group_author,
        author_field="created_by",
        is_author=_group_is_author,
        author_filter=_groups_run_by,
        is_visible_to=_group_visible,
        template="moderation/items/group.html",
        delete=_delete_group,
        select_related=("created_by", "territory"),
    )


if _installed("news"):
    from parvis.news.models import Post

    def _post_visible(post, user):
        from parvis.news.selectors import post_is_visible_to

        return post_is_visible_to(post, user)

    def _post_is_author(post, user):
        """Its team (the official, or the organisation's managers and editors) runs it."""
        from parvis.news.selectors import user_manages_post

        return user_manages_post(user, post)

    def _posts_run_by(user):
        from parvis.news.selectors import managed_filter

        return managed_filter(user)

    registry.register(
        Post,
        label=_("information post"),
        author=lambda post: post.author,
        author_field="author",
        is_author=_post_is_author,
        author_filter=_posts_run_by,
        is_visible_to=_post_visible,
        template="moderation/items/post.html",
        select_related=("author", "organisation", "category"),
    )


if _installed("consultations"):
    from parvis.consultations.models import Consultation

    def _consultation_visible(consultation, user):
        from parvis.consultations.selectors import consultation_is_visible_to

        return consultation_is_visible_to(consultation, user)

    def _consultation_is_author(consultation, user):
        """The institution's agents run it."""
        from parvis.consultations.selectors import user_runs

        return user_runs(user, consultation)

    def _consultations_run_by(user):
        from parvis.consultations.selectors import run_filter

        return run_filter(user)

    registry.register(
        Consultation,
        label=_("consultation"),
        author=lambda consultation: consultation.created_by,
        author_field="created_by",
        is_author=_consultation_is_author,
        author_filter=_consultations_run_by,
        is_visible_to=_consultation_visible,
        template="moderation/items/consultation.html",
        select_related=("created_by", "organisation"),
    )

"""What every write of the groups shares: the limits, text cleaning, permission and
status checks, the group lock and member counter, and the recording of activities (in the
notifications' outbox, ``activities.activity_write``)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from parvis.core.images import image_set
from parvis.core.slugs import unique_slug
from parvis.organisations.models import OrganisationMembership

from ..models import (
    GROUP_TERRITORY_KINDS,
    Ban,
    Group,
    GroupStatus,
    JoinPolicy,
    Membership,
    MembershipState,
    Theme,
    Visibility,
)
from ..selectors import forget_membership, is_site_moderator

#: A member may create at most this many groups in ``GROUP_CREATE_WINDOW``.
GROUP_CREATE_LIMIT = 3


GROUP_CREATE_WINDOW = dt.timedelta(days=1)


#: A member may post at most this many messages in ``MESSAGE_WINDOW`` (all groups together).
MESSAGE_LIMIT = 30


MESSAGE_WINDOW = dt.timedelta(minutes=10)


MESSAGE_MAX_LENGTH = 20000


TITLE_MAX_LENGTH = 200


SHORT_TEXT_MAX_LENGTH = 1000


REASON_MAX_LENGTH = 2000


#: Paths under /groupes/ that a group's slug must not shadow.
RESERVED_SLUGS = {"nouveau", "invitations", "recherche", "mes-groupes", "publier"}


GROUP_FIELDS = (
    "name",
    "description",
    "theme",
    "territory",
    "organisation",
    "visibility",
    "join_policy",
)


def _clean_text(value, *, field, label, max_length, required=True):
    """``value`` stripped, without NUL characters; an error names ``label`` if it is empty
    (when ``required``) or longer than ``max_length``."""
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: _("%(label)s cannot be empty.") % {"label": label}})
    if len(text) > max_length:
        raise ValidationError(
            {
                field: _("%(label)s is too long (%(max)s characters at most, not %(count)s).")
                % {"label": label, "max": max_length, "count": len(text)}
            }
        )
    return text


def _record(
    kind, *, group, audience, actor=None, thread=None, message=None, recipient=None, **data
):
    """An activity, recorded in the caller's transaction; told after commit by a worker."""
    from ..activities import activity_write

    return activity_write(
        kind,
        group=group,
        audience=audience,
        actor=actor,
        thread=thread,
        message=message,
        recipient=recipient,
        **data,
    )


def _require(user, permission, obj, message):
    if not user.has_perm(permission, obj):
        raise PermissionDenied(message)


def _require_active_group(group):
    if group.status == GroupStatus.CLOSED:
        raise ValidationError(_("This group is closed: it can be read but no longer changes."))
    if group.status == GroupStatus.DELETED:
        raise ValidationError(_("This group was deleted."))


def _refresh_member_count(group):
    count = Membership.objects.filter(group=group, state=MembershipState.ACTIVE).count()
    Group.objects.filter(pk=group.pk).update(member_count=count)
    group.member_count = count
    forget_membership(group)


def _lock_group(group):
    """Lock the group row until the end of the transaction (membership changes one at a
    time: the owner rule and the counters stay right under concurrency)."""
    return Group.objects.select_for_update().get(pk=group.pk)


def _unique_slug(name, *, exclude_pk=None):
    return unique_slug(
        Group.objects.all(),
        name,
        default="groupe",
        max_length=130,
        reserved=RESERVED_SLUGS,
        exclude_pk=exclude_pk,
    )


def _validate_group_fields(group, *, actor):
    errors = {}
    if group.theme not in Theme.values:
        errors["theme"] = [_("Choose one of the themes.")]
    if group.visibility not in Visibility.values:
        errors["visibility"] = [_("Choose public or private.")]
    if group.join_policy not in JoinPolicy.values:
        errors["join_policy"] = [_("Choose how members join.")]
    if group.territory_id and group.territory.kind not in GROUP_TERRITORY_KINDS:
        errors["territory"] = [_("Choose a commune or an intercommunality.")]
    if errors:
        raise ValidationError(errors)
    group.full_clean(exclude=["image", "slug", "created_by", "status_changed_by"])


def _check_organisation(organisation, actor):
    if organisation is None or is_site_moderator(actor):
        return
    if not OrganisationMembership.objects.filter(organisation=organisation, user=actor).exists():
        raise ValidationError(
            {"organisation": _("A group can only belong to an organisation you help run.")}
        )


def _set_image(group, image):
    """``image``: an uploaded file (checked and re-encoded), ``False`` to remove it, ``None``
    to leave it alone. Returns whether it changed; the old file goes once committed."""
    return image_set(group, "image", image, max_size=(1200, 1200))


def _require_site_moderator(moderator):
    if not is_site_moderator(moderator):
        raise PermissionDenied(_("Only the site's moderators may do this."))


def _refuse_if_banned(group, user):
    if Ban.objects.filter(group=group, user=user).exists():
        raise PermissionDenied(_("You can no longer join this group."))

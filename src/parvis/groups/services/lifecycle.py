"""A group's life: creation, settings, closing, reopening and deletion by the site's
moderators, and its ownership (transferred by the owner, or handed over so that a group
is never left without an owner while it has members)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.accounts.rules import is_identified_member
from parvis.moderation.safeguards import check_not_sanctioned

from ..models import (
    ActivityKind,
    Audience,
    Group,
    GroupStatus,
    JoinPolicy,
    Membership,
    MembershipState,
    Role,
    Visibility,
)
from ..selectors import forget_membership, is_site_moderator
from .common import (
    GROUP_CREATE_LIMIT,
    GROUP_CREATE_WINDOW,
    GROUP_FIELDS,
    REASON_MAX_LENGTH,
    _check_organisation,
    _clean_text,
    _lock_group,
    _record,
    _require,
    _require_site_moderator,
    _set_image,
    _unique_slug,
    _validate_group_fields,
)


def group_create(
    *,
    creator: User,
    name: str,
    theme: str,
    description: str = "",
    territory=None,
    organisation=None,
    visibility: str = Visibility.PUBLIC,
    join_policy: str = JoinPolicy.OPEN,
    image=None,
) -> Group:
    """Create a group owned by ``creator`` (an identified member), at most
    ``GROUP_CREATE_LIMIT`` a day each. ``image``: an uploaded file or ``None``."""
    if not is_identified_member(creator):
        raise PermissionDenied(
            _("Only identified members (verified e-mail, commune given) may create a group.")
        )
    group = Group(
        name=_clean_text(name, field="name", label=_("The name"), max_length=120),
        description=_clean_text(
            description,
            field="description",
            label=_("The description"),
            max_length=5000,
            required=False,
        ),
        theme=theme,
        territory=territory,
        organisation=organisation,
        visibility=visibility,
        join_policy=join_policy,
        created_by=creator,
        member_count=1,
    )
    _check_organisation(organisation, creator)
    group.slug = _unique_slug(group.name)
    _validate_group_fields(group, actor=creator)
    check_not_sanctioned(creator)
    for attempt in range(3):
        try:
            with transaction.atomic():
                User.objects.select_for_update().filter(pk=creator.pk).first()
                recent = Group.objects.filter(
                    created_by=creator, created_at__gte=timezone.now() - GROUP_CREATE_WINDOW
                ).count()
                if recent >= GROUP_CREATE_LIMIT and not is_site_moderator(creator):
                    raise ValidationError(
                        _(
                            "You have created %(count)s groups in the last 24 hours: "
                            "wait a little before creating another one."
                        )
                        % {"count": recent},
                        code="rate_limited",
                    )
                _set_image(group, image)
                group.save()
                Membership.objects.create(group=group, user=creator, role=Role.OWNER)
            break
        except IntegrityError:
            if attempt == 2:
                raise
            group.pk = None
            group.slug = _unique_slug(group.name)
    return group


def group_update(*, group: Group, actor: User, **changes) -> Group:
    """Change the group's settings (its owner, or a site moderator). Keys: those of
    ``group_create`` except ``creator``; ``image=False`` removes the image. The address
    (slug) stays the same when the name changes, so links keep working."""
    _require(
        actor,
        "groups.change_group_settings",
        group,
        _("Only the group's owner may change its settings."),
    )
    unknown = set(changes) - set(GROUP_FIELDS) - {"image"}
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    group = Group.objects.select_related("territory").get(pk=group.pk)
    changed = set()
    for name in GROUP_FIELDS:
        if name not in changes:
            continue
        value = changes[name]
        if name == "name":
            value = _clean_text(value, field="name", label=_("The name"), max_length=120)
        elif name == "description":
            value = _clean_text(
                value,
                field="description",
                label=_("The description"),
                max_length=5000,
                required=False,
            )
        if name in {"territory", "organisation"}:
            current = getattr(group, f"{name}_id")
            if current != (value.pk if value is not None else None):
                if name == "organisation":
                    _check_organisation(value, actor)
                setattr(group, name, value)
                changed.add(name)
        elif getattr(group, name) != value:
            setattr(group, name, value)
            changed.add(name)
    _validate_group_fields(group, actor=actor)
    with transaction.atomic():
        if _set_image(group, changes.get("image")):
            changed.add("image")
        if changed:
            group.save(update_fields=sorted(changed | {"updated_at"}))
    return group


def _set_status(group, *, moderator, status, reason, kind):
    group.status = status
    group.status_reason = reason
    group.status_changed_by = moderator
    group.status_changed_at = timezone.now()
    with transaction.atomic():
        group.save(
            update_fields=[
                "status",
                "status_reason",
                "status_changed_by",
                "status_changed_at",
                "updated_at",
            ]
        )
        _record(kind, group=group, audience=Audience.GROUP_MEMBERS, actor=moderator, reason=reason)
    return group


def group_close(*, group: Group, moderator: User, reason: str) -> Group:
    """A site moderator closes a group: it stays readable, nothing can be posted or changed.
    The members are told, with the reason."""
    _require_site_moderator(moderator)
    reason = _clean_text(
        reason, field="reason", label=_("The reason"), max_length=REASON_MAX_LENGTH
    )
    if group.status != GroupStatus.ACTIVE:
        raise ValidationError(_("Only an active group can be closed."))
    return _set_status(
        group,
        moderator=moderator,
        status=GroupStatus.CLOSED,
        reason=reason,
        kind=ActivityKind.GROUP_CLOSED,
    )


def group_reopen(*, group: Group, moderator: User) -> Group:
    """A site moderator reopens a closed (or deleted) group."""
    _require_site_moderator(moderator)
    if group.status == GroupStatus.ACTIVE:
        raise ValidationError(_("This group is already open."))
    return _set_status(
        group,
        moderator=moderator,
        status=GroupStatus.ACTIVE,
        reason="",
        kind=ActivityKind.GROUP_REOPENED,
    )


def group_delete(*, group: Group, moderator: User, reason: str) -> Group:
    """A site moderator deletes a group: it disappears from the site for everyone but the
    site moderators (who may reopen it); nothing is erased, so a decision can be appealed.
    The members are told, with the reason."""
    _require_site_moderator(moderator)
    reason = _clean_text(
        reason, field="reason", label=_("The reason"), max_length=REASON_MAX_LENGTH
    )
    if group.status == GroupStatus.DELETED:
        raise ValidationError(_("This group is already deleted."))
    return _set_status(
        group,
        moderator=moderator,
        status=GroupStatus.DELETED,
        reason=reason,
        kind=ActivityKind.GROUP_DELETED,
    )


def _hand_over_ownership(group, *, leaving, actor=None):
    """``leaving`` (the owner's membership) is about to stop being active: give the group
    to the longest-standing moderator, else member; else ask the site moderators. Call
    inside a transaction, with the group locked."""
    successor = (
        Membership.objects.filter(group=group, state=MembershipState.ACTIVE)
        .exclude(pk=leaving.pk)
        .exclude(user__is_active=False)
        .annotate(
            moderator_first=Case(
                When(role=Role.MODERATOR, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("moderator_first", "joined_at", "pk")
        .first()
    )
    leaving.role = Role.MEMBER
    leaving.save(update_fields=["role"])
    if successor is None:
        _record(
            ActivityKind.OWNER_NEEDED,
            group=group,
            audience=Audience.SITE_MODERATORS,
            actor=actor,
        )
        return None
    successor.role = Role.OWNER
    successor.save(update_fields=["role"])
    _record(
        ActivityKind.OWNERSHIP_TRANSFERRED,
        group=group,
        audience=Audience.RECIPIENT,
        actor=actor,
        recipient=successor.user,
        automatic=True,
    )
    return successor


def ownership_transfer(*, group: Group, actor: User, new_owner: User) -> Membership:
    """The owner gives the group to another active member and becomes a moderator. A site
    moderator may also give an ownerless group (or any group) to one of its members."""
    _require(
        actor,
        "groups.transfer_ownership",
        group,
        _("Only the group's owner may transfer ownership."),
    )
    if new_owner.pk == actor.pk and not is_site_moderator(actor):
        raise ValidationError(_("You already own this group."))
    with transaction.atomic():
        locked = _lock_group(group)
        target = Membership.objects.filter(
            group=locked, user=new_owner, state=MembershipState.ACTIVE
        ).first()
        if target is None or not new_owner.is_active:
            raise ValidationError(
                {"new_owner": _("The new owner must be an active member of the group.")}
            )
        if target.role == Role.OWNER:
            return target
        Membership.objects.filter(
            group=locked, role=Role.OWNER, state=MembershipState.ACTIVE
        ).update(role=Role.MODERATOR)
        target.role = Role.OWNER
        target.save(update_fields=["role"])
        _record(
            ActivityKind.OWNERSHIP_TRANSFERRED,
            group=locked,
            audience=Audience.RECIPIENT,
            actor=actor,
            recipient=new_owner,
            automatic=False,
        )
    forget_membership(group)
    return target

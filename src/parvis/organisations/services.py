"""Writes of organisations: creation, page edits, the team (invitations, roles), verification.

Every function is keyword-only, validates before writing, writes in a transaction and tells
the members concerned through ``notify()`` (invitations, verification outcomes; types in
``notifications.py``), whose e-mails leave after the commit. Permission failures raise
``PermissionDenied``; invalid input raises ``ValidationError`` with a message for the member.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User, VerificationStatus
from parvis.core.images import file_delete_on_commit, image_set
from parvis.core.slugs import unique_slug
from parvis.moderation.audit import audit_record
from parvis.notifications.services import notify

from .models import (
    CONTACT_FIELDS,
    InvitationStatus,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
    OrganisationRole,
)
from .validators import normalise_phone, normalise_rna, normalise_siren

# Fields an editor may change; a manager may also change IDENTITY_FIELDS.
#: The largest cover kept (its renditions go up to 1280 px wide).
COVER_SIZE = (1600, 1600)
PAGE_FIELDS = ("description", "logo", "cover", "cover_alt", "website", *CONTACT_FIELDS)
IDENTITY_FIELDS = ("name", "kind", "commune", "rna", "siren")
# A verified organisation that changes one of these goes back to verification.
REVERIFY_FIELDS = ("name", "kind", "rna", "siren")
# Paths under /organisations/ that a slug must not shadow.
RESERVED_SLUGS = {"nouvelle", "invitations"}


def _unique_slug(name, *, exclude_pk=None):
    return unique_slug(
        Organisation.objects.all(),
        name,
        default="organisation",
        max_length=160,
        reserved=RESERVED_SLUGS,
        exclude_pk=exclude_pk,
    )


def _managers(organisation):
    return OrganisationMembership.objects.filter(
        organisation=organisation, role=OrganisationRole.MANAGER
    )


def _role(user, organisation):
    return (
        OrganisationMembership.objects.filter(organisation=organisation, user=user)
        .values_list("role", flat=True)
        .first()
    )


def _tidy_contact(values):
    """Contact details as stored: trimmed, the phone number in its French written form
    (``validators.normalise_phone``); validated by the model's ``full_clean``."""
    for field in ("website", *CONTACT_FIELDS):
        if field in values:
            values[field] = (values[field] or "").strip()
    if values.get("phone"):
        values["phone"] = normalise_phone(values["phone"])
    return values


def _require_manager(user, organisation):
    if not (user.is_active and _role(user, organisation) == OrganisationRole.MANAGER):
        raise PermissionDenied(_("Only a manager of the organisation may do this."))


def organisation_create(
    *,
    creator: User,
    name: str,
    kind: str,
    commune,
    description: str = "",
    logo=None,
    cover=None,
    cover_alt: str = "",
    website: str = "",
    rna: str = "",
    siren: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    opening_hours: str = "",
) -> Organisation:
    """Create an organisation awaiting verification, run by ``creator`` as its manager.

    ``logo`` is an already cleaned image file (see ``parvis.core.images.process_image``);
    ``cover`` an uploaded file, checked and re-encoded here (``ValidationError`` on
    ``cover`` if it is not an acceptable image).
    """
    if not (creator.is_authenticated and creator.is_active):
        raise PermissionDenied(_("Only identified members may create an organisation."))
    contact = _tidy_contact(
        {
            "website": website,
            "email": email,
            "phone": phone,
            "address": address,
            "opening_hours": opening_hours,
        }
    )
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        commune=commune,
        description=description,
        cover_alt=cover_alt.strip(),
        **contact,
        rna=normalise_rna(rna),
        siren=normalise_siren(siren),
        status=VerificationStatus.PENDING,
        created_by=creator,
    )
    organisation.slug = _unique_slug(organisation.name)
    organisation.full_clean()
    for attempt in range(3):
        try:
            with transaction.atomic():
                # The cover is checked before anything is stored.
                image_set(organisation, "cover", cover or None, max_size=COVER_SIZE)
                if logo:
                    organisation.logo.save(logo.name, logo, save=False)
                organisation.save()
                OrganisationMembership.objects.create(
                    organisation=organisation, user=creator, role=OrganisationRole.MANAGER
                )
            break
        except IntegrityError:
            # Someone took the same slug in the meantime: pick the next one.
            if attempt == 2:
                raise
            organisation.pk = None
            organisation.slug = _unique_slug(organisation.name)
    return organisation


def organisation_update(*, organisation: Organisation, actor: User, **changes) -> Organisation:
    """Change the page (editors and managers) or the identity (managers only).

    ``logo`` may be a cleaned image file, or ``None`` to remove the logo; ``cover`` an
    uploaded file (checked and re-encoded here), or ``False`` to remove the cover. Changing
    the name, kind or numbers of a verified organisation sends it back to verification.
    """
    role = _role(actor, organisation) if actor.is_active else None
    allowed = set(PAGE_FIELDS)
    if role == OrganisationRole.MANAGER:
        allowed |= set(IDENTITY_FIELDS)
    elif role != OrganisationRole.EDITOR:
        raise PermissionDenied(_("Only the organisation's managers and editors may edit it."))
    refused = set(changes) - allowed
    if refused:
        raise PermissionDenied(_("Only a manager may change the name, commune or numbers."))

    if "rna" in changes:
        changes["rna"] = normalise_rna(changes["rna"])
    if "siren" in changes:
        changes["siren"] = normalise_siren(changes["siren"])
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    _tidy_contact(changes)

    logo = changes.pop("logo", False)  # False: untouched; None: removed; a file: replaced
    cover = changes.pop("cover", None)  # None: untouched; False: removed; a file: replaced
    if "cover_alt" in changes:
        changes["cover_alt"] = changes["cover_alt"].strip()
    updated = [field for field, value in changes.items() if getattr(organisation, field) != value]
    for field in updated:
        setattr(organisation, field, changes[field])
    # A verified organisation changing its identity, or a rejected one correcting it, waits
    # for a moderator again (and so does one sent back with changes, below).
    back_to_verification = (
        organisation.status == VerificationStatus.VERIFIED
        and any(field in REVERIFY_FIELDS for field in updated)
    ) or (
        organisation.status == VerificationStatus.REJECTED
        and any(field in IDENTITY_FIELDS for field in updated)
    )
    organisation.full_clean()
    # Sent back with changes to make: the team's next edit, whatever it is, resubmits it.
    changes_requested = organisation.status == VerificationStatus.CHANGES_REQUESTED
    old_logo = organisation.logo.name if organisation.logo else ""
    with transaction.atomic():
        # The cover is checked before anything is stored.
        if image_set(organisation, "cover", cover, max_size=COVER_SIZE):
            updated.append("cover")
        if logo is None and organisation.logo:
            organisation.logo = ""
            updated.append("logo")
        elif logo:
            organisation.logo.save(logo.name, logo, save=False)
            updated.append("logo")
        if back_to_verification or (changes_requested and updated):
            organisation.status = VerificationStatus.PENDING
            organisation.reviewed_by = None
            organisation.reviewed_at = None
            updated += ["status", "reviewed_by", "reviewed_at"]
        if updated:
            organisation.save(update_fields=updated)
    if "logo" in updated and old_logo:
        file_delete_on_commit(organisation.logo.storage, old_logo, "logo")
    return organisation


def organisation_invite(
    *, organisation: Organisation, inviter: User, email: str, role: str
) -> OrganisationInvitation | None:
    """Invite the identified member who owns ``email`` to join with ``role``.

    Returns None, without telling why, when the address belongs to no identified member or
    that member already has a pending invitation: the page answers the same in every case so
    that nobody can test which addresses are registered.
    """
    _require_manager(inviter, organisation)
    if role not in OrganisationRole.values:
        raise ValidationError({"role": _("Choose a role: manager or editor.")})
    email = (email or "").strip()
    invitee = (
        User.objects.filter(
            email__iexact=email,
            is_active=True,
            emailaddress__email__iexact=email,
            emailaddress__verified=True,
        )
        .distinct()
        .first()
    )
    if invitee is None:
        return None
    if OrganisationMembership.objects.filter(organisation=organisation, user=invitee).exists():
        raise ValidationError(
            {"email": _("This member is already part of the organisation's team.")}
        )
    invitation = OrganisationInvitation(
        organisation=organisation, invitee=invitee, role=role, invited_by=inviter
    )
    try:
        with transaction.atomic():
            invitation.save()
            notify(
                recipients=[invitee],
                type_key="organisations.invitation",
                actor=inviter,
                target=organisation,
                url=reverse("organisations:invitations"),
                context={
                    "organisation": organisation.name,
                    "inviter": inviter.get_full_name(),
                    "role": role,
                },
            )
    except IntegrityError:
        return None  # already invited and not answered yet
    return invitation


def _answerable(invitation, user):
    if invitation.invitee_id != user.pk:
        raise PermissionDenied(_("This invitation is not addressed to you."))
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation has already been answered or withdrawn."))


def invitation_accept(*, invitation: OrganisationInvitation, user: User) -> OrganisationMembership:
    _answerable(invitation, user)
    with transaction.atomic():
        membership, created = OrganisationMembership.objects.get_or_create(
            organisation=invitation.organisation, user=user, defaults={"role": invitation.role}
        )
        invitation.status = InvitationStatus.ACCEPTED
        invitation.responded_at = timezone.now()
        invitation.save(update_fields=["status", "responded_at"])
    return membership


def invitation_decline(*, invitation: OrganisationInvitation, user: User) -> None:
    _answerable(invitation, user)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])


def invitation_cancel(*, invitation: OrganisationInvitation, actor: User) -> None:
    _require_manager(actor, invitation.organisation)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(_("This invitation has already been answered or withdrawn."))
    invitation.status = InvitationStatus.CANCELLED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])


def _refuse_if_last_manager(membership, message):
    """Lock the managers' rows, then refuse if ``membership`` is the only manager left."""
    managers = list(
        _managers(membership.organisation_id).select_for_update().values_list("pk", flat=True)
    )
    if managers == [membership.pk]:
        raise ValidationError(message, code="last_manager")


def membership_remove(*, membership: OrganisationMembership, actor: User) -> None:
    """A manager removes a member, or a member leaves; the last manager must stay."""
    if membership.user_id != actor.pk:
        _require_manager(actor, membership.organisation)
    with transaction.atomic():
        if membership.role == OrganisationRole.MANAGER:
            _refuse_if_last_manager(
                membership,
                _(
                    "The organisation needs at least one manager: make another member "
                    "manager before this one leaves."
                ),
            )
        if membership.user_id != actor.pk:  # removed by a manager: a change of roles
            audit_record(
                actor=actor,
                action="organisations.member_remove",
                target=membership.organisation,
                data={"member": membership.user_id, "role": membership.role},
            )
        membership.delete()


def membership_change_role(
    *, membership: OrganisationMembership, actor: User, role: str
) -> OrganisationMembership:
    _require_manager(actor, membership.organisation)
    if role not in OrganisationRole.values:
        raise ValidationError({"role": _("Choose a role: manager or editor.")})
    if role == membership.role:
        return membership
    with transaction.atomic():
        if membership.role == OrganisationRole.MANAGER:
            _refuse_if_last_manager(
                membership,
                _(
                    "The organisation needs at least one manager: make another member "
                    "manager before changing this one's role."
                ),
            )
        previous = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        audit_record(
            actor=actor,
            action="organisations.role_change",
            target=membership.organisation,
            data={"member": membership.user_id, "from": previous, "to": role},
        )
    return membership


def _notify_managers(organisation, **context):
    """Tell the organisation's active managers the outcome of its verification."""
    notify(
        recipients=User.objects.filter(
            is_active=True, pk__in=_managers(organisation).values("user_id")
        ).order_by("pk"),
        type_key="organisations.verification",
        target=organisation,
        context={"organisation": organisation.name, **context},
    )


def _require_moderator(moderator):
    if not (
        moderator.is_active
        and moderator.is_staff
        and moderator.has_perm("organisations.change_organisation")
    ):
        raise PermissionDenied(_("Only moderators may verify organisations."))


def organisation_verify(*, organisation: Organisation, moderator: User) -> Organisation:
    """Mark ``organisation`` as verified and tell its managers."""
    _require_moderator(moderator)
    organisation.status = VerificationStatus.VERIFIED
    organisation.rejection_reason = ""
    organisation.reviewed_by = moderator
    organisation.reviewed_at = timezone.now()
    with transaction.atomic():
        organisation.save(
            update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"]
        )
        audit_record(actor=moderator, action="organisations.verify", target=organisation)
        _notify_managers(organisation, verified=True)
    return organisation


def organisation_reject(
    *, organisation: Organisation, moderator: User, reason: str
) -> Organisation:
    """Refuse the verification of ``organisation``, telling its managers why."""
    _require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the rejection: it is sent to the managers."))
    organisation.status = VerificationStatus.REJECTED
    organisation.rejection_reason = reason
    organisation.reviewed_by = moderator
    organisation.reviewed_at = timezone.now()
    with transaction.atomic():
        organisation.save(
            update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"]
        )
        audit_record(
            actor=moderator, action="organisations.reject", target=organisation, reason=reason
        )
        _notify_managers(organisation, verified=False, reason=reason)
    return organisation


def organisation_changes_request(
    *, organisation: Organisation, moderator: User, reason: str
) -> Organisation:
    """Send an organisation awaiting verification back to its team with what to change; it
    stays hidden from the public, and their next edit sends it back for verification."""
    _require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what to change: it is sent to the managers."))
    if organisation.status != VerificationStatus.PENDING:
        raise ValidationError(_("This organisation is not awaiting verification."))
    organisation.status = VerificationStatus.CHANGES_REQUESTED
    organisation.rejection_reason = reason
    organisation.reviewed_by = moderator
    organisation.reviewed_at = timezone.now()
    with transaction.atomic():
        organisation.save(
            update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"]
        )
        audit_record(
            actor=moderator,
            action="organisations.changes_request",
            target=organisation,
            reason=reason,
        )
        _notify_managers(organisation, verified=False, changes=True, reason=reason)
    return organisation

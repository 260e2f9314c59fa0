"""Writes of members: profile, mandates, API tokens.

Every function is keyword-only, validates before writing, writes in a transaction and tells
the member through ``notify()`` (types in ``notifications.py``; e-mails sent after commit).
Permission failures raise ``PermissionDenied``; invalid input raises ``ValidationError`` with a
message for the member.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.core.emails import absolute_url
from parvis.core.images import file_delete_on_commit
from parvis.moderation.audit import audit_record
from parvis.notifications.services import notify

from .models import ApiToken, Mandate, ProfileKind, User, VerificationStatus, hash_token
from .validators import clean_links, clean_person_name

# A claim no moderator has settled yet may be withdrawn by its holder.
WITHDRAWABLE = (VerificationStatus.PENDING, VerificationStatus.CHANGES_REQUESTED)

# Profile fields a member may change themselves (``kind`` is not one of them).
PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "commune",
    "bio",
    "website",
    "links",
    "directory_visibility",
    "allow_follows",
)


def _require_moderator(moderator):
    if not (
        moderator.is_authenticated
        and moderator.is_active
        and moderator.is_staff
        and moderator.has_perm("accounts.change_mandate")
    ):
        raise PermissionDenied(_("Only moderators may review mandates."))


def _mandate_email_context(mandate, **extra):
    return {
        "first_name": mandate.user.first_name,
        "mandate": str(mandate),
        "mandates_url": absolute_url(reverse("accounts:mandates")),
        "contact_email": settings.PARVIS_CONTACT_EMAIL,
        **extra,
    }


def mandate_verify(*, mandate: Mandate, moderator: User) -> Mandate:
    """Mark ``mandate`` as verified, make its holder an elected official and tell them."""
    _require_moderator(moderator)
    member = mandate.user
    mandate.status = VerificationStatus.VERIFIED
    mandate.rejection_reason = ""
    mandate.reviewed_by = moderator
    mandate.reviewed_at = timezone.now()
    with transaction.atomic():
        mandate.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=moderator,
            action="accounts.mandate_verify",
            target=mandate,
            target_repr=f"{member}: {mandate}",
        )
        if member.kind != ProfileKind.OFFICIAL:
            member.kind = ProfileKind.OFFICIAL
            member.save(update_fields=["kind"])
        notify(
            recipients=[member],
            type_key="accounts.mandate_verification",
            url=reverse("accounts:mandates"),
            context=_mandate_email_context(
                mandate, verified=True, profile_url=absolute_url(member.get_absolute_url())
            ),
        )
    return mandate


def mandate_reject(*, mandate: Mandate, moderator: User, reason: str) -> Mandate:
    """Refuse ``mandate``, telling its holder why and how to contest."""
    _require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the rejection: it is sent to the member."))
    member = mandate.user
    was_verified = mandate.status == VerificationStatus.VERIFIED
    mandate.status = VerificationStatus.REJECTED
    mandate.rejection_reason = reason
    mandate.reviewed_by = moderator
    mandate.reviewed_at = timezone.now()
    with transaction.atomic():
        mandate.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=moderator,
            action="accounts.mandate_reject",
            target=mandate,
            target_repr=f"{member}: {mandate}",
            reason=reason,
        )
        if (
            was_verified
            and member.kind == ProfileKind.OFFICIAL
            and not member.mandates.filter(status=VerificationStatus.VERIFIED).exists()
        ):
            member.kind = ProfileKind.RESIDENT
            member.save(update_fields=["kind"])
        notify(
            recipients=[member],
            type_key="accounts.mandate_verification",
            url=reverse("accounts:mandates"),
            context=_mandate_email_context(mandate, verified=False, reason=reason),
        )
    return mandate


def mandate_changes_request(*, mandate: Mandate, moderator: User, reason: str) -> Mandate:
    """Send a mandate awaiting verification back to its holder with what to change (for
    example their name as on the official list); they act on it, then submit it again."""
    _require_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what to change: it is sent to the member."))
    if mandate.status != VerificationStatus.PENDING:
        raise ValidationError(_("This mandate is not awaiting verification."))
    member = mandate.user
    mandate.status = VerificationStatus.CHANGES_REQUESTED
    mandate.rejection_reason = reason
    mandate.reviewed_by = moderator
    mandate.reviewed_at = timezone.now()
    with transaction.atomic():
        mandate.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
        audit_record(
            actor=moderator,
            action="accounts.mandate_changes_request",
            target=mandate,
            target_repr=f"{member}: {mandate}",
            reason=reason,
        )
        notify(
            recipients=[member],
            type_key="accounts.mandate_verification",
            url=reverse("accounts:mandates"),
            context=_mandate_email_context(mandate, verified=False, changes=True, reason=reason),
        )
    return mandate


def mandate_resubmit(*, user: User, mandate: Mandate) -> Mandate:
    """Submit again a mandate a moderator sent back with changes to make: it waits in the
    moderators' queue again (their message stays on it until they decide)."""
    _require_active(user)
    if mandate.user_id != user.pk:
        raise PermissionDenied(_("This is not your mandate."))
    if mandate.status != VerificationStatus.CHANGES_REQUESTED:
        raise ValidationError(
            _("Only a mandate sent back with changes to make can be submitted again."),
            code="not_sent_back",
        )
    mandate.status = VerificationStatus.PENDING
    mandate.save(update_fields=["status"])
    return mandate


def _require_active(user):
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Log in to do this."))


def profile_update(*, user: User, photo=None, remove_photo: bool = False, **fields) -> User:
    """Change the member's own profile.

    ``fields`` holds any of ``PROFILE_FIELDS``; ``photo`` is an already cleaned image file
    (see ``parvis.core.images.process_image``) that replaces the current one;
    ``remove_photo`` deletes the current photo.
    """
    _require_active(user)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    for name in ("first_name", "last_name"):
        if name in fields:
            fields[name] = clean_person_name(fields[name])
    if "links" in fields:
        links = fields["links"]
        fields["links"] = clean_links("\n".join(links) if isinstance(links, list) else links)
    update_fields = list(fields)
    if user.identity_verified_at and any(
        name in fields and fields[name] != getattr(user, name)
        for name in ("first_name", "last_name")
    ):
        # The names FranceConnect vouched for are no longer the ones shown.
        user.identity_verified_at = None
        update_fields.append("identity_verified_at")
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(
        exclude=[field.name for field in User._meta.fields if field.name not in fields],
        validate_unique=False,
        validate_constraints=False,
    )
    old_photo = user.photo.name if user.photo else ""
    with transaction.atomic():
        if photo is not None:
            user.photo.save(photo.name, photo, save=False)
            update_fields.append("photo")
        elif remove_photo and old_photo:
            user.photo = ""
            update_fields.append("photo")
        user.save(update_fields=update_fields)
        if old_photo and "photo" in update_fields:
            file_delete_on_commit(user.photo.storage, old_photo, "square")
    return user


def mandate_declare(*, user: User, role: str, territory) -> Mandate:
    """Declare a mandate held by ``user``; it awaits a moderator's verification."""
    _require_active(user)
    if Mandate.objects.filter(user=user, role=role, territory=territory).exists():
        raise ValidationError(
            _("You have already declared this mandate."), code="duplicate_mandate"
        )
    mandate = Mandate(user=user, role=role, territory=territory)
    mandate.full_clean(exclude=["user"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            mandate.save()
    except IntegrityError:
        raise ValidationError(
            _("You have already declared this mandate."), code="duplicate_mandate"
        ) from None
    return mandate


def mandate_withdraw(*, user: User, mandate: Mandate) -> None:
    """Withdraw a claim that no moderator has reviewed yet."""
    if mandate.user_id != user.pk:
        raise PermissionDenied(_("This is not your mandate."))
    if mandate.status not in WITHDRAWABLE:
        raise ValidationError(
            _("Only a mandate awaiting verification can be withdrawn."), code="not_pending"
        )
    mandate.delete()


def api_token_create(
    *, user: User, name: str, created_with_mfa: bool = False
) -> tuple[ApiToken, str]:
    """Create a personal API token; return it with its key, which is never stored.

    It expires ``PARVIS_API_TOKEN_DAYS`` days later (never with 0); ``created_with_mfa`` says
    the creating session passed two-factor authentication (see ``accounts.staff``).
    """
    _require_active(user)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Give the token a name."), code="empty")
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    days = settings.PARVIS_API_TOKEN_DAYS
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:8],
        key_hash=hash_token(key),
        created_at=now,
        expires_at=now + timedelta(days=days) if days > 0 else None,
        created_with_mfa=created_with_mfa,
    )
    token.full_clean(exclude=["user"])
    token.save()
    return token, key


def api_token_revoke(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise PermissionDenied(_("This is not your token."))
    token.delete()


def identity_verify(*, user: User, first_name: str, last_name: str) -> User:
    """FranceConnect vouched for ``user``'s names: they become the profile's, marked verified.

    Called at each sign-in through FranceConnect (the names follow the civil registry) and when
    a FranceConnect identity is linked to the account.
    """
    first_name, last_name = (first_name or "").strip(), (last_name or "").strip()
    if not (first_name and last_name):
        raise ValidationError(_("FranceConnect did not give a first and a last name."))
    user.first_name, user.last_name = first_name[:80], last_name[:80]
    user.identity_verified_at = timezone.now()
    user.save(update_fields=["first_name", "last_name", "identity_verified_at"])
    return user


def identity_unverify(*, user: User) -> None:
    """The FranceConnect identity was removed from the account: its names are no longer vouched."""
    if user.identity_verified_at:
        user.identity_verified_at = None
        user.save(update_fields=["identity_verified_at"])


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of ``user`` (their password changed: whoever had it loses the API
    too); return how many there were."""
    deleted, _by_model = ApiToken.objects.filter(user_id=user.pk).delete()
    return deleted


def checklist_dismiss(*, user: User) -> User:
    """Hide the first-week checklist of the member's home page (``core.onboarding``)."""
    _require_active(user)
    if user.checklist_dismissed_at is None:
        user.checklist_dismissed_at = timezone.now()
        user.save(update_fields=["checklist_dismissed_at"])
    return user

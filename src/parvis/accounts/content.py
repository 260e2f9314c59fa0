"""What the platform knows about members, declared once (see ``parvis.core.content``): how a
member profile is reported and what removing it does, the notification kinds
(``notifications.py``), and what a data export and an erasure do with the member's own row,
their mandates, tokens, e-mail addresses and sessions."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.core import pagecache
from parvis.core.images import delete_files_with, file_delete_on_commit
from parvis.core.onboarding import Step, onboarding_steps
from parvis.moderation import registry as moderation
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import STAFF_WORK
from parvis.privacy.registry import CUSTOM, DELETE, KEEP

from . import notifications  # noqa: F401  (the notification kinds)
from .models import (
    ERASED_EMAIL_DOMAIN,
    ApiToken,
    DirectoryVisibility,
    Mandate,
    ProfileKind,
    User,
)
from .selectors import member_is_visible_to

# --- moderation -------------------------------------------------------------------------------


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
        file_delete_on_commit(member.photo.storage, old_photo, "square")


moderation.register(
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

# --- personal data (parvis.privacy.registry) ------------------------------------------------

# The member's own row.
for _name, _rule in {
    "id": {"keep": "The technical key: kept contributions and records point to it."},
    "password": {"value": lambda member: make_password(None)},  # unusable: no login
    "last_login": {"value": None},
    "is_superuser": {"value": False},
    "is_staff": {"value": False},
    "is_active": {"value": False},
    "date_joined": {"keep": "When the account was created: not identifying once anonymised."},
    "email": {"value": lambda member: f"former-member-{member.pk}@{ERASED_EMAIL_DOMAIN}"},
    "first_name": {"value": ""},
    "last_name": {"value": ""},
    "kind": {"value": ProfileKind.RESIDENT},
    "commune": {"value": None},
    "photo": {"value": ""},
    "bio": {"value": ""},
    "website": {"value": ""},
    "links": {"value": lambda member: []},
    "directory_visibility": {"value": DirectoryVisibility.HIDDEN},
    "terms_accepted_at": {"value": None},
    "identity_verified_at": {"value": None},
    "allow_follows": {"value": False},
    "checklist_dismissed_at": {"value": None},
}.items():
    privacy.erase_member_field(_name, **_rule)


# --- accounts, allauth, Django's admin ------------------------------------------------------------

privacy.export(
    "account.EmailAddress.user",
    section="email_addresses",
    fields=("email", "verified", "primary"),
    queryset=lambda member: EmailAddress.objects.filter(user=member).order_by("pk"),
)
privacy.erase("account.EmailAddress.user", action=DELETE)

privacy.export(
    "mfa.Authenticator.user",
    section="two_factor_authentication",
    # The type and dates only: never the secret or the recovery codes.
    fields=("type", "created_at", "last_used_at"),
    queryset=lambda member: Authenticator.objects.filter(user=member).order_by("pk"),
)
privacy.erase("mfa.Authenticator.user", action=DELETE)


def _end_sessions(context):
    sessions = list(UserSession.objects.filter(user=context.member))
    for session in sessions:
        session.end()  # deletes the session from the session store too
    context.count("usersessions.UserSession.user", len(sessions))


privacy.export(
    "usersessions.UserSession.user",
    section="sessions",
    fields=("created_at", "last_seen_at", "ip", "user_agent"),
    queryset=lambda member: UserSession.objects.filter(user=member).order_by("-last_seen_at"),
)
privacy.erase("usersessions.UserSession.user", action=CUSTOM, handler=_end_sessions)

privacy.export(
    "accounts.User_groups.user",
    section="staff_roles",
    fields=(("role", lambda row: row.group.name),),
    queryset=lambda member: User.groups.through.objects.filter(user=member).select_related("group"),
)
privacy.erase("accounts.User_groups.user", action=DELETE)
privacy.export(
    "accounts.User_user_permissions.user",
    section="staff_permissions",
    fields=(("permission", lambda row: str(row.permission)),),
    queryset=lambda member: User.user_permissions.through.objects.filter(
        user=member
    ).select_related("permission__content_type"),
)
privacy.erase("accounts.User_user_permissions.user", action=DELETE)

privacy.export(
    "accounts.Mandate.user",
    section="mandates",
    fields=(
        "role",
        ("role_label", lambda row: row.get_role_display()),
        "territory",
        "status",
        "rejection_reason",
        "created_at",
        "reviewed_at",
    ),
    queryset=lambda member: Mandate.objects.filter(user=member).select_related("territory"),
)
privacy.erase("accounts.Mandate.user", action=DELETE)
privacy.not_exported("accounts.Mandate.reviewed_by", reason=STAFF_WORK)
privacy.erase("accounts.Mandate.reviewed_by", action=KEEP, reason=STAFF_WORK)

privacy.export(
    "accounts.ApiToken.user",
    section="api_tokens",
    # Never the key (only its hash is stored, and not exported either).
    fields=("name", "prefix", "created_at", "last_used_at"),
    queryset=lambda member: ApiToken.objects.filter(user=member).order_by("pk"),
)
privacy.erase("accounts.ApiToken.user", action=DELETE)

privacy.not_exported(
    "admin.LogEntry.user",
    reason="The admin's history of a staff member's changes to other members' items (mirrored "
    "in the audit log, whose own-actions part is exported).",
)
privacy.erase("admin.LogEntry.user", action=KEEP, reason=STAFF_WORK)


# --- page cache --------------------------------------------------------------------------------
# A member's name, commune, kind or directory choice moves them in lists (the directory); other
# profile edits show on the pages that show the member. Tokens show on no public page.
pagecache.declare(
    User,
    list_fields=(
        "first_name",
        "last_name",
        "kind",
        "commune",
        "directory_visibility",
        "is_active",
    ),
    silent_fields=("last_login", "checklist_dismissed_at"),
)
pagecache.declare(Mandate, scopes={"user": "user"})
pagecache.declare(ApiToken, silent=True)

# A deleted user's photo leaves storage (core.images).
delete_files_with(User, "photo")


# --- the first-week checklist of the home page (parvis.core.onboarding) --------------------------


onboarding_steps.register(
    Step(
        key="photo",
        label=_("Add a photo to your profile"),
        url=lambda: reverse("accounts:profile_edit"),
        done=lambda user: bool(user.photo),
        order=10,
    )
)
onboarding_steps.register(
    Step(
        key="commune",
        label=_("Give your commune of residence"),
        url=lambda: reverse("accounts:profile_edit"),
        done=lambda user: bool(user.commune_id),
        order=20,
    )
)

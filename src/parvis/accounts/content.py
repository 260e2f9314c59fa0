"""What the platform knows about members, declared once (see ``parvis.core.content``): how a
member profile is reported and what removing it does, the notification kinds
(``notifications.py``), and what a data export and an erasure do with the member's own row,
their mandates, tokens, e-mail addresses and sessions."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from parvis.moderation import registry as moderation

from . import notifications  # noqa: F401  (the notification kinds)
from .models import User
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
        storage = member.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))


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

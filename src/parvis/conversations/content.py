"""What the platform knows about private conversations (see ``parvis.core.content``): a
reported message (and only it) goes to moderation, what a member's export and erasure do,
the notification kind, the "Write" links on profiles and officials' pages, and that none of it
is ever in the page cache (every write is silent: no cached page shows a conversation)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from parvis.accounts.profile import profile_extras
from parvis.core import pagecache
from parvis.moderation import registry as moderation
from parvis.officials.sections import OfficialSection, official_sections
from parvis.privacy import registry as privacy
from parvis.privacy.helpers import OTHERS_DATA, STAFF_WORK
from parvis.privacy.registry import CONTRIBUTIONS, DELETE, KEEP, SET_NULL

from . import (
    notifications,  # noqa: F401  (conversations.new_message)
    selectors,
    services,
)
from .models import (
    Block,
    Conversation,
    Delegation,
    Message,
    MessagingPreference,
    OrganisationContact,
    Participant,
)

# --- page cache: never cached, so nothing to retire ----------------------------------------

for _model in (
    Conversation,
    Participant,
    Message,
    Block,
    Delegation,
    MessagingPreference,
    OrganisationContact,
):
    pagecache.declare(_model, silent=True, collect=False)


# --- moderation: the reported message only -------------------------------------------------

moderation.register(
    Message,
    label=_("private message"),
    author=lambda message: message.sender,
    author_field="sender",
    is_visible_to=selectors.message_is_visible_to,
    # Moderators never get a link into the conversation: the queue shows the message alone.
    public_url=lambda message: "",
    template="conversations/moderation/_message.html",
    delete=lambda message, decision: services.message_remove(
        message=message, moderator=decision.moderator
    ),
    select_related=("sender", "organisation"),
    title=lambda message: _("Private message #%(pk)d") % {"pk": message.pk},
)


# --- pages: "Write" on a profile and on an official's page ----------------------------------


def _write_link(member, viewer):
    """The profile's "Write" link (no query): for members looking at someone else."""
    if viewer.is_authenticated and viewer.pk == member.pk:
        return ""
    return reverse("conversations:compose") + f"?a={member.pk}"


profile_extras.register("write_url", _write_link)


def _official_write(official, user):
    """The official page's "Write to the elected official" (not on their own page)."""
    if user.is_authenticated and user.pk == official.pk:
        return None
    return {"write_url": reverse("conversations:official", kwargs={"pk": official.pk})}


official_sections.register(
    OfficialSection(
        key="write",
        title=_("Private message"),
        template="conversations/_official_section.html",
        context=_official_write,
        order=5,  # first: officials.sections.ORDER starts at 10
    )
)


# --- personal data (parvis.privacy.registry) -----------------------------------------------

privacy.export(
    "conversations.Message.sender",
    section="private_messages_sent",
    # The member's own messages; the others' messages are their data.
    fields=(
        ("conversation", lambda row: row.conversation.subject or f"#{row.conversation_id}"),
        "body",
        "attachment",
        "created_at",
        "removed_at",
    ),
    files=("attachment",),
    queryset=lambda member: (
        Message.objects.filter(sender=member).select_related("conversation").order_by("pk")
    ),
)
privacy.erase(
    "conversations.Message.sender",
    action=KEEP,
    reason=(
        "Kept in the other participants' conversations, signed by the anonymised account "
        "(read as “Deleted account”)."
    ),
)
privacy.not_exported("conversations.Message.removed_by", reason=STAFF_WORK)
privacy.erase("conversations.Message.removed_by", action=KEEP, reason=STAFF_WORK)
privacy.export(
    "conversations.Participant.user",
    section="private_conversations",
    fields=(
        ("conversation", lambda row: row.conversation.subject or f"#{row.conversation_id}"),
        "role",
        "joined_at",
        "last_read_at",
        "left_at",
    ),
    queryset=lambda member: (
        Participant.objects.filter(user=member).select_related("conversation").order_by("pk")
    ),
)
privacy.erase("conversations.Participant.user", action=DELETE, order=CONTRIBUTIONS + 5)
privacy.not_exported(
    "conversations.Conversation.created_by",
    reason="Covered by the private_conversations and private_messages_sent sections.",
)
privacy.erase("conversations.Conversation.created_by", action=SET_NULL)
privacy.not_exported(
    "conversations.Conversation.official",
    reason="Covered by the private_conversations section (the official takes part in them).",
)
privacy.erase(
    "conversations.Conversation.official",
    action=KEEP,
    reason="The residents' conversations stay readable, with the anonymised account.",
)
privacy.export(
    "conversations.Block.blocker",
    section="blocked_members",
    fields=(("blocked", lambda row: row.blocked.get_full_name()), "created_at"),
)
privacy.erase("conversations.Block.blocker", action=DELETE)
privacy.not_exported("conversations.Block.blocked", reason=OTHERS_DATA)
privacy.erase("conversations.Block.blocked", action=DELETE)
privacy.export(
    "conversations.Delegation.official",
    section="message_delegates",
    fields=(("delegate", lambda row: row.delegate.get_full_name()), "created_at"),
)
privacy.erase("conversations.Delegation.official", action=DELETE)
privacy.export(
    "conversations.Delegation.delegate",
    section="message_delegations",
    fields=(("official", lambda row: row.official.get_full_name()), "created_at"),
)
privacy.erase("conversations.Delegation.delegate", action=DELETE)
privacy.export(
    "conversations.MessagingPreference.user",
    section="messaging_preference",
    fields=("accept_from", "official_contact_open", "updated_at"),
)
privacy.erase("conversations.MessagingPreference.user", action=DELETE)

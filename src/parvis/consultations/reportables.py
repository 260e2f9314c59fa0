"""Discussion messages of consultations join moderation (``parvis.moderation.registry``):
members report them, moderators hide, restore or delete them from the queue. Registered by
``ConsultationsConfig.ready()`` when the moderation app is installed."""

from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import Comment
from .selectors import consultation_is_visible_to


def _is_visible_to(comment, user):
    return not comment.is_deleted and consultation_is_visible_to(comment.consultation, user)


def _public_url(comment):
    return f"{comment.consultation.get_absolute_url()}#message-{comment.pk}"


def _delete(comment, decision=None):
    """A moderators' deletion keeps the row, replaced by a notice (the thread stays readable)."""
    if comment.deleted_at is None:
        comment.deleted_at = timezone.now()
        comment.deleted_by_id = getattr(decision, "moderator_id", None)
        comment.deletion_reason = str(_("Deleted by the moderators."))
        comment.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])


def register():
    from parvis.moderation import registry

    registry.register(
        Comment,
        label=_("consultation message"),
        author=lambda comment: comment.author,
        author_field="author",
        is_visible_to=_is_visible_to,
        public_url=_public_url,
        delete=_delete,
        select_related=("author", "consultation", "consultation__organisation"),
        title=lambda comment: Truncator(comment.body).chars(80),
    )

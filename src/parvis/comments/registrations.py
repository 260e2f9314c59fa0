"""The types registered in ``targets``: events, news posts and consultations (comments and
reactions), group messages and comments (reactions). Imported by ``content.py`` at start-up."""

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from parvis.accounts.rules import is_identified_member
from parvis.agenda.models import Event, EventStatus
from parvis.agenda.selectors import event_is_visible_to
from parvis.consultations.models import Consultation, ConsultationStatus
from parvis.consultations.selectors import consultation_is_visible_to, user_manages
from parvis.groups.models import Message
from parvis.groups.selectors import message_is_visible_to
from parvis.news.models import Post
from parvis.news.selectors import post_is_visible_to

from .models import Comment
from .targets import TargetType, register, split


def _comment_visible(comment, user):
    if comment.deleted_at is not None:
        return False
    target_type, pk = split(comment.target)
    if target_type is None:
        return False
    item = target_type.model._default_manager.filter(pk=pk).first()
    return item is not None and target_type.is_visible_to(item, user)


register(
    TargetType(
        key="agenda.event",
        model=Event,
        is_visible_to=event_is_visible_to,
        author=lambda event: event.created_by,
        page=lambda event: f"agenda.event:{event.pk}",
        title=lambda event: event.title,
        open_for_comments=lambda event: event.status == EventStatus.PUBLISHED,
        publisher=lambda event: event.organisation if event.organisation_id else event.created_by,
        select_related=("created_by", "organisation"),
    )
)
register(
    TargetType(
        key="news.post",
        model=Post,
        is_visible_to=post_is_visible_to,
        author=lambda post: post.author,
        page=lambda post: f"news.post:{post.pk}",
        title=lambda post: post.title,
        open_for_comments=lambda post: post.is_live(),
        publisher=lambda post: post.organisation if post.organisation_id else post.author,
        select_related=("author", "organisation"),
    )
)


def _consultation_refusal(consultation, user):
    """A consultation's discussion is for identified members (verified e-mail, commune
    given), as its answers are."""
    if is_identified_member(user):
        return None
    return _(
        "Only identified members (verified e-mail address and commune) can take part in the "
        "discussion."
    )


register(
    TargetType(
        key="consultations.consultation",
        model=Consultation,
        is_visible_to=consultation_is_visible_to,
        # The agent who wrote it is told; the followers of its institution too.
        author=lambda consultation: consultation.created_by,
        page=lambda consultation: f"consultations.consultation:{consultation.pk}",
        title=lambda consultation: consultation.title,
        # Published: open, then closed (the discussion goes on around the results).
        open_for_comments=lambda consultation: consultation.status == ConsultationStatus.PUBLISHED,
        publisher=lambda consultation: consultation.organisation,
        comment_refusal=_consultation_refusal,
        removes_comments=lambda consultation, user: user_manages(user, consultation),
        select_related=("created_by", "organisation"),
    )
)
register(
    TargetType(
        key="groups.message",
        model=Message,
        is_visible_to=lambda message, user: (
            message.deleted_at is None and message_is_visible_to(message, user)
        ),
        author=lambda message: message.author,
        page=lambda message: f"groups.thread:{message.thread_id}",
        title=lambda message: message.thread.title,
        select_related=("author", "thread", "thread__group"),
    )
)
register(
    TargetType(
        key="comments.comment",
        model=Comment,
        is_visible_to=_comment_visible,
        author=lambda comment: comment.author,
        page=lambda comment: comment.target,
        title=lambda comment: Truncator(comment.body).words(8),
        select_related=("author",),
    )
)

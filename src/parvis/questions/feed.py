"""The questions' part of the member's feed (``parvis.core.feed``): the answers to the
questions they asked, newest first; one query with a LIMIT."""

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from parvis.core.feed import FeedItem, older_than

from .selectors import questions_visible_to

EXCERPT_WORDS = 40


def answers_to_my_questions(user, before, limit):
    questions = (
        questions_visible_to(user)
        .filter(author=user, answered_at__isnull=False, **older_than(before, "answered_at"))
        .select_related("answered_by")
        .order_by("-answered_at", "-pk")[:limit]
    )
    return [_item(question) for question in questions]


def _item(question):
    answerer = question.official or question.institution or question.answered_by
    return FeedItem(
        key=f"questions.answer:{question.pk}",
        when=question.answered_at,
        actor=answerer,
        actor_url=answerer.get_absolute_url() if answerer else "",
        context=_("answered your question"),
        title=question.title,
        url=question.get_absolute_url(),
        excerpt=Truncator(question.answer).words(EXCERPT_WORDS),
    )

"""Questions to the elected officials in the search box (``parvis.core.search``), registered
by ``content.py``: the public questions (never hidden nor deleted), matched on their question
(A), details and answer (B)."""

from django.utils.translation import gettext_lazy as _

from parvis.core import search as core_search
from parvis.moderation.selectors import exclude_hidden

from .models import PUBLIC_STATUSES, Question
from .selectors import questions_visible_to


def questions_matching(user, query):
    questions = exclude_hidden(questions_visible_to(user).filter(status__in=PUBLIC_STATUSES))
    # The document (title A, body and answer B) is stored in a generated column
    # (``migrations/0003``): read, not re-parsed for each match to rank it.
    return core_search.text_search(
        questions,
        query,
        vector=core_search.stored_document(Question),
        fallback_fields=("title", "body", "answer"),
    ).order_by("-score", "-published_at", "-pk")


def question_result(question):
    return core_search.Result(
        title=question.title,
        url=question.get_absolute_url(),
        detail=f"{question.get_status_display().capitalize()} · {question.addressee_name}",
    )


core_search.providers.register(
    core_search.SearchProvider(
        key="questions",
        label=_("Questions to the elected officials"),
        order=55,
        query=questions_matching,
        result=question_result,
        audience=core_search.everyone,
    )
)

"""The questions to the officials, the local reports and the calls for volunteers are in the
search box, with their own visibility: never a pending question, a hidden report or a closed
call."""

import pytest
from django.db import connection
from django.utils import timezone

from parvis.core import search
from parvis.localreports.models import Category, Report
from parvis.localreports.search_provider import _vector as reports_vector
from parvis.questions.models import Question, QuestionStatus, Theme
from parvis.volunteers.models import Call, CallStatus
from parvis.volunteers.search_provider import _vector as calls_vector

from ..moderation.helpers import hide

pytestmark = pytest.mark.postgresql


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def titles(client, text, kind):
    page = client.get("/recherche/", {"q": text, "type": kind})
    assert page.status_code == 200
    return page.content.decode()


def test_questions_reports_and_calls_are_found(
    client, resident, official, association, association_manager, beauvais, moderator
):
    now = timezone.now()
    for status, title in (
        (QuestionStatus.ANSWERED, "Quand la piscine municipale rouvrira-t-elle ?"),
        (QuestionStatus.PENDING, "La piscine en attente de modération ?"),
    ):
        Question.objects.create(
            author=resident,
            commune=beauvais,
            official=official,
            theme=Theme.CULTURE,
            title=title,
            body="Les familles attendent la réouverture depuis l'été.",
            status=status,
            published_at=now if status != QuestionStatus.PENDING else None,
        )
    page = titles(client, "piscine", "questions")
    assert "Quand la piscine municipale rouvrira-t-elle ?" in page
    assert "en attente de modération" not in page

    category, _ = Category.objects.get_or_create(
        slug="eclairage-public", defaults={"name": "Éclairage public"}
    )
    shown = Report.objects.create(
        author=resident,
        commune=beauvais,
        category=category,
        description="Lampadaire éteint devant le gymnase.",
        address="Rue du Stade",
    )
    hidden = Report.objects.create(
        author=resident,
        commune=beauvais,
        category=category,
        description="Lampadaire cassé, propos injurieux.",
        address="Rue Cachée",
    )
    hide(hidden, moderator)
    page = titles(client, "lampadaire", "signalements")
    assert shown.get_absolute_url() in page and hidden.get_absolute_url() not in page

    for status, title in (
        (CallStatus.OPEN, "Bénévoles pour la brocante"),
        (CallStatus.CLOSED, "Brocante de l'an dernier"),
    ):
        Call.objects.create(
            title=title,
            description="Tenir la buvette de la brocante.",
            commune=beauvais,
            organisation=association,
            created_by=association_manager,
            status=status,
        )
    page = titles(client, "brocante", "benevolat")
    assert "Bénévoles pour la brocante" in page and "an dernier" not in page


def _plan(queryset):
    """The plan PostgreSQL chooses when a full scan is not an option (a few hundred rows
    would be scanned otherwise, whatever the index)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    return queryset.explain()


def test_their_searches_use_the_gin_indexes(
    resident, official, association, association_manager, beauvais
):
    """A thousand rows of each, then EXPLAIN: each type's search can be answered from its GIN
    index (the provider's vector compiles to the index's expression, or is the stored column
    it indexes)."""
    now = timezone.now()
    category, _ = Category.objects.get_or_create(
        slug="eclairage-public", defaults={"name": "Éclairage public"}
    )
    Question.objects.bulk_create(
        Question(
            author=resident,
            commune=beauvais,
            official=official,
            theme=Theme.CULTURE,
            title=f"Question numéro {number} sur la voirie",
            body="Les trottoirs sont abîmés.",
            status=QuestionStatus.ANSWERED,
            published_at=now,
        )
        for number in range(1000)
    )
    categories = list(Category.objects.order_by("pk"))  # the default ones, and this one
    Report.objects.bulk_create(
        Report(
            author=resident,
            commune=beauvais,
            category=categories[number % len(categories)],
            description=f"Nid-de-poule numéro {number}.",
            address="Rue de Calais",
        )
        for number in range(1000)
    )
    Call.objects.bulk_create(
        Call(
            title=f"Bénévoles pour la fête numéro {number}",
            description="Tenir la buvette.",
            commune=beauvais,
            organisation=association,
            created_by=association_manager,
            status=CallStatus.OPEN,
        )
        for number in range(1000)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE questions_question; ANALYZE localreports_report; ANALYZE volunteers_call"
        )
    query = search.Query.parse("lampadaire")
    # The provider's own vector on the bare table (as tests/groups/test_search.py does): the
    # expression the query compiles to is the index's.
    for model, vector, index in (
        # Questions store their document (questions/migrations/0003) and read it.
        (Question, lambda: search.stored_document(Question), "questions_question_fts"),
        (Report, reports_vector, "localreports_report_fts"),
        (Call, calls_vector, "volunteers_call_fts"),
    ):
        matching = search.text_search(
            model.objects.order_by(), query, vector=vector(), fallback_fields=()
        )
        plan = _plan(matching)
        assert index in plan, plan

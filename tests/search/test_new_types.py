"""The questions to the officials, the local reports and the calls for volunteers are in the
search box, with their own visibility: never a pending question, a hidden report or a closed
call."""

import pytest
from django.utils import timezone

from parvis.localreports.models import Category, Report
from parvis.questions.models import Question, QuestionStatus, Theme
from parvis.volunteers.models import Call, CallStatus

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

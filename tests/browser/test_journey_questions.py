"""Key journey of the questions to the elected officials: a resident asks their mayor a public
question, a moderator publishes it, the mayor answers, and the resident reads the answer — with
axe-core checking every page visited, and the question's page looked at on a phone."""

import re

import pytest
from playwright.sync_api import expect

from parvis.accounts.models import DirectoryVisibility, MandateRole, ProfileKind
from parvis.questions.models import Question, QuestionStatus
from parvis.questions.services import question_publish

from ..factories import PASSWORD, MandateFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Quand la piste cyclable de l'avenue de Paris sera-t-elle prolongée ?"
ANSWER = "Les travaux de prolongement commencent au printemps, jusqu'au rond-point de Voisinlieu."


def label(page, *names):
    pattern = "|".join(re.escape(name) for name in names)
    return page.get_by_label(re.compile(f"^\\s*({pattern})\\s*:?\\s*$"))


def log_in(page, base, user, next_url):
    page.goto(f"{base}/compte/login/?next={next_url}")
    label(page, "Courriel", "Adresse e-mail", "E-mail", "Email").fill(user.email)
    label(page, "Mot de passe", "Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}{next_url}")


@pytest.fixture
def mayor(oise):
    user = UserFactory(
        email="maire@beauvais.example",
        first_name="Claire",
        last_name="Rousseau",
        kind=ProfileKind.OFFICIAL,
        commune=oise["beauvais"],
        directory_visibility=DirectoryVisibility.PUBLIC,
    )
    MandateFactory(user=user, territory=oise["beauvais"], role=MandateRole.MAYOR)
    return user


def test_a_resident_asks_the_mayor_and_reads_the_public_answer(
    live_server, browser, page, assert_accessible, resident, mayor, moderator
):
    base = live_server.url
    # --- The resident finds the questions and asks their mayor --------------------------------
    log_in(page, base, resident, "/questions/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^(Poser une question|Ask a question)$")).first.click()
    page.wait_for_url(f"{base}/questions/poser/")
    assert_accessible(page)
    label(page, "À qui", "To whom").select_option(label="Claire Rousseau")
    label(page, "Thème", "Theme").select_option(label="Routes et mobilité")
    label(page, "Votre question", "Your question").fill(TITLE)
    label(page, "Précisions sur votre question", "Details of your question").fill(
        "L'avenue est très fréquentée par les collégiens à vélo ; la piste s'arrête net "
        "au carrefour, sans solution pour continuer en sécurité."
    )
    page.get_by_role("button", name=re.compile("Envoyer ma question|Send my question")).click()
    page.wait_for_url(re.compile(r"/questions/\d+-quand-la-piste"))
    expect(
        page.get_by_text(re.compile("en attente de modération|awaits moderation")).first
    ).to_be_visible()
    assert_accessible(page)
    question = Question.objects.get()
    assert question.status == QuestionStatus.PENDING

    # --- A moderator publishes it (the admin's action calls this service) ---------------------
    question_publish(question=question, moderator=moderator)

    # --- The mayor answers from their questions ------------------------------------------------
    mayor_context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    mayor_page = mayor_context.new_page()
    log_in(mayor_page, base, mayor, "/questions/mes-questions/")
    assert_accessible(mayor_page)
    mayor_page.get_by_role("link", name=TITLE).click()
    mayor_page.get_by_role("link", name=re.compile("Répondre publiquement|Answer publicly")).click()
    assert_accessible(mayor_page)
    label(mayor_page, "Votre réponse publique", "Your public answer").fill(ANSWER)
    mayor_page.get_by_role(
        "button", name=re.compile("Publier ma réponse|Publish my answer")
    ).click()
    mayor_page.wait_for_url(re.compile(r"/questions/\d+-quand-la-piste[^/]*/$"))
    mayor_context.close()

    # --- The resident reads the answer, on a phone ----------------------------------------------
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}{question.get_absolute_url()}")
    expect(page.get_by_text(ANSWER)).to_be_visible()
    expect(page.get_by_text(re.compile("Répondue|Answered")).first).to_be_visible()
    assert_accessible(page)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, f"the question's page scrolls sideways on a phone ({width} px)"
    page.screenshot(path="/tmp/questions-phone.png", full_page=True)

    # --- The mayor's page shows the answer rate --------------------------------------------------
    page.goto(f"{base}/elus/{mayor.pk}/")
    expect(page.get_by_text(re.compile(r"100 % de réponses|100 % answered"))).to_be_visible()
    assert_accessible(page)

"""One answer per member, even when the same member submits twice at the same moment
(PostgreSQL, two threads with their own database connections).

A transactional test commits for real, and the database is flushed after it: the module puts
back the categories that the agenda's data migration seeds, so the tests that run after still
find them (the moderators' group comes back by itself, see accounts/signals.py).
"""

import importlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from parvis.consultations.models import Answer, Consultation, Response
from parvis.consultations.services import response_submit
from tests.factories import UserFactory

from .conftest import create_consultation, full_answers


@pytest.fixture(scope="module", autouse=True)
def _categories_back_after_flush(django_db_setup, django_db_blocker):
    yield
    seed = importlib.import_module("parvis.agenda.migrations.0002_categories")
    from django.apps import apps

    with django_db_blocker.unblock():
        seed.create_categories(apps, None)


def run_together(calls):
    """Run each ``call`` in its own thread (and database connection), all at once; returns
    their outcomes in order ("ok" or the error's class name)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes[index] = "ok"
        except (ValidationError, IntegrityError) as error:
            outcomes[index] = type(error).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_of_one_member_make_one_response(institution, resident):
    consultation = create_consultation(organisation=institution)
    first = full_answers(consultation, single=0, multiple=(0,), scale=1, text="Premier")
    second = full_answers(consultation, single=1, multiple=(1, 2), scale=5, text="Second")

    def submit(answers):
        return lambda: response_submit(
            consultation=Consultation.objects.get(pk=consultation.pk),
            member=resident,
            answers=answers,
        )

    outcomes = run_together([submit(first), submit(second)])

    assert outcomes == ["ok", "ok"]  # the second one changed the first one's answers
    response = Response.objects.get(consultation=consultation)
    assert response.member == resident
    assert Consultation.objects.get(pk=consultation.pk).response_count == 1
    # The stored answers are one submission's, whole, never a mix of both.
    answers = {a.question.kind: a for a in Answer.objects.select_related("question")}
    assert len(answers) == 4
    stored = (answers["scale_1_5"].scale, answers["short_text"].text)
    assert stored in {(1, "Premier"), (5, "Second")}
    expected_options = 1 if stored[0] == 1 else 2
    assert answers["multiple"].options.count() == expected_options


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_many_members_answering_at_once_are_all_counted(institution, oise):
    consultation = create_consultation(organisation=institution)
    members = [UserFactory(commune=oise["compiegne"]) for _ in range(6)]
    answers = full_answers(consultation)

    outcomes = run_together(
        [
            lambda member=member: response_submit(
                consultation=Consultation.objects.get(pk=consultation.pk),
                member=member,
                answers=answers,
            )
            for member in members
        ]
    )

    assert outcomes == ["ok"] * 6
    assert Response.objects.filter(consultation=consultation).count() == 6
    assert Consultation.objects.get(pk=consultation.pk).response_count == 6


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_second_response_of_a_member(institution, resident):
    """The backstop: even code that skipped the service cannot store two responses."""
    consultation = create_consultation(organisation=institution)
    Response.objects.create(consultation=consultation, member=resident)

    def insert_directly():
        with transaction.atomic():
            Response.objects.create(consultation=consultation, member=resident)

    assert run_together([insert_directly]) == ["IntegrityError"]
    assert Response.objects.filter(consultation=consultation).count() == 1

"""Pages and selectors of consultations run a fixed number of queries, whatever the number of
consultations, questions, answers or communes."""

import pytest

from parvis.comments.models import Comment
from parvis.consultations.selectors import open_for
from parvis.consultations.services import response_submit
from tests.factories import TerritoryFactory, UserFactory

from .conftest import full_answers

pytestmark = pytest.mark.django_db

#: A member's request adds the session and the user (2), the usersessions middleware's
#: bookkeeping (5, with its savepoints), the member's commune or e-mail check, and the unread
#: notifications badge of the header (see tests/agenda/test_queries.py).
MEMBER_OVERHEAD = 10


def add_consultations(make_consultation, oise, count, *, offset=0):
    for index in range(count):
        make_consultation(
            title=f"Consultation numéro {offset + index}",
            audience=[oise["epcis"][index % 2]] if index % 3 else [],
        )


def test_list_page_runs_a_fixed_number_of_queries(
    client, make_consultation, oise, django_assert_max_num_queries
):
    add_consultations(make_consultation, oise, 2)
    with django_assert_max_num_queries(3):
        client.get("/consultations/")
    add_consultations(make_consultation, oise, 30, offset=2)
    with django_assert_max_num_queries(3):
        response = client.get("/consultations/")
    assert response.content.decode().count("consultation-card") == 20  # a full page


def test_list_page_for_a_member_runs_a_fixed_number_of_queries(
    login, make_consultation, oise, other_resident, django_assert_max_num_queries
):
    client = login(other_resident)
    client.get("/consultations/")  # the first request of a session records it
    add_consultations(make_consultation, oise, 2)
    with django_assert_max_num_queries(3 + MEMBER_OVERHEAD):
        client.get("/consultations/?etat=ouvertes")
    add_consultations(make_consultation, oise, 30, offset=2)
    with django_assert_max_num_queries(3 + MEMBER_OVERHEAD):
        response = client.get("/consultations/?etat=ouvertes")
    assert "Your territory" in response.content.decode()


def test_home_selector_is_one_query(
    make_consultation, oise, other_resident, django_assert_num_queries
):
    add_consultations(make_consultation, oise, 12)
    other_resident.commune  # the home page already has the member's commune  # noqa: B018
    with django_assert_num_queries(1):
        offered = open_for(other_resident, 5)
    assert len(offered) == 5


def answer_from(consultation, communes):
    for commune in communes:
        response_submit(
            consultation=consultation,
            member=UserFactory(commune=commune),
            answers=full_answers(consultation),
        )


def test_results_and_page_cost_does_not_grow_with_answers(
    client, login, make_consultation, oise, agent, django_assert_max_num_queries
):
    consultation = make_consultation()
    answer_from(consultation, [oise["beauvais"]] * 3)
    url = consultation.get_absolute_url()
    with django_assert_max_num_queries(12):
        client.get(url + "resultats/")
    with django_assert_max_num_queries(10):
        client.get(url)

    extra = [
        TerritoryFactory(code=f"99{n:03d}", name=f"Village {n}", epci=oise["epcis"][n % 2])
        for n in range(15)
    ]
    answer_from(consultation, extra * 2 + [oise["beauvais"]] * 12)
    with django_assert_max_num_queries(12):
        response = client.get(url + "resultats/")
    assert "45 members answered." in response.content.decode()
    with django_assert_max_num_queries(10):
        client.get(url)


def test_page_for_a_member_runs_a_fixed_number_of_queries(
    login, make_consultation, oise, other_resident, django_assert_max_num_queries
):
    consultation = make_consultation(audience=[oise["epcis"][1]])
    client = login(other_resident)
    client.get("/consultations/")
    response_submit(
        consultation=consultation, member=other_resident, answers=full_answers(consultation)
    )
    url = consultation.get_absolute_url()
    with django_assert_max_num_queries(10 + MEMBER_OVERHEAD):
        client.get(url)
    Comment.objects.bulk_create(
        Comment(
            target=f"consultations.consultation:{consultation.pk}",
            author=UserFactory(commune=oise["margny"]),
            body=f"Message **{number}**",
            body_html=f"<p>Message <strong>{number}</strong></p>",
        )
        for number in range(30)
    )
    with django_assert_max_num_queries(10 + MEMBER_OVERHEAD):
        response = client.get(url)
    assert "Message <strong>19</strong>" in response.content.decode()  # 20 a page

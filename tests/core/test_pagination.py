"""The paginators of the pages and the API (parvis.core.pagination): the first page of a list
no longer than a page is read without counting; every other case counts as Django does."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.test import Client

from parvis.core.pagination import CappedPaginator, Paginator
from parvis.organisations.models import Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisations(beauvais):
    OrganisationFactory.create_batch(5, commune=beauvais)
    return Organisation.objects.order_by("pk")


def test_a_list_no_longer_than_a_page_costs_one_query(organisations, django_assert_num_queries):
    pks = list(organisations.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        page = Paginator(organisations, 5).get_page(1)
        assert [o.pk for o in page] == pks
        assert (page.paginator.count, page.paginator.num_pages, page.has_next()) == (5, 1, False)


def test_a_longer_list_counts_and_its_first_page_is_read_once(
    organisations, django_assert_num_queries
):
    pks = list(organisations.values_list("pk", flat=True))
    with django_assert_num_queries(2):  # the page (and one row more), then the count
        page = Paginator(organisations, 2).get_page("1")
        assert [o.pk for o in page] == pks[:2]
        assert (page.paginator.count, page.paginator.num_pages, page.has_next()) == (5, 3, True)
    assert [o.pk for o in Paginator(organisations, 2).get_page(3)] == pks[4:]


def test_orphans_join_the_first_page_as_with_django(organisations):
    page = Paginator(organisations, 4, orphans=1).get_page(1)
    assert (len(page), page.paginator.count, page.paginator.num_pages) == (5, 5, 1)
    page = Paginator(organisations, 3, orphans=1).get_page(1)
    assert (len(page), page.paginator.count, page.paginator.num_pages) == (3, 5, 2)


def test_an_empty_list_has_an_empty_first_page(db):
    page = Paginator(Organisation.objects.order_by("pk"), 20).get_page(1)
    assert (list(page), page.paginator.count, page.paginator.num_pages) == ([], 0, 1)


def test_page_numbers_are_checked_as_with_django(organisations):
    paginator = Paginator(organisations, 2)
    for wrong, error in (("x", PageNotAnInteger), (1.5, PageNotAnInteger), (0, EmptyPage)):
        with pytest.raises(error):
            paginator.page(wrong)
    with pytest.raises(EmptyPage):
        paginator.page(4)
    assert paginator.get_page("x").number == 1
    assert paginator.get_page(99).number == 3


def test_the_capped_paginator_counts_a_short_list_without_a_query(
    organisations, django_assert_num_queries
):
    with django_assert_num_queries(1):
        paginator = CappedPaginator(organisations, 10, cap=3)
        page = paginator.get_page(1)
        assert len(page) == 5
        assert (paginator.count, paginator.truncated) == (3, True)  # capped as when counted
    paginator = CappedPaginator(organisations, 10)
    paginator.get_page(1)
    assert (paginator.count, paginator.truncated) == (5, False)


def test_an_api_list_shorter_than_a_page_answers_without_counting(
    organisations, django_assert_num_queries
):
    response = Client().get("/api/organisations/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["count"] == 5
    assert len(response.json()["results"]) == 5
    with django_assert_num_queries(1):
        Client().get("/api/organisations/?page=1", HTTP_ACCEPT="application/json")


def test_no_page_asked_is_the_first_page_without_counting(organisations, django_assert_num_queries):
    with django_assert_num_queries(3):  # one each: the page, no count
        for number in (None, "", "premiere"):
            page = CappedPaginator(organisations, 20).get_page(number)
            assert (page.number, len(page), page.paginator.count) == (1, 5, 5)


def test_whether_the_cap_was_reached_is_known_before_the_count_is_read(organisations):
    # The agenda's templates ask ``truncated`` first: a first page that did not tell the count
    # ("more than 1000 dates") counts then.
    paginator = CappedPaginator(organisations, 2, cap=3)
    paginator.get_page(1)
    assert paginator.truncated
    assert paginator.count == 3

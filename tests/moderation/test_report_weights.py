"""Reports weigh by their reporter (``moderation.weighing``): three brand-new accounts cannot
hide what they dislike, and what a verified institution or official publishes goes to review
instead of being hidden by reports."""

import datetime as dt

import pytest
from django.utils import timezone

from parvis.moderation.models import CaseStatus, ModerationCase

from ..consultations.conftest import create_consultation
from ..factories import OrganisationFactory, UserFactory
from ..news.conftest import create_post


@pytest.fixture
def newcomers(beauvais):
    """``newcomers(n)``: n accounts created today."""

    def make(count):
        return [UserFactory(commune=beauvais, date_joined=timezone.now()) for _ in range(count)]

    return make


def case_of(item):
    return ModerationCase.objects.get(object_id=item.pk)


def test_three_brand_new_accounts_do_not_hide_an_item(event, newcomers, report):
    for reporter in newcomers(3):
        report(reporter, event)
    case = case_of(event)
    assert case.status == CaseStatus.OPEN  # in the moderators' queue
    assert not case.is_hidden


def test_brand_new_accounts_weigh_a_third_of_an_established_member(event, newcomers, report):
    reporters = newcomers(9)
    for reporter in reporters[:8]:
        report(reporter, event)
    assert not case_of(event).is_hidden
    report(reporters[8], event)
    assert case_of(event).is_hidden


def test_established_members_and_new_ones_add_up(event, members, newcomers, report):
    for reporter in [*members(2), *newcomers(2)]:
        report(reporter, event)
    assert not case_of(event).is_hidden  # 3 + 3 + 1 + 1 < 9
    report(newcomers(1)[0], event)
    assert case_of(event).is_hidden


def test_a_new_account_of_a_verified_official_weighs_fully(event, members, official, report):
    official.date_joined = timezone.now()
    official.save(update_fields=["date_joined"])
    for reporter in [*members(2), official]:
        report(reporter, event)
    assert case_of(event).is_hidden


def test_reports_send_an_institution_consultation_to_review_without_hiding_it(
    oise, members, report
):
    institution = OrganisationFactory(
        kind="institution", rna="", siren="226000017", commune=oise["beauvais"]
    )
    consultation = create_consultation(organisation=institution)
    for reporter in members(5):
        report(reporter, consultation)
    case = case_of(consultation)
    assert case.status == CaseStatus.OPEN
    assert case.reports.count() == 5
    assert not case.is_hidden


def test_reports_send_an_official_post_to_review_without_hiding_it(official, members, report):
    post = create_post(author=official)
    for reporter in members(5):
        report(reporter, post)
    case = case_of(post)
    assert case.status == CaseStatus.OPEN
    assert not case.is_hidden


def test_a_post_of_an_unverified_organisation_can_still_be_hidden(oise, members, report):
    organisation = OrganisationFactory(
        kind="association", status="pending", commune=oise["beauvais"]
    )
    author = UserFactory(commune=oise["beauvais"], date_joined=timezone.now() - dt.timedelta(90))
    post = create_post(author=author, organisation=organisation)
    for reporter in members(3):
        report(reporter, post)
    assert case_of(post).is_hidden

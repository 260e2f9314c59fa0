"""A local report sent twice is filed once."""

import pytest
from django.urls import reverse

from parvis.localreports.models import Report
from tests.idempotency import assert_form_has_token, assert_retry_after_error, assert_sent_once

pytestmark = pytest.mark.django_db


def test_a_report_sent_twice_is_filed_once(login, resident, categories, town_hall):
    client = login(resident)
    url = reverse("localreports:create")
    assert_form_has_token(client, f"{url}?commune=60057&category=voirie-trottoirs")
    data = {
        "commune": "60057",
        "category": "voirie-trottoirs",
        "description": "Un trou profond devant l'école Jean Moulin.",
        "address": "Rue Jean Moulin",
    }
    assert_retry_after_error(
        client, url, {**data, "description": "Trou."}, data, Report.objects.count
    )
    assert_sent_once(client, url, {**data, "address": "Rue Carnot"}, Report.objects.count)

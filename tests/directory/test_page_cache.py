"""Each directory tab is retired by what it lists (``core.pagecache``): a member's profile edit
retires the residents' tab, not the associations'."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def queries(url):
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url)
    assert response.status_code == 200
    return len(captured)


def test_a_profile_edit_retires_the_residents_tab_only(resident, association):
    residents, associations = "/annuaire/?type=residents", "/annuaire/?type=associations"
    for url in (residents, associations):
        queries(url)
    resident.first_name = "Camille"
    resident.save(update_fields=["first_name"])
    assert queries(residents) > 0
    assert queries(associations) == 0

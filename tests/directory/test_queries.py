"""A directory page costs the same number of queries whatever the number of rows."""

import pytest

from parvis.accounts.models import DirectoryVisibility, ProfileKind
from parvis.organisations.models import OrganisationKind

from ..factories import MandateFactory, OrganisationFactory, UserFactory
from .test_tabs import URL, names_listed

# Session and user (2); the territories chosen in the filters (up to 2 here); the options of
# the three territory selects (3); count and page of results (2); the verified mandates of the
# officials on the page (1).
MAX_QUERIES = 10


def _populate(type, count, oise):
    for i in range(count):
        commune = oise["beauvais"] if i % 2 else oise["compiegne"]
        if type in ("associations", "institutions"):
            OrganisationFactory(
                kind=OrganisationKind.ASSOCIATION
                if type == "associations"
                else OrganisationKind.INSTITUTION,
                commune=commune,
            )
        else:
            user = UserFactory(
                commune=commune,
                kind=ProfileKind.OFFICIAL if type == "officials" else ProfileKind.RESIDENT,
                directory_visibility=DirectoryVisibility.PUBLIC,
            )
            if type == "officials":
                MandateFactory(user=user, territory=commune)
                MandateFactory(user=user, role="epci_councillor", territory=commune.epci)


@pytest.mark.parametrize("type", ["residents", "associations", "officials", "institutions"])
@pytest.mark.parametrize("count", [5, 40])
@pytest.mark.parametrize("params", [{}, {"q": "a"}, {"commune": "beauvais", "epci": "epci"}])
def test_query_count_does_not_grow_with_the_number_of_rows(
    settings, client, login, resident, oise, django_assert_max_num_queries, type, count, params
):
    # allauth's "last seen" tracking writes now and then, whatever the page: not ours to count.
    settings.USERSESSIONS_TRACK_ACTIVITY = False
    _populate(type, count, oise)
    params = {
        key: (oise["beauvais"].pk if key == "commune" else oise["epcis"][0].pk)
        if key in ("commune", "epci")
        else value
        for key, value in params.items()
    }
    login(resident)
    client.get("/")  # the first request of a session records it (allauth's user sessions)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(URL, {"type": type, **params})
    assert response.status_code == 200
    if not params:
        assert len(names_listed(response)) == min(count + (type == "residents"), 20)

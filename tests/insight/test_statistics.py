"""Usage statistics: the nightly snapshot's figures against seeded data, the page (charts as
inline SVG with their data tables, filters, CSV) at a constant query count."""

import csv
import io

import pytest
from django.utils import timezone

from parvis.agenda.models import EventStatus
from parvis.insight import tasks
from parvis.insight.models import StatSnapshot
from parvis.insight.services import stats_compute

from ..agenda.conftest import create_event
from ..factories import UserFactory

URL = "/admin/insight/statsnapshot/"
#: The page's queries whatever the data: the session and the user's (with their bookkeeping),
#: the snapshot, the arrondissements.
PAGE_BUDGET = 10


@pytest.fixture(autouse=True)
def _no_staff_mfa(settings):
    settings.PARVIS_STAFF_MFA_REQUIRED = False


@pytest.fixture
def seeded(oise, resident, other_resident):
    now = timezone.now()
    for user in (resident, other_resident):
        user.last_login = now
        user.save(update_fields=["last_login"])
    UserFactory(commune=oise["beauvais"], last_login=now)
    create_event(created_by=resident, commune=oise["beauvais"], title="Concert")
    create_event(created_by=resident, commune=oise["beauvais"], title="Bal")
    create_event(created_by=other_resident, commune=oise["compiegne"], title="Marché")
    create_event(created_by=resident, commune=oise["beauvais"], title="Brouillon",
                 status=EventStatus.DRAFT)  # fmt: skip
    return oise


def test_the_snapshot_counts_the_seeded_data(seeded, moderator):
    snapshot = stats_compute()
    data = snapshot.data
    assert data["members_total"] == 4  # three members and the moderator
    assert data["signups_by_month"][-1][1] == 4
    events = {row[1]: row[3] for row in data["events_by_commune"]}
    assert events == {"Beauvais": 2, "Compiègne": 1}
    active = {row[1]: row[3] for row in data["active_by_commune"]}
    assert active == {"Beauvais": 2, "Compiègne": 1}
    assert sum(data["contributions_by_week"]["events"]) == 4
    # Idempotent: the day's snapshot is replaced, not duplicated.
    tasks.stats_compute()
    assert StatSnapshot.objects.count() == 1


def test_the_page_shows_charts_tables_and_csv(
    login, moderator, seeded, django_assert_max_num_queries
):
    stats_compute()
    client = login(moderator)
    client.get(URL)
    with django_assert_max_num_queries(PAGE_BUDGET):
        page = client.get(URL).content.decode()
    assert '<svg role="img"' in page and '<title id="chart-events-svg">' in page
    assert '<th scope="row">Beauvais</th><td class="num">2</td>' in page
    beauvais_arr = seeded["beauvais"].arrondissement_id
    filtered = client.get(URL, {"arrondissement": beauvais_arr}).content.decode()
    assert '<th scope="row">Compiègne</th>' not in filtered
    response = client.get(URL, {"graphique": "events", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [["Beauvais", "2"], ["Compiègne", "1"]]
    assert client.get(URL, {"mois": "abc", "arrondissement": "x"}).status_code == 200


def test_the_page_cost_does_not_grow_with_the_data(
    login, moderator, seeded, django_assert_max_num_queries
):
    stats_compute()
    client = login(moderator)
    client.get(URL)
    with django_assert_max_num_queries(PAGE_BUDGET):
        client.get(URL)
    for n in range(20):
        create_event(created_by=moderator, commune=seeded["margny"], title=f"E{n}")
    stats_compute()
    client.get(URL)
    with django_assert_max_num_queries(PAGE_BUDGET):
        client.get(URL)


def test_members_cannot_read_the_statistics(login, resident):
    assert login(resident).get(URL).status_code == 302

"""The back office: the dashboard as the admin's home (queues with counts, oldest item's age,
assigned to me, recent decisions; a constant query count), the decision buttons on the page
of a waiting item with the queue's next item offered, and the moderators' access."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from parvis.accounts.models import Mandate, VerificationStatus
from parvis.agenda.models import Event, EventStatus
from parvis.moderation import backoffice, teamwork
from parvis.moderation.models import AuditEntry, ModerationCase
from parvis.organisations.models import Organisation

from ..agenda.conftest import create_event
from ..factories import MandateFactory, OrganisationFactory, UserFactory
from .conftest import notifications_of

#: The dashboard's queries whatever the size of the queues: the session and the user's (with
#: their bookkeeping), one per queue (count and oldest together), assigned to me, the recent
#: decisions.
DASHBOARD_BUDGET = (
    18  # seven queues: reports, appeals, events, mandates, organisations, questions, local reports
)


def _age(obj, days):
    type(obj).objects.filter(pk=obj.pk).update(created_at=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def waiting(resident, other_resident, beauvais, event, report):
    """Seeded queues: 2 reported items, 3 events to review, 1 mandate, 2 organisations."""
    report(other_resident, event, reason="spam")
    other_event = create_event(created_by=other_resident, commune=beauvais, title="Brocante")
    report(resident, other_event, reason="illegal")
    events = [
        create_event(
            created_by=resident,
            commune=beauvais,
            title=f"Atelier {n}",
            status=EventStatus.SUBMITTED,
        )  # fmt: skip
        for n in range(3)
    ]
    _age(events[0], 5)
    _age(events[1], 1)
    mandate = MandateFactory(user__commune=beauvais, status=VerificationStatus.PENDING)
    _age(mandate, 3)
    organisations = [
        OrganisationFactory(commune=beauvais, status=VerificationStatus.PENDING) for _n in range(2)
    ]
    return {"events": events, "mandate": mandate, "organisations": organisations}


def _queue(page, key):
    start = page.index(f'id="queue-{key}"')
    return page[start : page.index("</li>", start)]


def test_the_dashboard_shows_each_queue_with_its_count_and_oldest_age(login, moderator, waiting):
    page = login(moderator).get("/admin/").content.decode()
    assert 'class="bo-count">2<' in _queue(page, "cases")
    assert 'class="bo-count">0<' in _queue(page, "appeals")
    events = _queue(page, "events")
    assert 'class="bo-count">3<' in events and "5\xa0days" in events
    assert reverse("admin:agenda_eventawaitingreview_changelist") in events
    mandates = _queue(page, "mandates")
    assert 'class="bo-count">1<' in mandates and "3\xa0days" in mandates
    assert 'class="bo-count">2<' in _queue(page, "organisations")
    assert "Nothing is assigned to you." in page


def test_the_dashboard_query_count_does_not_grow_with_the_queues(
    login, moderator, waiting, resident, beauvais, django_assert_max_num_queries
):
    client = login(moderator)
    client.get("/admin/")  # warm the session and the content types
    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        client.get("/admin/")
    for n in range(15):
        create_event(created_by=resident, commune=beauvais, title=f"Plus {n}",
                     status=EventStatus.SUBMITTED)  # fmt: skip
        OrganisationFactory(commune=beauvais, status=VerificationStatus.PENDING)
    client.get("/admin/")
    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        page = client.get("/admin/").content.decode()
    assert 'class="bo-count">18<' in _queue(page, "events")


def test_assigned_to_me_and_recent_decisions(
    login, moderator, waiting, django_capture_on_commit_callbacks
):
    case = ModerationCase.objects.order_by("pk").first()
    teamwork.case_assign(case=case, moderator=moderator, assignee=moderator)
    event = waiting["events"][0]
    client = login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:agenda_eventawaitingreview_decide", args=[event.pk, "approve"]))
    page = client.get("/admin/").content.decode()
    assigned = page[page.index("bo-assigned-title") : page.index("bo-recent-title")]
    assert case.object_repr in assigned
    recent = page[page.index("bo-recent-title") :]
    assert "Event approved" in recent and event.title in recent


def test_a_member_of_no_moderation_group_sees_no_queue(login, waiting, beauvais):
    staff = UserFactory(commune=beauvais, is_staff=True)
    page = login(staff).get("/admin/").content.decode()
    assert "queue-cases" not in page and "No moderation queue is open to you." in page


def test_later_queues_register_themselves(login, moderator, waiting):
    backoffice.register(
        backoffice.Queue(
            key="later-type",  # not a real queue's key: unregistering it removes nothing real
            label="Un futur type de contenu",
            queryset=lambda: Event.objects.none(),
            since="created_at",
            admin_model="agenda.event",
            permission="agenda.view_event",
            order=60,
        )
    )
    try:
        page = login(moderator).get("/admin/").content.decode()
    finally:
        backoffice.unregister("later-type")
    assert "Un futur type de contenu" in _queue(page, "later-type")


# --- decisions where the moderator is -----------------------------------------------------


def test_approve_button_publishes_and_offers_the_next_event(
    login, moderator, waiting, resident, django_capture_on_commit_callbacks
):
    oldest, second, _third = waiting["events"]
    client = login(moderator)
    page = client.get(reverse("admin:agenda_eventawaitingreview_change", args=[oldest.pk]))
    html = page.content.decode()
    approve = reverse("admin:agenda_eventawaitingreview_decide", args=[oldest.pk, "approve"])
    assert f'action="{approve}"' in html and "Request changes" in html and "Refuse" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(approve)
    oldest.refresh_from_db()
    assert oldest.status == EventStatus.PUBLISHED and oldest.reviewed_by == moderator
    # The next one is the oldest still waiting.
    assert response.url == reverse("admin:agenda_eventawaitingreview_change", args=[second.pk])
    assert notifications_of(resident, "agenda.event_published")
    assert AuditEntry.objects.filter(action="agenda.event_publish").count() == 1


def test_refuse_asks_a_reason_and_an_empty_one_changes_nothing(login, moderator, waiting):
    event = waiting["events"][1]
    url = reverse("admin:agenda_eventawaitingreview_decide", args=[event.pk, "refuse"])
    client = login(moderator)
    assert 'name="reason"' in client.get(url).content.decode()
    page = client.post(url, {"reason": "  "}).content.decode()
    assert "Give the reason" in page
    event.refresh_from_db()
    assert event.status == EventStatus.SUBMITTED
    client.post(url, {"reason": "Événement commercial."})
    event.refresh_from_db()
    assert (
        event.status == EventStatus.REJECTED and event.rejection_reason == "Événement commercial."
    )


def test_request_changes_sends_the_event_back_as_a_draft(
    login, moderator, waiting, resident, django_capture_on_commit_callbacks
):
    event = waiting["events"][2]
    url = reverse("admin:agenda_event_decide", args=[event.pk, "changes"])
    with django_capture_on_commit_callbacks(execute=True):
        login(moderator).post(url, {"reason": "Précisez l'adresse."})
    event.refresh_from_db()
    assert event.status == EventStatus.DRAFT and event.rejection_reason == "Précisez l'adresse."
    assert notifications_of(resident, "agenda.event_changes_requested")


def test_a_decided_item_shows_no_buttons_and_refuses_a_second_decision(login, moderator, event):
    client = login(moderator)
    page = client.get(reverse("admin:agenda_event_change", args=[event.pk])).content.decode()
    assert "Your decision" not in page
    client.post(reverse("admin:agenda_event_decide", args=[event.pk, "refuse"]), {"reason": "x"})
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_verify_a_mandate_from_its_page(login, moderator, waiting):
    mandate = waiting["mandate"]
    client = login(moderator)
    page = client.get(reverse("admin:organisations_pendingmandate_change", args=[mandate.pk]))
    html = page.content.decode()
    assert mandate.user.get_full_name() in html and "Beauvais" in html
    response = client.post(
        reverse("admin:organisations_pendingmandate_decide", args=[mandate.pk, "approve"])
    )
    assert Mandate.objects.get(pk=mandate.pk).status == VerificationStatus.VERIFIED
    assert response.url == reverse("admin:index")  # the queue is empty


def test_refuse_an_organisation_from_its_page(login, moderator, waiting):
    first, second = waiting["organisations"]
    url = reverse("admin:organisations_pendingorganisation_decide", args=[first.pk, "refuse"])
    response = login(moderator).post(url, {"reason": "Numéro RNA introuvable."})
    first.refresh_from_db()
    assert first.status == VerificationStatus.REJECTED
    assert first.rejection_reason == "Numéro RNA introuvable."
    assert response.url == reverse(
        "admin:organisations_pendingorganisation_change", args=[second.pk]
    )
    assert Organisation.objects.filter(status=VerificationStatus.PENDING).count() == 1


def test_request_changes_on_a_mandate_sends_it_back_to_the_member(
    login, moderator, waiting, django_capture_on_commit_callbacks
):
    mandate = waiting["mandate"]
    client = login(moderator)
    page = client.get(reverse("admin:organisations_pendingmandate_change", args=[mandate.pk]))
    assert "Request changes" in page.content.decode()
    url = reverse("admin:organisations_pendingmandate_decide", args=[mandate.pk, "changes"])
    assert "Give the reason" in client.post(url, {"reason": " "}).content.decode()
    assert Mandate.objects.get(pk=mandate.pk).status == VerificationStatus.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Votre nom diffère de la liste officielle."})
    mandate.refresh_from_db()
    assert mandate.status == VerificationStatus.CHANGES_REQUESTED
    assert mandate.rejection_reason == "Votre nom diffère de la liste officielle."
    assert response.url == reverse("admin:index")  # out of the queue, which is now empty
    (notice,) = notifications_of(mandate.user, "accounts.mandate_verification")
    assert notice.params["changes"] and "liste officielle" in notice.params["reason"]
    entry = AuditEntry.objects.get(action="accounts.mandate_changes_request")
    assert entry.actor == moderator and entry.reason == mandate.rejection_reason


def test_request_changes_on_an_organisation_from_its_page(login, moderator, waiting):
    first, second = waiting["organisations"]
    url = reverse("admin:organisations_pendingorganisation_decide", args=[first.pk, "changes"])
    response = login(moderator).post(url, {"reason": "Ajoutez le numéro RNA."})
    first.refresh_from_db()
    assert first.status == VerificationStatus.CHANGES_REQUESTED
    assert first.rejection_reason == "Ajoutez le numéro RNA."
    assert response.url == reverse(
        "admin:organisations_pendingorganisation_change", args=[second.pk]
    )
    assert AuditEntry.objects.filter(action="organisations.changes_request").count() == 1
    # A second decision on it is refused: it no longer waits for a moderator.
    login(moderator).post(url, {"reason": "Encore ?"})
    assert AuditEntry.objects.filter(action="organisations.changes_request").count() == 1


def test_members_cannot_decide(login, resident, waiting):
    event = waiting["events"][0]
    response = login(resident).post(
        reverse("admin:agenda_eventawaitingreview_decide", args=[event.pk, "approve"])
    )
    assert response.status_code == 302 and "/login/" in response.url
    event.refresh_from_db()
    assert event.status == EventStatus.SUBMITTED


# --- access -----------------------------------------------------------------------------------


def test_moderators_open_the_privacy_pages(login, moderator):
    client = login(moderator)
    assert client.get("/admin/privacy/dataexport/").status_code == 200
    assert client.get("/admin/privacy/inactivitynotice/").status_code == 200


def test_moderators_do_not_see_what_their_group_does_not_allow(login, moderator):
    client = login(moderator)
    assert client.get("/admin/auth/group/").status_code == 403
    assert client.get("/admin/accounts/apitoken/").status_code == 403

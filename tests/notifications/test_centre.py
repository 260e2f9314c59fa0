"""The notification centre: list, unread count in the header, mark read, follow a link."""

import pytest
from django.urls import reverse

from parvis.notifications.models import Notification
from parvis.notifications.services import notify

pytestmark = pytest.mark.usefixtures("sample_types")

LIST = reverse("notifications:list")


def make(recipient, count=1, title="Brocante", url="/agenda/"):
    for index in range(count):
        notify(
            recipients=[recipient],
            type_key="tests.sample",
            url=url,
            context={"title": f"{title} {index}"},
            email=False,
        )


def test_visitor_is_sent_to_log_in(visitor):
    response = visitor.get(LIST)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_member_sees_their_notifications_newest_first_and_not_others(
    login, resident, other_resident, official
):
    make(resident, title="Kermesse")
    notify(
        recipients=[resident],
        type_key="tests.sample",
        actor=official,
        url="/agenda/",
        context={"title": "Fête"},
        email=False,
    )
    make(other_resident, title="Secret")
    page = login(resident).get(LIST).content.decode()
    assert "Jean Moreau did something about “Fête”." in page
    assert page.index("Fête") < page.index("Kermesse 0")
    assert "Secret" not in page


def test_the_header_shows_the_unread_count(login, resident):
    make(resident, count=3)
    client = login(resident)
    page = client.get(reverse("home")).content.decode()
    assert '<span class="badge">3<span class="visually-hidden"> unread</span></span>' in page
    make(resident)
    assert '<span class="badge">4<' in client.get(reverse("home")).content.decode()
    client.post(reverse("notifications:mark_all_read"))
    assert 'visually-hidden"> unread' not in client.get(reverse("home")).content.decode()


def test_the_header_count_stops_at_99(login, resident):
    make(resident, count=101)
    page = login(resident).get(LIST).content.decode()
    assert '<span class="badge">99+' in page


def test_the_list_costs_the_same_queries_for_3_or_60_notifications(
    login, resident, official, django_assert_max_num_queries
):
    client = login(resident)
    make(resident, count=3)
    client.get(LIST)
    with django_assert_max_num_queries(14) as few:
        assert client.get(LIST).status_code == 200
    for _ in range(57):
        notify(
            recipients=[resident],
            type_key="tests.sample",
            actor=official,
            url="/agenda/",
            context={"title": "x"},
            email=False,
        )
    client.get(LIST)  # the header's count was refreshed by the new notifications
    with django_assert_max_num_queries(14) as many:
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["page"].paginator.num_pages == 2
    # One query more, the count, once the list is longer than its first page (a shorter one
    # is counted from that page: core.pagination); then no more, whatever its length.
    assert len(many) == len(few) + 1
    with django_assert_max_num_queries(len(many)):
        assert client.get(LIST, {"page": "2"}).status_code == 200


def test_a_bad_page_number_shows_a_page(login, resident):
    make(resident)
    assert login(resident).get(LIST, {"page": "abc"}).status_code == 200
    assert login(resident).get(LIST, {"page": "999"}).status_code == 200


def test_the_header_count_is_one_query_then_cached(login, resident, django_assert_max_num_queries):
    """The unread count costs one query on a member's first page, none on the next ones
    (cached until it changes), and none for a visitor."""

    def notification_queries():
        with django_assert_max_num_queries(30) as captured:
            page = client.get(reverse("legal")).content.decode()
        return [q["sql"] for q in captured.captured_queries if "notifications_" in q["sql"]], page

    client = login(resident)
    make(resident, count=2)
    queries, page = notification_queries()
    assert len(queries) == 1
    assert queries[0].startswith("SELECT COUNT(*)")
    assert '<span class="badge">2<' in page
    assert notification_queries()[0] == []
    make(resident)
    queries, page = notification_queries()
    assert len(queries) == 1, "a new notification refreshes the count"
    assert '<span class="badge">3<' in page
    client.logout()
    assert notification_queries()[0] == []


def test_mark_one_read(login, resident):
    make(resident, count=2)
    first = Notification.objects.order_by("pk").first()
    response = login(resident).post(reverse("notifications:mark_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_marking_read_needs_post(login, resident):
    make(resident)
    notification = Notification.objects.get()
    response = login(resident).get(reverse("notifications:mark_read", args=[notification.pk]))
    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_someone_elses_notification_answers_404_and_stays_unread(login, resident, other_resident):
    make(other_resident)
    notification = Notification.objects.get()
    client = login(resident)
    assert (
        client.post(reverse("notifications:mark_read", args=[notification.pk])).status_code == 404
    )
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_only_touches_mine(login, resident, other_resident):
    make(resident, count=3)
    make(other_resident, count=2)
    response = login(resident).post(reverse("notifications:mark_all_read"), {"next": LIST})
    assert response.status_code == 302
    assert response["Location"] == LIST
    assert not Notification.objects.filter(recipient=resident, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other_resident, read_at__isnull=True).count() == 2


def test_mark_all_read_ignores_an_outside_next(login, resident):
    make(resident)
    response = login(resident).post(
        reverse("notifications:mark_all_read"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == LIST


def test_following_a_notification_marks_it_read_and_opens_the_item(login, resident):
    make(resident, url="/agenda/")
    notification = Notification.objects.get()
    response = login(resident).get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/agenda/"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_unknown_type_still_shows_a_line(login, resident):
    make(resident)
    Notification.objects.update(type_key="gone.away")
    response = login(resident).get(LIST)
    assert response.status_code == 200
    assert "Notification" in response.content.decode()

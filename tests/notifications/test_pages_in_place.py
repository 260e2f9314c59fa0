"""The notification centre's other pages in place (htmx); the page without it."""

import pytest

from parvis.notifications.models import Notification

from ..in_place import next_page_in_place

pytestmark = pytest.mark.django_db


def test_a_member_gets_the_next_page_of_notifications_in_place(login, resident, monkeypatch):
    monkeypatch.setattr("parvis.notifications.views.PAGE_SIZE", 1)
    for expires in ("demain", "lundi"):
        Notification.objects.create(
            recipient=resident, type_key="privacy.export_ready", params={"expires": expires}
        )
    html = next_page_in_place(
        login(resident), "/notifications/", "notification-results", public=False
    )
    assert html.count('<li class="notification') == 1
    assert 'name="next" value="/notifications/?page=2"' in html  # "Mark as read" comes back here

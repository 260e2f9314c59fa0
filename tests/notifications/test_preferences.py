"""The preferences page: per type, e-mail at once, daily digest, or none."""

import pytest
from django.urls import reverse

from parvis.notifications.models import NotificationPreference
from parvis.notifications.registry import Delivery
from parvis.notifications.selectors import preferences_of

pytestmark = pytest.mark.usefixtures("sample_types")

URL = reverse("notifications:preferences")


def test_visitor_is_sent_to_log_in(visitor):
    assert visitor.get(URL).status_code == 302


def test_the_page_shows_each_type_with_its_default(login, resident):
    response = login(resident).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "An event I am going to is cancelled" in page
    assert "A sample happening for the digest" in page
    form = response.context["form"]
    assert form["type_tests__sample_daily"].initial == Delivery.DAILY
    assert form["type_agenda__event_cancelled"].initial == Delivery.IMMEDIATE


def test_saving_records_the_choices(login, resident):
    client = login(resident)
    data = {field.html_name: field.initial for field in client.get(URL).context["form"]}
    data["type_tests__sample"] = Delivery.NEVER
    data["type_agenda__event_changed"] = Delivery.DAILY
    response = client.post(URL, data)
    assert response.status_code == 302
    prefs = preferences_of(resident)
    assert prefs["tests.sample"] == Delivery.NEVER
    assert prefs["agenda.event_changed"] == Delivery.DAILY
    assert prefs["tests.sample_daily"] == Delivery.DAILY
    # saving again changes nothing
    client.post(URL, data)
    assert preferences_of(resident) == prefs


def test_a_required_e_mail_offers_no_never_and_refuses_it(login, resident):
    client = login(resident)
    form = client.get(URL).context["form"]
    assert Delivery.NEVER not in dict(form.fields["type_tests__sample_required"].choices)
    data = {field.html_name: field.initial for field in form}
    data["type_tests__sample_required"] = Delivery.NEVER
    data["type_tests__sample"] = Delivery.NEVER
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NotificationPreference.objects.exists(), "nothing changed"


def test_a_bad_value_shows_an_error_and_changes_nothing(login, resident):
    client = login(resident)
    data = {field.html_name: field.initial for field in client.get(URL).context["form"]}
    data["type_tests__sample"] = "weekly"
    response = client.post(URL, data)
    assert response.status_code == 200
    assert not NotificationPreference.objects.exists()

"""The reportable registry: a content type joins moderation with one ``register`` call."""

import pytest
from django.template import Context, Template

from parvis.agenda.models import Category, Event, EventAwaitingReview
from parvis.moderation import registry
from parvis.moderation.models import ModerationCase, Report
from parvis.moderation.selectors import visible


def test_events_profiles_and_organisations_are_registered():
    keys = {entry.key for entry in registry.entries()}
    assert {"agenda.event", "accounts.user", "organisations.organisation"} <= keys


def test_proxies_share_their_concrete_models_registration():
    assert registry.get_for_model(EventAwaitingReview) is registry.get_for_model(Event)


@pytest.fixture
def categories_reportable():
    """Categories registered for the time of a test, as a new content app would register."""
    entry = registry.register(
        Category, author=lambda category: None, public_url=lambda category: "/agenda/"
    )
    yield entry
    registry.unregister(Category)


def test_a_newly_registered_type_can_be_reported_and_hidden(
    categories_reportable, login, other_resident, moderator, decide
):
    category = Category.objects.get(slug="culture")
    url = f"/moderation/signaler/agenda.category/{category.pk}/"
    client = login(other_resident)
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "other", "details": "A wrong category"})
    assert response.status_code == 302 and response["Location"] == "/agenda/"
    case = ModerationCase.objects.get()
    assert case.object_repr == category.name and case.author is None
    assert Report.objects.get().case == case
    decide(case, moderator, "hide", ground="terms")
    assert category not in visible(Category.objects.all(), other_resident)
    assert category in visible(Category.objects.all(), moderator)


def test_report_link_template_tag(categories_reportable, rf, other_resident):
    category = Category.objects.get(slug="culture")
    request = rf.get("/")
    html = Template("{% load moderation %}{% report_link item %}").render(
        Context({"item": category, "user": other_resident, "request": request})
    )
    assert f"/moderation/signaler/agenda.category/{category.pk}/" in html
    assert "Report" in html


def test_unregistered_items_get_no_report_link(rf, other_resident):
    category = Category.objects.get(slug="culture")
    html = Template("{% load moderation %}{% report_link item %}").render(
        Context({"item": category, "user": other_resident})
    )
    assert html.strip() == ""

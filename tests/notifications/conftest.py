"""Fixtures of the notification tests: English msgids, a sample notification type, and the
helpers of the tests that run real Celery workers (workers.py)."""

import copy
from pathlib import Path

import pytest
from django.utils.translation import gettext_lazy as _

from parvis.notifications import registry
from parvis.notifications.registry import Delivery, NotificationType


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages and e-mails in English (the msgids), whatever the catalogues hold."""
    settings.LANGUAGE_CODE = "en"


SAMPLE = NotificationType(
    key="tests.sample",
    label=_("A sample happening"),
    text=_("%(actor)s did something about “%(title)s”."),
    email_template="notifications/tests/sample",
    default_delivery=Delivery.IMMEDIATE,
)
SAMPLE_DAILY = NotificationType(
    key="tests.sample_daily",
    label=_("A sample happening for the digest"),
    text=_("Something new about “%(title)s”."),
    email_template="notifications/tests/sample",
    default_delivery=Delivery.DAILY,
)
SAMPLE_REQUIRED = NotificationType(
    key="tests.sample_required",
    label=_("A sample legal notice"),
    text=_("A decision about “%(title)s”."),
    email_template="notifications/tests/sample",
    email_required=True,
)


@pytest.fixture
def sample_types():
    """Three notification types of the tests (at once, daily, required), registered for
    the test only; their e-mail templates live in tests/notifications/templates."""
    for ntype in (SAMPLE, SAMPLE_DAILY, SAMPLE_REQUIRED):
        registry.register(ntype)
    yield
    for ntype in (SAMPLE, SAMPLE_DAILY, SAMPLE_REQUIRED):
        registry.unregister(ntype.key)


@pytest.fixture(autouse=True)
def _test_templates(settings):
    """The sample types' e-mail templates."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], Path(__file__).parent / "templates"]
    settings.TEMPLATES = templates


@pytest.fixture
def make_event(association_manager, beauvais):
    """``make_event(**fields)``: a published event of the association manager (see
    tests/agenda/conftest.py)."""
    from parvis.agenda.models import Category

    from ..agenda.conftest import create_event

    # A transactional test may follow another one that flushed the data migrations' rows.
    Category.objects.get_or_create(slug="culture", defaults={"name": "Culture"})

    def _make(**fields):
        fields.setdefault("created_by", association_manager)
        fields.setdefault("commune", beauvais)
        return create_event(**fields)

    return _make

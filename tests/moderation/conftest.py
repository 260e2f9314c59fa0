"""Fixtures of the moderation tests: English msgids, staff MFA relaxed, a second moderator,
events to report and helpers."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from parvis.moderation import services

from ..agenda.conftest import create_event
from ..factories import UserFactory


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages and messages in English (the msgids)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _no_staff_mfa(settings):
    settings.PARVIS_STAFF_MFA_REQUIRED = False


@pytest.fixture
def second_moderator(oise):
    user = UserFactory(
        email="moderation2@example.org",
        first_name="Claire",
        last_name="Vasseur",
        commune=oise["compiegne"],
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name="Modérateurs"))
    return user


@pytest.fixture
def event(resident, beauvais):
    """A published event of the resident (Camille Martin), in Beauvais."""
    return create_event(created_by=resident, commune=beauvais, title="Fête des voisins")


@pytest.fixture
def members(beauvais):
    """``members(n)``: n identified members of Beauvais, established (joined two months ago:
    their reports weigh fully, ``moderation.weighing``)."""

    def make(count):
        joined = timezone.now() - dt.timedelta(days=60)
        return [UserFactory(commune=beauvais, date_joined=joined) for _ in range(count)]

    return make


@pytest.fixture
def report(django_capture_on_commit_callbacks):
    """``report(reporter, item, reason="spam", details="")`` through the service."""

    def make(reporter, item, reason="spam", details=""):
        with django_capture_on_commit_callbacks(execute=True):
            return services.report_create(
                reporter=reporter, obj=item, reason=reason, details=details
            )

    return make


@pytest.fixture
def decide(django_capture_on_commit_callbacks):
    """``decide(case, moderator, action, ground="spam", facts="...", **extra)``."""

    def make(case, moderator, action, ground="spam", facts="Links to a counterfeit shop.", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return services.case_decide(
                case=case, moderator=moderator, action=action, ground=ground, facts=facts, **extra
            )

    return make


def notifications_of(user, type_key=None):
    from parvis.notifications.models import Notification

    qs = Notification.objects.filter(recipient=user)
    if type_key:
        qs = qs.filter(type_key=type_key)
    return list(qs.order_by("pk"))

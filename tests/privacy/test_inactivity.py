"""Inactive accounts: warned by e-mail after PARVIS_INACTIVE_WARNING_DAYS without login,
erased after PARVIS_INACTIVE_ERASURE_DAYS (and at least the notice period after the
warning); once only, and logging in again starts over."""

import datetime as dt

import pytest
from allauth.usersessions.models import UserSession
from django.core import mail
from django.utils import timezone

from parvis.accounts.models import User
from parvis.moderation.models import AuditEntry
from parvis.notifications.models import Notification
from parvis.privacy.models import InactivityNotice
from parvis.privacy.tasks import inactive_accounts_sweep

from ..factories import UserFactory

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _days(settings):
    settings.PARVIS_INACTIVE_WARNING_DAYS = 700
    settings.PARVIS_INACTIVE_ERASURE_DAYS = 730


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    def _sweep(now=None):
        with django_capture_on_commit_callbacks(execute=True):
            return inactive_accounts_sweep(now=now or timezone.now())

    return _sweep


def last_seen(member, days_ago, now=None):
    now = now or timezone.now()
    User.objects.filter(pk=member.pk).update(
        last_login=now - dt.timedelta(days=days_ago),
        date_joined=now - dt.timedelta(days=days_ago + 30),
    )
    member.refresh_from_db()


def mails_to(member):
    return [m for m in mail.outbox if m.to == [member.email]]


def test_member_active_recently_is_left_alone(camille, sweep):
    last_seen(camille, 699)
    assert sweep() == {"back": 0, "warned": 0, "erased": 0}
    assert not mails_to(camille)


def test_member_is_warned_once_after_the_warning_period(camille, sweep):
    last_seen(camille, 700)
    assert sweep()["warned"] == 1
    [warning] = mails_to(camille)
    assert "will be deleted" in warning.subject
    assert "/compte/login/" in warning.body
    assert Notification.objects.filter(
        recipient=camille, type_key="privacy.inactivity_warning"
    ).exists()
    notice = InactivityNotice.objects.get(member=camille)
    assert notice.erasure_after >= timezone.now() + dt.timedelta(days=29)
    # The next days: no second warning.
    assert sweep()["warned"] == 0
    assert sweep(now=timezone.now() + 5 * DAY)["warned"] == 0
    assert len(mails_to(camille)) == 1


def test_member_is_erased_after_the_erasure_period(camille, sweep):
    now = timezone.now()
    last_seen(camille, 700, now)
    email = camille.email
    sweep(now)
    assert sweep(now + 29 * DAY)["erased"] == 0  # the notice period is not over
    assert sweep(now + 30 * DAY)["erased"] == 1
    camille.refresh_from_db()
    assert camille.is_erased and not camille.is_active
    subjects = [m.subject for m in mail.outbox if m.to == [email]]
    assert len(subjects) == 2
    assert "Your account will be deleted on" in subjects[0]
    assert subjects[1].endswith("Your inactive account has been deleted")
    entry = AuditEntry.objects.get(action="gdpr.erasure")
    assert entry.actor is None and "inactive" in entry.reason
    assert sweep(now + 31 * DAY)["erased"] == 0  # once


def test_member_warned_late_still_gets_the_whole_notice_period(camille, sweep):
    """The task did not run for a while: a member inactive for 800 days is warned first,
    never erased on the spot."""
    now = timezone.now()
    last_seen(camille, 800, now)
    assert sweep(now) == {"back": 0, "warned": 1, "erased": 0}
    assert sweep(now + 10 * DAY)["erased"] == 0
    assert sweep(now + 30 * DAY)["erased"] == 1


def test_logging_in_again_resets_the_warning(camille, sweep, client, password):
    now = timezone.now()
    last_seen(camille, 700, now)
    sweep(now)
    assert InactivityNotice.objects.filter(member=camille).exists()
    response = client.post("/compte/login/", {"login": camille.email, "password": password})
    assert response.status_code == 302
    assert not InactivityNotice.objects.filter(member=camille).exists()
    assert sweep(now + 30 * DAY)["erased"] == 0
    camille.refresh_from_db()
    assert camille.is_active and not camille.is_erased


def test_activity_in_a_session_also_resets_the_warning(camille, sweep):
    now = timezone.now()
    last_seen(camille, 700, now)
    sweep(now)
    UserSession.objects.create(
        user=camille, ip="192.0.2.1", user_agent="x", session_key="k" * 32, last_seen_at=now
    )
    result = sweep(now + 30 * DAY)
    assert result["back"] == 1 and result["erased"] == 0
    assert not InactivityNotice.objects.filter(member=camille).exists()


def test_staff_and_deactivated_accounts_are_left_to_the_administrators(moderator, hugo, sweep):
    last_seen(moderator, 800)
    last_seen(hugo, 800)
    User.objects.filter(pk=hugo.pk).update(is_active=False)
    assert sweep()["warned"] == 0


def test_work_is_done_in_batches(oise, sweep, monkeypatch):
    from parvis.privacy import tasks

    monkeypatch.setattr(tasks, "INACTIVE_BATCH_SIZE", 2)
    members = [UserFactory(email=f"inactif{i}@example.org") for i in range(5)]
    for member in members:
        last_seen(member, 700)
    # One run warns a batch, then queues itself again (eagerly here) until all are warned.
    result = sweep()
    assert InactivityNotice.objects.count() == 5
    assert result["warned"] == 2
    assert len(mail.outbox) == 5

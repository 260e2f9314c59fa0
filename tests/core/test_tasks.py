"""E-mails are sent by a real Celery worker over Redis, after the transaction commits."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction

from parvis import celery_app
from parvis.core.emails import queue_email


@pytest.fixture
def real_worker(settings):
    assert settings.REDIS_URL, "the worker tests need a real Redis (REDIS_URL)"
    celery_app.conf.update(task_always_eager=False, broker_url=settings.REDIS_URL)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
        yield
    celery_app.conf.update(task_always_eager=True)


def wait_for_outbox(count, timeout=20):
    deadline = time.monotonic() + timeout
    while len(mail.outbox) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return mail.outbox


@pytest.mark.django_db(transaction=True)
def test_worker_sends_queued_email_after_commit(real_worker):
    with transaction.atomic():
        queue_email(
            to="camille@example.org",
            template="core/emails/test",
            context={"name": "Camille"},
            language="fr",
        )
        assert mail.outbox == [], "nothing leaves before the transaction commits"
    outbox = wait_for_outbox(1)
    assert len(outbox) == 1
    assert outbox[0].to == ["camille@example.org"]
    assert "Camille" in outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_for_a_change_that_rolled_back(real_worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(to="hugo@example.org", template="core/emails/test", context={"name": "Hugo"})
        raise RuntimeError("the change fails")
    queue_email(to="witness@example.org", template="core/emails/test", context={"name": "W"})
    outbox = wait_for_outbox(1)
    assert [message.to for message in outbox] == [["witness@example.org"]]

"""No notification lost, proved with real Celery workers on a real Redis.

- The daily digest, run by a worker: batches of members, a couple of tasks queued at a time,
  one e-mail per member and day even when the tasks are duplicated.
- A Redis outage: a private redis-server is stopped while a member cancels an event (the
  page answers at once, the e-mail waits in the outbox), then restarted: the beat's drain
  queues the e-mail and the worker sends it, once. The same with a post published during the
  outage: its activity waits, the beat's activity drain has it told once Redis is back.
- A worker killed in the middle of a send (SIGKILL): the task comes back (acks_late,
  reject_on_worker_lost, visibility timeout) and the e-mail is sent exactly once.

The measured times are printed (``pytest -s``) and noted in docs/notifications.md.
"""

import os
import signal
import threading
import time

import pytest
from celery.signals import after_task_publish, task_postrun
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from parvis.agenda.models import Event, EventStatus, Rsvp
from parvis.agenda.services import event_cancel
from parvis.notifications import tasks
from parvis.notifications.models import (
    Activity,
    EmailOutbox,
    Notification,
    OutboxKind,
    OutboxState,
)
from parvis.notifications.registry import Delivery
from parvis.notifications.services import notify, preferences_set

from ..factories import UserFactory
from .mailbox import delivered, sending_pids
from .workers import RedisServer, WorkerProcess, broker, in_process_worker, purge, wait_until


def report(capsys, text):
    with capsys.disabled():
        print(f"\n[measured] {text}")


def daily_items(members, per_member=2):
    for member in members:
        for index in range(per_member):
            notify(
                recipients=[member],
                type_key="tests.sample_daily",
                url="/agenda/",
                context={"title": f"Marché {index}"},
            )


# --- the daily digest with a real worker ------------------------------------------------------


@pytest.mark.usefixtures("sample_types")
@pytest.mark.django_db(transaction=True)
def test_digest_batches_members_and_keeps_few_tasks_in_the_queue(settings, oise):
    members = UserFactory.create_batch(7, commune=oise["beauvais"])
    daily_items(members)
    in_flight, peak, published = [0], [0], []
    lock = threading.Lock()

    def on_publish(sender=None, body=None, **kwargs):
        if sender == tasks.digest_batch.name:
            with lock:
                published.append(sender)
                in_flight[0] += 1
                peak[0] = max(peak[0], in_flight[0])

    def on_done(sender=None, **kwargs):
        if getattr(sender, "name", None) == tasks.digest_batch.name:
            with lock:
                in_flight[0] -= 1

    after_task_publish.connect(on_publish, weak=False)
    task_postrun.connect(on_done, weak=False)
    try:
        purge(settings.REDIS_URL)
        with in_process_worker(settings.REDIS_URL):
            tasks.digest_daily.delay(batch_size=3)
            wait_until(lambda: len(mail.outbox) >= 7)
            wait_until(lambda: in_flight[0] == 0)
    finally:
        after_task_publish.disconnect(on_publish)
        task_postrun.disconnect(on_done)
    assert len(published) == 3, "7 members in batches of 3: three digest tasks"
    assert peak[0] <= 2, "each batch queues the next one: never more than two at once"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    message = mail.outbox[0]
    assert message.subject.endswith(": 2 notifications")
    assert "Something new about “Marché 0”." in message.body
    assert "Something new about “Marché 1”." in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not Notification.objects.filter(digest__isnull=True).exists()


@pytest.mark.postgresql
@pytest.mark.usefixtures("sample_types")
@pytest.mark.django_db(transaction=True)
def test_duplicated_digest_tasks_never_send_twice(settings, oise):
    """The beat fires twice, and the same batch is delivered three times to three worker
    threads at once: still one digest per member and day."""
    members = UserFactory.create_batch(5, commune=oise["beauvais"])
    daily_items(members)
    purge(settings.REDIS_URL)
    with in_process_worker(settings.REDIS_URL, pool="threads", concurrency=3):
        now = timezone.now()
        batch = {
            "day": timezone.localdate(now).isoformat(),
            "cutoff": now.isoformat(),
            "after": 0,
            "batch_size": 2,
        }
        for _ in range(3):
            tasks.digest_batch.apply_async(kwargs=batch)
        tasks.digest_daily.delay(batch_size=2)
        tasks.digest_daily.delay(batch_size=2)
        wait_until(lambda: len(mail.outbox) >= 5)
        time.sleep(3)  # time for any duplicate to show up
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    assert EmailOutbox.objects.filter(kind=OutboxKind.DIGEST, state=OutboxState.SENT).count() == 5

    # The same day again (a retried task, tomorrow's beat run early): nothing more.
    tasks.digest_batch.apply(kwargs=batch)
    tasks.digest_daily.apply(kwargs={"batch_size": 2})
    assert len(mail.outbox) == 5


# --- a worker subprocess on a private Redis ---------------------------------------------------


@pytest.fixture
def private_redis(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def maildir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def worker_process(private_redis, maildir, tmp_path):
    """``worker_process(**options)`` starts a worker subprocess; all are stopped at the end."""
    started = []

    def start(name="worker", **options):
        worker = WorkerProcess(
            redis_url=private_redis.url,
            maildir=maildir,
            logfile=tmp_path / f"{name}.log",
            **options,
        ).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def redis_cache(url):
    return {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}


def rsvp(event, member):
    Rsvp.objects.create(occurrence=event.occurrences.get(), user=member)


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_outbox_survives_a_redis_outage(
    capsys,
    private_redis,
    worker_process,
    maildir,
    login,
    association_manager,
    resident,
    make_event,
):
    worker = worker_process(beat=True, env={"PARVIS_OUTBOX_DRAIN_SECONDS": "1"})
    event = make_event(title="Fête de la musique")
    rsvp(event, resident)
    client = login(association_manager)
    cancel_url = reverse("agenda:cancel", kwargs={"pk": event.pk, "slug": event.slug})
    assert client.get(cancel_url).status_code == 200  # the organiser opens the form
    with broker(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        response = client.post(cancel_url, {"reason": "Orage annoncé."})
        request_time = time.monotonic() - started
        assert response.status_code == 302
        assert Event.objects.get(pk=event.pk).status == EventStatus.CANCELLED
        row = EmailOutbox.objects.get()
        assert (row.state, row.queued_at) == (OutboxState.PENDING, None)
        time.sleep(3)  # Redis stays down a while: nothing can be sent
        assert delivered(maildir) == []

        private_redis.start()  # empty: whatever it held is gone
        delivery_time = wait_until(lambda: len(delivered(maildir)) >= 1, timeout=120)
        time.sleep(4)  # several more drain runs: no second e-mail
    messages = delivered(maildir)
    assert len(messages) == 1, worker.log()
    assert messages[0]["To"] == resident.email
    assert "List-Unsubscribe" in messages[0]
    row.refresh_from_db()
    assert row.state == OutboxState.SENT
    assert request_time < 3, f"the request took {request_time:.2f} s with Redis down"
    report(
        capsys,
        f"Redis outage: request answered in {request_time * 1000:.0f} ms with Redis down; "
        f"e-mail delivered {delivery_time:.1f} s after Redis restarted (worker reconnection "
        f"+ next drain run, every 1 s here); no duplicate in the next 4 s.",
    )


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_an_activity_recorded_while_redis_is_down_is_told_once_it_is_back(
    capsys, private_redis, worker_process, maildir, official, resident, beauvais
):
    """A post is published while Redis is down: its announcement (an audience resolved when
    it is told) waits in the activity outbox; once Redis is back, the beat's drain queues it,
    a worker tells the members and sends the e-mail, once."""
    from parvis.news.models import Category
    from parvis.news.services import post_create

    category, _created = Category.objects.get_or_create(
        slug="vie-locale", defaults={"name": "Vie locale"}
    )
    announced = "news.published_in_my_commune"
    preferences_set(member=resident, choices={announced: Delivery.IMMEDIATE})
    worker = worker_process(beat=True, env={"PARVIS_OUTBOX_DRAIN_SECONDS": "1"})
    with broker(private_redis.url):
        private_redis.stop()
        started = time.monotonic()
        post_create(
            author=official,
            data={
                "title": "Coupure d'eau",
                "body": "Mardi matin.",
                "category": category,
                "organisation": None,
                "audience": [beauvais],
            },
            publish=True,
        )
        request_time = time.monotonic() - started
        activity = Activity.objects.get()
        assert (activity.processed_at, activity.queued_at) == (None, None)
        time.sleep(3)  # Redis stays down a while: nothing can be told
        assert delivered(maildir) == []
        assert not Notification.objects.exists()

        private_redis.start()  # empty: whatever it held is gone
        delivery_time = wait_until(lambda: len(delivered(maildir)) >= 1, timeout=120)
        time.sleep(4)  # several more drain runs: nothing told twice
    messages = delivered(maildir)
    assert len(messages) == 1, worker.log()
    assert messages[0]["To"] == resident.email
    assert Notification.objects.filter(type_key=announced).count() == 1
    activity.refresh_from_db()
    assert activity.processed_at is not None
    assert request_time < 3, f"publishing took {request_time:.2f} s with Redis down"
    report(
        capsys,
        f"Redis outage, activity outbox: post published in {request_time * 1000:.0f} ms with "
        f"Redis down; announced and e-mailed {delivery_time:.1f} s after Redis restarted "
        f"(activity drain + fan-out + e-mail, drains every 1 s here); nothing told twice.",
    )


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_members_pages_answer_while_the_one_redis_is_down(
    private_redis, login, association_manager, resident, make_event
):
    """As in production, one Redis is the broker *and* the cache: while it is down, an
    organiser still cancels an event (saved, e-mail kept in the outbox) and a participant
    still reads the event page with the notification count in the header."""
    event = make_event()
    rsvp(event, resident)
    cancel_url = reverse("agenda:cancel", kwargs={"pk": event.pk, "slug": event.slug})
    with broker(private_redis.url), override_settings(CACHES=redis_cache(private_redis.url)):
        organiser = login(association_manager)
        assert organiser.get(cancel_url).status_code == 200
        private_redis.stop()
        started = time.monotonic()
        response = organiser.post(cancel_url, {"reason": "Orage annoncé."})
        assert time.monotonic() - started < 3
        assert response.status_code == 302
        page = login(resident).get(event.get_absolute_url())
        assert page.status_code == 200
        assert '<span class="badge">1<' in page.content.decode()
    assert Event.objects.get(pk=event.pk).status == EventStatus.CANCELLED
    assert EmailOutbox.objects.get().state == OutboxState.PENDING


def cancel_for(member, event, actor):
    rsvp(event, member)
    with transaction.atomic():
        event_cancel(event=event, actor=actor, reason="Salle indisponible.")


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_killed_mid_send_is_replaced_and_the_e_mail_sent_once(
    capsys, private_redis, worker_process, maildir, association_manager, resident, make_event
):
    """The pool process sending the e-mail is SIGKILLed: the worker sees it lost
    (reject_on_worker_lost) and gives the task to a new process at once."""
    worker = worker_process(pool="prefork", env={"PARVIS_TEST_MAIL_DELAY": "3"})
    with broker(private_redis.url):
        cancel_for(resident, make_event(), association_manager)
        wait_until(lambda: sending_pids(maildir), timeout=60)
        (victim,) = sending_pids(maildir)
        assert victim != worker.process.pid, "the e-mail is sent by a pool process"
        os.kill(victim, signal.SIGKILL)
        killed = time.monotonic()
        wait_until(lambda: len(delivered(maildir)) >= 1, timeout=60)
        since_kill = time.monotonic() - killed
        time.sleep(3)
    assert len(delivered(maildir)) == 1, worker.log()
    assert len(sending_pids(maildir)) == 2, "sent again, by another process"
    assert EmailOutbox.objects.get().state == OutboxState.SENT
    assert "WorkerLostError" in worker.log()
    report(
        capsys,
        f"pool process killed mid-send: e-mail sent once by a new pool process, "
        f"{since_kill:.1f} s after the kill (3 s of it the slow send).",
    )


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_whole_worker_killed_mid_send_hands_the_task_to_another_worker(
    capsys, private_redis, worker_process, maildir, association_manager, resident, make_event
):
    """The whole worker dies (machine lost): its unacknowledged task goes back to the queue
    after the visibility timeout (5 s here) and another worker sends the e-mail, once."""
    first = worker_process(
        "first", env={"PARVIS_TEST_MAIL_DELAY": "3", "CELERY_VISIBILITY_TIMEOUT": "5"}
    )
    with broker(private_redis.url):
        cancel_for(resident, make_event(), association_manager)
        wait_until(lambda: sending_pids(maildir), timeout=60)
        first.kill()
        killed = time.monotonic()
        assert delivered(maildir) == []
        worker_process("second", env={"CELERY_VISIBILITY_TIMEOUT": "5"})
        wait_until(lambda: len(delivered(maildir)) >= 1, timeout=90)
        since_kill = time.monotonic() - killed
        time.sleep(3)
    assert len(delivered(maildir)) == 1
    assert EmailOutbox.objects.get().state == OutboxState.SENT
    report(
        capsys,
        f"whole worker killed mid-send: another worker sent the e-mail once, "
        f"{since_kill:.1f} s after the kill (visibility timeout 5 s).",
    )

"""More Celery workers by queue (docs/deployment.md, "More workers by queue"): tasks are routed
to the ``celery``, ``email`` and ``digest`` queues; a worker started without ``--queues``
consumes all of them, one started with ``--queues=digest`` only the digest's."""

import pytest
import redis

from parvis import celery_app
from parvis.notifications import tasks

from ..notifications.workers import RedisServer, WorkerProcess, broker, wait_until

QUEUES = {"celery", "email", "digest"}
ROUTES = {
    "parvis.notifications.tasks.outbox_send": "email",
    "parvis.notifications.tasks.outbox_fan_out": "email",
    "parvis.notifications.tasks.outbox_drain": "email",
    "parvis.core.tasks.send_templated_email": "email",
    "parvis.notifications.tasks.digest_daily": "digest",
    "parvis.notifications.tasks.digest_batch": "digest",
    "parvis.notifications.tasks.activity_fan_out": "celery",
    "parvis.notifications.tasks.activities_drain": "celery",
    "parvis.privacy.tasks.exports_maintain": "celery",
}


def queue_of(task_name):
    return celery_app.amqp.router.route({}, task_name)["queue"].name


def test_every_task_goes_to_one_of_the_three_queues():
    celery_app.loader.import_default_modules()
    names = [name for name in celery_app.tasks if name.startswith("parvis.")]
    assert {queue_of(name) for name in names} == QUEUES
    assert {name: queue_of(name) for name in ROUTES} == ROUTES
    # The beat's periodic tasks are routed by name like any other.
    for entry in celery_app.conf.beat_schedule.values():
        assert queue_of(entry["task"]) in QUEUES


def test_a_worker_started_without_queues_consumes_all_of_them():
    assert set(celery_app.amqp.queues.consume_from) == QUEUES


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_a_digest_worker_takes_the_digest_and_leaves_the_e_mails(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    client = redis.Redis.from_url(server.url)
    started = []

    def start_worker(name, *options):
        worker = WorkerProcess(
            redis_url=server.url, maildir=tmp_path, logfile=tmp_path / f"{name}.log"
        )
        worker.command += list(options)
        started.append(worker.start())
        return worker

    try:
        with broker(server.url):
            tasks.outbox_send.apply_async(args=(0,))  # no such e-mail: the task just returns
            tasks.digest_daily.apply_async()
        assert (client.llen("email"), client.llen("digest")) == (1, 1)

        digest_worker = start_worker("digest", "--queues=digest")
        wait_until(lambda: "digest_daily[" in digest_worker.log() and client.llen("digest") == 0)
        wait_until(lambda: "succeeded" in digest_worker.log())
        assert client.llen("email") == 1, "the e-mail waits for a worker of its queue"
        assert "outbox_send[" not in digest_worker.log()

        default_worker = start_worker("default")
        wait_until(lambda: client.llen("email") == 0)
        wait_until(lambda: "outbox_send[" in default_worker.log())
    finally:
        for worker in started:
            worker.stop()
        server.stop()

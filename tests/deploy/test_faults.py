"""Hold under faults: the real services, broken while the site is in use.

Each test runs its own PostgreSQL cluster and Redis (temporary directories, free ports; the
shared ones of the other tests are never touched) and serves the application with gunicorn
(production settings) on them, or real Celery workers:

1. Redis stopped while visitors and members browse: every page is still served, from
   PostgreSQL; members stay logged in (sessions are written through to the database), a member
   logs in and another saves a form during the outage, and nothing is lost when Redis comes
   back empty.
2. PostgreSQL stopped and started again under load: requests fail cleanly with the site's own
   503 page (never a stack trace, never a dropped connection), visitors' cached pages keep
   being served, and the site recovers by itself, without restarting gunicorn.
3. A Celery worker killed (SIGKILL) in the middle of the daily digest: once a worker runs
   again, every member has received exactly one digest: nothing sent twice, nothing skipped.

The figures are printed (``pytest -s``) and reported in docs/deployment.md, "Holding under
faults".
"""

import time
from collections import Counter

import pytest
from django.conf import global_settings
from django.db import transaction
from django.urls import reverse

from parvis.notifications import tasks
from parvis.notifications.models import EmailOutbox, Notification, OutboxKind, OutboxState
from parvis.notifications.services import notify

from ..factories import UserFactory
from ..notifications.mailbox import delivered, sending_pids
from ..notifications.workers import RedisServer, WorkerProcess, broker, wait_until
from .faults import (
    Gunicorn,
    Load,
    PostgresCluster,
    collect_static,
    get,
    log_in,
    post_form,
    redis_binary,
    summary,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "Une phrase de passe très sûre"
VISITOR_PATHS = ["/", "/agenda/", "/groupes/", "/actualites/", "/annuaire/", "/elus/"]
MEMBER_PATHS = ["/", "/compte/parametres/", "/notifications/", "/agenda/", "/groupes/"]


def report(capsys, text):
    with capsys.disabled():
        print(f"\n[faults] {text}")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    return collect_static(tmp_path_factory.mktemp("static"))


@pytest.fixture
def members(settings, oise):
    """Three members whose passwords the servers can check (production hashers)."""
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    return [
        UserFactory(
            email=f"{email}@example.org",
            first_name=first,
            last_name="Testeur",
            commune=oise["beauvais"],
            password=PASSWORD,
        )
        for first, email in (("Claire", "claire"), ("Bastien", "bastien"), ("Inès", "ines"))
    ]


@pytest.fixture
def stack(tmp_path, static_root):
    """``stack()`` copies the test database (committed rows) into a PostgreSQL cluster of its
    own, starts a Redis and gunicorn on them; everything is stopped at the end."""
    started = []

    def start():
        redis_binary()
        cluster = PostgresCluster()
        started.append(cluster.remove)
        cluster.init().start()
        cluster.copy_test_database()
        redis = RedisServer(tmp_path)
        redis.start()
        started.append(redis.stop)
        server = Gunicorn(
            tmp_path / "web",
            database_url=cluster.url(),
            redis_url=redis.url,
            static_root=static_root,
        )
        started.append(server.stop)
        server.start()
        return cluster, redis, server

    yield start
    for stop in reversed(started):
        stop()


def logged_in_members(port, members):
    return [(log_in(port, member.email, PASSWORD), member.get_full_name()) for member in members]


def assert_clean(hits, phase):
    dropped = [h for h in hits if h.status == 0]
    errors = [h for h in hits if h.status >= 500]
    tracebacks = [h for h in hits if h.traceback]
    logged_out = [h for h in hits if h.logged_in is False]
    assert not dropped, f"{phase}: {len(dropped)} requests got no answer"
    assert not tracebacks, f"{phase}: a stack trace was shown ({tracebacks[0].path})"
    return errors, logged_out


# --- 1. Redis stopped while visitors and members browse ----------------------------------------


def test_pages_are_served_and_nothing_is_lost_while_redis_is_down(capsys, stack, members):
    cluster, redis, server = stack()
    browsing = logged_in_members(server.port, members[:2])
    with Load(
        server.port,
        visitors=3,
        members=browsing,
        visitor_paths=VISITOR_PATHS,
        member_paths=MEMBER_PATHS,
    ) as load:
        time.sleep(3)
        down = time.monotonic()
        redis.stop()
        # During the outage a member logs in and another saves their profile.
        newcomer = log_in(server.port, members[2].email, PASSWORD)
        saved = post_form(
            server.port,
            browsing[0][0],
            reverse("accounts:profile_edit"),
            {
                "first_name": "Claire",
                "last_name": "Testeur",
                "commune": "Beauvais (60000)",
                "bio": "Écrit pendant la panne de Redis.",
                "website": "",
                "links": "",
                "directory_visibility": "members",
            },
        )
        time.sleep(4)
        up = time.monotonic()
        redis.start()  # empty: the cache and the sessions' copies are gone
        time.sleep(3)
        end = time.monotonic()
    assert saved.status == 302, saved.text[:2000]
    phases = {
        "before": load.between(0, down),
        "redis down": load.between(down, up),
        "after": load.between(up, end),
    }
    for phase, hits in phases.items():
        errors, logged_out = assert_clean(hits, phase)
        assert not errors, f"{phase}: {Counter(h.status for h in errors)} ({errors[0].path})"
        assert not logged_out, f"{phase}: a member was logged out ({logged_out[0].path})"
        assert len(hits) > 10, f"{phase}: only {len(hits)} requests"
    # Nothing lost: the profile saved during the outage, both sessions valid once Redis is back.
    assert (
        cluster.query(f"SELECT bio FROM accounts_user WHERE id = {members[0].pk}")
        == "Écrit pendant la panne de Redis."
    )
    for cookies, name in [*browsing, (newcomer, members[2].get_full_name())]:
        page = get(server.port, "/compte/parametres/", dict(cookies))
        assert page.status == 200 and name in page.text
    assert (
        "Écrit pendant la panne"
        in get(server.port, reverse("accounts:profile_edit"), dict(browsing[0][0])).text
    )
    report(
        capsys,
        f"Redis stopped {up - down:.1f} s under 3 visitors + 2 members: "
        + "; ".join(f"{phase}: {summary(hits)}" for phase, hits in phases.items())
        + "; log-in and a profile saved during the outage, both kept.",
    )


# --- 2. PostgreSQL restarted under load --------------------------------------------------------


def test_a_database_restart_fails_cleanly_and_recovers_without_restarting_gunicorn(
    capsys, stack, members
):
    cluster, redis, server = stack()
    master = server.process.pid
    browsing = logged_in_members(server.port, members[:2])
    for path in VISITOR_PATHS:  # visitors' pages in the page cache (Redis)
        get(server.port, path)
    with Load(
        server.port,
        visitors=3,
        members=browsing,
        visitor_paths=VISITOR_PATHS,
        member_paths=MEMBER_PATHS,
    ) as load:
        time.sleep(3)
        down = time.monotonic()
        cluster.stop("fast")
        time.sleep(4)
        restarting = time.monotonic()
        cluster.start()
        up = time.monotonic()
        time.sleep(5)
        end = time.monotonic()
    outage = load.between(down, up)
    errors, _logged_out = assert_clean(outage, "database down")
    assert errors, "the members' pages cannot be served without the database"
    for hit in errors:
        assert hit.status == 503, f"{hit.path}: {hit.status} instead of the 503 page"
    page = get(server.port, "/compte/parametres/", dict(browsing[0][0]))  # after: recovered
    assert page.status == 200
    # The 503 page is the site's own (checked on one answer of the outage).
    after = load.between(up, end)
    first_ok = {}
    for hit in after:
        if hit.status == 200:
            first_ok.setdefault(hit.who, hit.at + hit.seconds)
    assert set(first_ok) == {h.who for h in load.between(0, down)}, "a client never recovered"
    recovery = max(first_ok.values()) - up
    settled = [h for h in after if h.at > up + recovery]
    assert settled and all(h.status == 200 for h in settled), Counter(h.status for h in settled)
    assert recovery < 5, f"recovery took {recovery:.1f} s"
    assert server.alive() and server.process.pid == master, "gunicorn was not restarted"
    served_from_cache = sum(1 for h in outage if h.status == 200)
    report(
        capsys,
        f"PostgreSQL stopped {restarting - down:.1f} s (+{up - restarting:.1f} s to start) "
        f"under 3 visitors + 2 members: before {summary(load.between(0, down))}; "
        f"outage {summary(outage)} ({served_from_cache} visitor pages from the page cache, "
        f"{len(errors)} answered 503); after {summary(after)}; every client served again "
        f"{recovery:.2f} s after PostgreSQL accepted connections, same gunicorn.",
    )


def test_the_503_page_is_the_sites_own(stack, members):
    cluster, redis, server = stack()
    cookies = log_in(server.port, members[0].email, PASSWORD)
    cluster.stop("immediate")
    answer = get(server.port, "/compte/parametres/", dict(cookies))
    assert answer.status == 503
    assert "Service momentanément indisponible" in answer.text
    assert answer.headers.get("retry-after") == "15"
    assert "Traceback" not in answer.text and "psycopg" not in answer.text
    cluster.start()
    seen, deadline = [], time.monotonic() + 10
    while time.monotonic() < deadline and seen[-1:] != [200]:
        seen.append(get(server.port, "/compte/parametres/", dict(cookies)).status)
        time.sleep(0.1)
    assert seen[-1] == 200, f"not recovered: {Counter(seen)}"


# --- 3. A Celery worker killed in the middle of the daily digest -------------------------------


def test_a_worker_killed_mid_digest_sends_nothing_twice_and_skips_no_one(capsys, tmp_path, oise):
    redis_binary()
    count = 40
    members = UserFactory.create_batch(count, commune=oise["beauvais"])
    with transaction.atomic():
        for index in range(2):
            notify(
                recipients=members,
                type_key="news.published_in_my_commune",
                url="/actualites/",
                context={"publisher": "Mairie", "title": f"Marché {index}", "audience": "Oise"},
            )
    private_redis = RedisServer(tmp_path)
    private_redis.start()
    maildir = tmp_path / "mail"
    maildir.mkdir()
    env = {"PARVIS_TEST_MAIL_DELAY": "0.15", "CELERY_VISIBILITY_TIMEOUT": "4"}
    workers = []
    try:
        first = WorkerProcess(
            redis_url=private_redis.url, maildir=maildir, logfile=tmp_path / "first.log", env=env
        ).start()
        workers.append(first)
        with broker(private_redis.url):
            started = time.monotonic()
            tasks.digest_daily.delay(batch_size=8)
            # Kill while an e-mail is being sent (its marker written, the message not yet):
            # the previous one is committed. Killed just after the SMTP server accepted a
            # message and before the commit, that message would go twice (see the docs).
            wait_until(
                lambda: (
                    len(delivered(maildir)) >= 13
                    and len(sending_pids(maildir)) > len(delivered(maildir))
                ),
                timeout=60,
                interval=0.01,
            )
            first.kill()  # SIGKILL, in the middle of a batch
            killed = time.monotonic()
            sent_before = len(delivered(maildir))
            second = WorkerProcess(
                redis_url=private_redis.url,
                maildir=maildir,
                logfile=tmp_path / "second.log",
                env=env,
            ).start()
            workers.append(second)
            wait_until(lambda: len(delivered(maildir)) >= count, timeout=90)
            done = time.monotonic()
            time.sleep(4)  # time for any duplicate to show up
    finally:
        for worker in workers:
            worker.stop()
        private_redis.stop()
    messages = delivered(maildir)
    per_member = Counter(message["To"] for message in messages)
    assert sorted(per_member) == sorted(m.email for m in members), "a member was skipped"
    assert set(per_member.values()) == {1}, f"sent twice: {per_member.most_common(3)}"
    assert (
        EmailOutbox.objects.filter(kind=OutboxKind.DIGEST, state=OutboxState.SENT).count() == count
    )
    assert not Notification.objects.filter(digest__isnull=True).exists()
    assert len(sending_pids(maildir)) > count - 1  # the killed send was started again
    report(
        capsys,
        f"daily digest for {count} members (batches of 8, 0.15 s a send): worker SIGKILLed after "
        f"{sent_before} e-mails ({killed - started:.1f} s); a new worker finished "
        f"{done - killed:.1f} s later (visibility timeout 4 s); {len(messages)} e-mails, one per "
        f"member.",
    )

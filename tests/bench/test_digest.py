"""The digest benchmark's helpers (``bench/digest.py``): the notifications it plans and its
loopback SMTP sink. No database, no worker: a fraction of a second."""

import datetime as dt
import smtplib
from email.message import EmailMessage

from bench import digest

NOW = dt.datetime(2026, 11, 26, 7, tzinfo=dt.UTC)
TEMPLATES = [("groups.reply", None, 1, 10, "/a/", {}), ("groups.new_thread", 3, 1, 11, "/b/", {})]


def plan(seed, members=range(1, 201)):
    return list(digest.notification_plan(members, TEMPLATES, seed=seed, now=NOW))


def test_every_member_gets_one_to_five_recent_notifications_the_same_way_each_time():
    rows = plan(7)
    per_member = {}
    for member, template, created in rows:
        per_member[member] = per_member.get(member, 0) + 1
        assert template in TEMPLATES
        assert NOW - dt.timedelta(days=1) < created < NOW
    assert set(per_member) == set(range(1, 201))
    assert set(per_member.values()) == {1, 2, 3, 4, 5}
    assert rows == plan(7)
    assert rows != plan(8)


def test_the_sink_accepts_messages_over_smtp():
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@parvis.example", "b@x.example", "Té"
    message.set_content("Bonjour\n.\nLigne après un point seul.\n")
    with digest.SmtpSink() as sink, smtplib.SMTP("127.0.0.1", sink.port, timeout=5) as smtp:
        smtp.send_message(message)
        smtp.send_message(message)
    assert sink.messages == 2
    assert sink.connections == 1
    assert sink.bytes > 100

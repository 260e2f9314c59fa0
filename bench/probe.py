"""Pick the benchmark's URLs on a seeded database, log a member in, and count each page's SQL
queries in-process (Django test client, warm). Prints one JSON document on standard output.

Run by ``bench/run.py`` with the environment of the database being measured.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from seed import BENCH_DOMAIN, BENCH_PASSWORD, setup_django  # noqa: E402


def pages():
    """``(name, url, as_member)`` for every page measured; the pages of a capability that is
    not installed are left out (the runner says so)."""
    from django.apps import apps
    from django.utils import timezone

    from parvis.agenda.models import Event, EventOccurrence, EventStatus

    today = timezone.localdate()
    occurrence = (
        EventOccurrence.objects.filter(
            event__status=EventStatus.PUBLISHED, start__date__gte=today, start__date__lte=today
        )
        .select_related("event")
        .order_by("start", "pk")
        .first()
    ) or EventOccurrence.objects.filter(event__status=EventStatus.PUBLISHED).first()
    found = [
        ("home (visitor)", "/", False),
        ("home (member)", "/", True),
        ("agenda list", "/agenda/", False),
        ("agenda month", f"/agenda/mois/{today:%Y-%m}/", False),
        ("event page", occurrence.event.get_absolute_url(), False),
        ("ics feed", "/agenda/flux.ics", False),
        ("directory search", "/annuaire/?type=associations&q=sport", False),
        ("api events", "/api/evenements/", False),
    ]
    if apps.is_installed("parvis.groups"):
        from parvis.groups.models import Group, GroupStatus, Thread, Visibility

        # The busiest public group (the most discussions: a full first page, the largest
        # count) and the longest discussion of a public group (a full page of 30 messages):
        # what a visitor reads most, and the worst case at each scale.
        readable = {"visibility": Visibility.PUBLIC, "status": GroupStatus.ACTIVE}
        group = Group.objects.filter(**readable).order_by("-thread_count", "pk").first()
        thread = (
            Thread.objects.filter(
                deleted_at__isnull=True, **{f"group__{k}": v for k, v in readable.items()}
            )
            .select_related("group")
            .order_by("-message_count", "pk")
            .first()
        )
        if group and group.thread_count:
            found.append(("group page", group.get_absolute_url(), False))
        if thread:
            found.append(("thread page", thread.get_absolute_url(), False))
    assert Event.objects.exists(), "no event: seed the database first"
    return found


def main():
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    visitor = Client()
    member = Client()
    if not member.login(email=f"membre000001@{BENCH_DOMAIN}", password=BENCH_PASSWORD):
        raise SystemExit("The bench member cannot log in: seed the database with bench/seed.py.")
    session = member.cookies["sessionid"].value
    results = []
    for name, url, as_member in pages():
        client = member if as_member else visitor
        client.get(url)  # warm caches, as the load run does
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        results.append(
            {
                "name": name,
                "url": url,
                "member": as_member,
                "status": response.status_code,
                "queries": len(queries),
                "bytes": len(b"".join(response)) if response.streaming else len(response.content),
            }
        )
    json.dump({"session": session, "pages": results}, sys.stdout)


if __name__ == "__main__":
    main()

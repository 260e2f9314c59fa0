"""Demo moderation work: reports waiting in the queue and an appeal, so that a moderator trying
the admin sees real work (called by ``parvis.demo.loader.load_plan``; idempotent). The cases
come from ``data/moderation.yaml``:

- an event full of links to a counterfeit shop, reported twice as spam;
- a profile whose bio accuses a mayor of theft, reported for harassment;
- an event announcing a false free distribution, reported by three members: hidden until a
  moderator reviews it (the reports' threshold);
- an unauthorised flea market hidden by the demo administrator, whose organiser appealed: the
  demo moderator, who did not take that decision, may decide the appeal.

Rows are written directly (no e-mail, no notification); decisions are recorded in the audit
log as the services would.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from parvis.accounts.models import ProfileKind, User
from parvis.agenda.models import Category, Event, EventStatus
from parvis.agenda.services import event_occurrences_sync
from parvis.moderation.audit import audit_record
from parvis.moderation.models import (
    Appeal,
    CaseStatus,
    Decision,
    ModerationCase,
    Report,
)

from .datafiles import read

CASES = read("moderation")["cases"]


def _event(author, fields, *, now):
    """The demo event ``fields["title"]`` of ``author`` (created if missing)."""
    event = Event.objects.filter(created_by=author, title=fields["title"]).first()
    if event is not None:
        return event
    category = Category.objects.filter(is_active=True).order_by("position", "pk").first()
    if category is None or author.commune_id is None:
        return None
    start = (now + dt.timedelta(days=fields["days_ahead"])).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    event = Event.objects.create(
        created_by=author,
        title=fields["title"],
        description=fields["description"],
        category=category,
        start=start,
        end=start + dt.timedelta(hours=6),
        venue_name=fields["venue_name"],
        address=fields["address"],
        commune_id=author.commune_id,
        status=EventStatus.PUBLISHED,
        published_at=now - dt.timedelta(days=2),
        created_at=now - dt.timedelta(days=2),
    )
    event_occurrences_sync(event=event)
    return event


def _case(obj, author, *, reports, now, hidden=False):
    """The case of ``obj`` with ``reports`` ((member, reason, details, hours ago)...)."""
    content_type = ContentType.objects.get_for_model(obj)
    case, created = ModerationCase.objects.get_or_create(
        content_type=content_type,
        object_id=obj.pk,
        defaults={
            "object_repr": (obj.get_full_name() if isinstance(obj, User) else str(obj))[:300],
            "object_url": obj.get_absolute_url(),
            "author": author,
            "opened_at": now - dt.timedelta(hours=max(r[3] for r in reports)),
            "created_at": now - dt.timedelta(hours=max(r[3] for r in reports)),
            "is_hidden": hidden,
            "hidden_automatically": hidden,
        },
    )
    made = 0
    for member, reason, details, hours in reports:
        _report, new = Report.objects.get_or_create(
            case=case,
            reporter=member,
            defaults={
                "reason": reason,
                "details": details,
                "created_at": now - dt.timedelta(hours=hours),
            },
        )
        made += new
    return case, int(created), made


def _decide(case, target, spec, *, author, decided_by, now):
    """The decision ``spec`` on ``case``, taken by ``decided_by`` (unless one exists)."""
    if case.decisions.exists():
        return
    decided = now - dt.timedelta(hours=spec["hours_ago"])
    decision = Decision.objects.create(
        case=case,
        action=spec["action"],
        ground=spec["ground"],
        facts=spec["facts"],
        moderator=decided_by,
        author=author,
        created_at=decided,
    )
    ModerationCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, is_hidden=True, decided_at=decided
    )
    Report.objects.filter(case=case).update(outcome_sent_at=decided)
    audit_record(
        actor=decided_by,
        action=f"moderation.{spec['action']}",
        target=target,
        reason=decision.facts,
        data={"case": case.pk, "decision": decision.pk, "ground": spec["ground"]},
    )


def load_moderation(*, plan, users, decided_by_email):
    """Create the demo moderation work that is missing; returns what was created.

    ``decided_by_email``: the staff member who took the decision under appeal (not the demo
    moderator, so that the demo moderator may decide the appeal)."""
    now = timezone.now()
    residents = [person.email for person in plan.people if person.kind == ProfileKind.RESIDENT]
    decided_by = User.objects.filter(email=decided_by_email, is_staff=True).first()
    if len(residents) < 20 or decided_by is None:
        return {}
    members = {
        member.email: member
        for member in User.objects.filter(email__in=residents[10:20]).select_related("commune")
    }
    people = [members.get(email) for email in residents[10:20]]
    if any(person is None for person in people):
        return {}
    cases = reports = appeals = 0
    for spec in CASES:
        author = people[spec["author"]]
        if "event" in spec:
            target = _event(author, spec["event"], now=now)
            if target is None:
                continue
        else:  # the author's profile, with the reported bio
            if not ModerationCase.objects.filter(
                content_type=ContentType.objects.get_for_model(User), object_id=author.pk
            ).exists():
                author.bio = spec["bio"]
                author.save(update_fields=["bio"])
            target = author
        case, new_case, new_reports = _case(
            target,
            author,
            reports=[
                (people[report["by"]], report["reason"], report["details"], report["hours_ago"])
                for report in spec["reports"]
            ],
            now=now,
            hidden=spec.get("hidden", False),
        )
        cases, reports = cases + new_case, reports + new_reports
        if "decision" not in spec:
            continue
        _decide(case, target, spec["decision"], author=author, decided_by=decided_by, now=now)
        if "appeal" in spec:
            decision = case.decisions.order_by("created_at").first()
            _appeal, new = Appeal.objects.get_or_create(
                decision=decision,
                defaults={
                    "appellant": author,
                    "statement": spec["appeal"]["statement"],
                    "created_at": now - dt.timedelta(hours=spec["appeal"]["hours_ago"]),
                },
            )
            appeals += new
    return {"moderation cases": cases, "reports": reports, "appeals": appeals}

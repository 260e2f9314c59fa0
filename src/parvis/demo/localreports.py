"""Demo local reports: in the largest communes of the demo, some in progress or resolved by
the institution in charge (its public steps), some just received, with supports.

Called by ``parvis.demo.loader.load_plan`` once the demo members and organisations exist;
the reports come from ``data/localreports.yaml``; dates count back from the day the demo is
loaded. Idempotent: a report is keyed on its address. Rows are written directly (no services:
the demo sends no e-mail); photos are left out (no image files in the repository).
"""

import datetime as dt
import random

from django.utils import timezone

from parvis.accounts.models import ProfileKind
from parvis.localreports.defaults import CATEGORIES
from parvis.localreports.models import Category, Report, ReportStatus, Support, Update
from parvis.localreports.selectors import route_for
from parvis.organisations.models import OrganisationMembership
from parvis.territories.models import Territory

from .datafiles import read

DEMO_REPORTS = read("localreports")["reports"]


def load_reports(*, plan, users, organisation_pks):
    residents = sorted(
        (p for p in plan.people if p.kind == ProfileKind.RESIDENT and not p.is_staff),
        key=lambda p: p.email,
    )
    if not residents:
        return {"local reports": 0}
    by_commune = {}
    for person in residents:
        by_commune.setdefault(person.commune_id, []).append(person)
    communes = sorted(by_commune, key=lambda pk: (-len(by_commune[pk]), pk))
    for position, (slug, name, route, description) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "route": route,
                "description": description,
                "position": position,
            },
        )
    categories = {c.slug: c for c in Category.objects.all()}
    existing = set(Report.objects.values_list("address", flat=True))
    rng = random.Random("localreports:" + "|".join(p.email for p in plan.people[:3]))
    now = timezone.now()
    created = 0
    for index, entry in enumerate(DEMO_REPORTS):
        category = categories.get(entry["category"])
        if category is None or entry["address"] in existing:
            continue
        commune_pk = communes[index % min(len(communes), 3)]
        commune = Territory.objects.get(pk=commune_pk)
        author = by_commune[commune_pk][index % len(by_commune[commune_pk])]
        at = now - dt.timedelta(days=entry["days_ago"], hours=2 + index)
        institution = route_for(category, commune)
        report = Report.objects.create(
            author_id=users[author.email],
            commune=commune,
            category=category,
            description=entry["description"],
            address=entry["address"],
            institution=institution,
            created_at=at,
            updated_at=at,
        )
        agent = (
            OrganisationMembership.objects.filter(organisation=institution)
            .values_list("user_id", flat=True)
            .first()
            if institution
            else None
        )
        status = ReportStatus.RECEIVED
        for step in entry.get("steps", []):
            when = at + dt.timedelta(days=step["after"])
            Update.objects.create(
                report=report,
                author_id=agent,
                institution_name=institution.name if institution else "",
                status=step["status"],
                body=step["comment"],
                created_at=when,
            )
            status = step["status"]
            report.updated_at = when
            if status == ReportStatus.RESOLVED:
                report.resolved_at = when
        backers = [
            users[p.email]
            for p in rng.sample(residents, min(entry.get("supports", 0), len(residents)))
            if p.email != author.email
        ]
        Support.objects.bulk_create([Support(report=report, member_id=pk) for pk in backers])
        Report.objects.filter(pk=report.pk).update(
            status=status,
            updated_at=report.updated_at,
            resolved_at=report.resolved_at,
            support_count=len(backers),
        )
        created += 1
    return {"local reports": created}

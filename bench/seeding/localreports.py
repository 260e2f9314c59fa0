"""Local reports of problems in public space, routed as the services would, half resolved."""

import datetime as dt

from .base import BATCH, copy_rows, reserve_ids

DESCRIPTION = "Un nid-de-poule profond sur la chaussée, les vélos font des écarts pour l'éviter."


def seed_local_reports(ctx):
    """``local reports`` reports by members in their commune (categories from the migration),
    routed to the council or the commune's institution; 50 % resolved, 20 % in progress, the
    rest received; a few supports each (``support_count`` kept)."""
    from django.db import transaction

    from parvis.localreports.defaults import CATEGORIES
    from parvis.localreports.models import Category, Report, ReportStatus, Support
    from parvis.localreports.selectors import council
    from parvis.organisations.models import Organisation, OrganisationKind

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
    categories = list(Category.objects.values_list("pk", "route"))
    total = ctx.count("local reports")
    rng = ctx.rng("local reports")
    members = len(ctx.members)
    if not members:
        return
    the_council = council()
    halls = dict(
        Organisation.objects.filter(kind=OrganisationKind.INSTITUTION).values_list(
            "commune_id", "pk"
        )
    )
    ids = reserve_ids(Report, total)
    progress = ctx.progress("local reports", total)
    supports = []
    fields = (
        "id",
        "author",
        "commune",
        "category",
        "description",
        "address",
        "institution",
        "status",
        "rejection_reason",
        "created_at",
        "updated_at",
        "resolved_at",
        "support_count",
    )
    with transaction.atomic():
        rows = []
        for pk in ids:
            author = rng.randrange(members)
            commune = ctx.communes[ctx.member_communes[author]][0]
            category, route = rng.choice(categories)
            institution = (
                (the_council.pk if the_council else None)
                if route == "council"
                else (halls.get(commune))
            )
            at = ctx.end - dt.timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            draw = rng.random()
            status = (
                ReportStatus.RESOLVED
                if draw < 0.5
                else ReportStatus.IN_PROGRESS
                if draw < 0.7
                else ReportStatus.RECEIVED
            )
            resolved = min(at + dt.timedelta(days=rng.randint(1, 20)), ctx.end)
            for rank in {rng.randrange(members) for _ in range(int(rng.expovariate(1 / 3)))} - {
                author
            }:
                supports.append((pk, ctx.members[rank], at))
            rows.append(
                (
                    pk,
                    ctx.members[author],
                    commune,
                    category,
                    DESCRIPTION,
                    "Rue principale",
                    institution,
                    status,
                    "",
                    at,
                    resolved if status != "received" else at,
                    resolved if status == ReportStatus.RESOLVED else None,
                    0,
                )
            )
            if len(rows) == BATCH:
                copy_rows(Report, fields, rows)
                progress.advance(len(rows))
                rows = []
        if rows:
            copy_rows(Report, fields, rows)
            progress.advance(len(rows))
        copy_rows(Support, ("report", "member", "created_at"), iter(supports))
        counts = {}
        for report, _member, _at in supports:
            counts[report] = counts.get(report, 0) + 1
        for report, count in counts.items():
            Report.objects.filter(pk=report).update(support_count=count)
    progress.finish()
    ctx.wrote("local reports", total)
    ctx.wrote("local report supports", len(supports))

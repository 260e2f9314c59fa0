"""Organisations and their managers and editors."""

import datetime as dt

from .base import BATCH, COUNCIL_NAME


def seed_organisations(ctx):
    """Associations (and a few institutions), mostly verified, each with a manager living in
    the département (and sometimes an editor). The first is always the departmental council
    (a verified institution), so that every scale has one to publish and consult."""
    from django.db import transaction
    from django.utils.text import slugify

    from parvis.accounts.models import VerificationStatus
    from parvis.demo.french import of
    from parvis.demo.people import ASSOCIATION_THEMES
    from parvis.organisations.models import (
        Organisation,
        OrganisationKind,
        OrganisationMembership,
        OrganisationRole,
    )

    total = ctx.count("organisations")
    rng = ctx.rng("organisations")
    templates = [
        (template, description)
        for templates, description in ASSOCIATION_THEMES.values()
        for template in templates
    ]
    statuses = [VerificationStatus.VERIFIED] * 90 + [VerificationStatus.PENDING] * 7
    statuses += [VerificationStatus.REJECTED] * 3
    progress = ctx.progress("organisations", total)
    for first in range(0, total, BATCH):
        ranks = range(first, min(first + BATCH, total))
        communes = ctx.pick_communes(rng, len(ranks))
        organisations, managers = [], []
        for rank, commune in zip(ranks, communes, strict=True):
            template, description = rng.choice(templates)
            name = template.format(of=of(ctx.communes[commune][1]))
            institution = rng.random() < 0.05 or rank == 0
            status = rng.choice(statuses)
            if rank == 0:
                name, status = COUNCIL_NAME, VerificationStatus.VERIFIED
            if institution:
                ctx.institutions.append(rank)
            organisations.append(
                Organisation(
                    name=name[:150],
                    slug=f"{slugify(name)[:150]}-{rank + 1}",
                    kind=(
                        OrganisationKind.INSTITUTION
                        if institution
                        else OrganisationKind.ASSOCIATION
                    ),
                    description=description,
                    commune_id=ctx.communes[commune][0],
                    rna="" if institution else f"W60{rank + 1:07d}",
                    # Spread over the last three years by rank (no draw: the data stays as is).
                    created_at=ctx.end - dt.timedelta(minutes=(rank * 7919) % (3 * 365 * 24 * 60)),
                    siren=f"{200000000 + rank}" if institution else "",
                    status=status,
                )
            )
            managers.append(rng.randrange(len(ctx.members)))
        memberships = []
        with transaction.atomic():
            Organisation.objects.bulk_create(organisations)
            for organisation, manager in zip(organisations, managers, strict=True):
                memberships.append(
                    OrganisationMembership(
                        organisation_id=organisation.pk,
                        user_id=ctx.members[manager],
                        role=OrganisationRole.MANAGER,
                        created_at=organisation.created_at,
                    )
                )
                if rng.random() < 0.3:
                    editor = rng.randrange(len(ctx.members))
                    if editor != manager:
                        memberships.append(
                            OrganisationMembership(
                                organisation_id=organisation.pk,
                                user_id=ctx.members[editor],
                                role=OrganisationRole.EDITOR,
                                created_at=organisation.created_at + dt.timedelta(days=1),
                            )
                        )
            OrganisationMembership.objects.bulk_create(memberships)
        for organisation, commune, manager in zip(organisations, communes, managers, strict=True):
            ctx.organisations.append(
                (
                    organisation.pk,
                    commune,
                    ctx.members[manager],
                    organisation.status == VerificationStatus.VERIFIED,
                )
            )
        ctx.wrote("organisations", len(organisations))
        ctx.wrote("organisation memberships", len(memberships))
        progress.advance(len(organisations))
    progress.finish()

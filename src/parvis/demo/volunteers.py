"""Demo calls for volunteers: by demo associations, in their communes, with slots dated from
the day the demo is loaded and some places already taken by demo members.

Called by ``parvis.demo.loader.load_plan``; the calls come from ``data/volunteers.yaml``.
Idempotent: a call is keyed on its title. Rows are written directly (no services: the demo
sends no e-mail)."""

import datetime as dt

from django.utils import timezone

from parvis.accounts.models import ProfileKind
from parvis.organisations.models import Organisation, OrganisationKind, OrganisationMembership
from parvis.volunteers.models import Call, Signup, Skill, Slot

from .datafiles import read

DEMO_CALLS = read("volunteers")["calls"]


def _at(day, clock):
    hour, minute = (int(part) for part in clock.split(":"))
    date = timezone.localdate() + dt.timedelta(days=day)
    return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)))


def load_calls(*, plan, users, organisation_pks):
    existing = set(Call.objects.values_list("title", flat=True))
    associations = list(
        Organisation.objects.filter(
            pk__in=organisation_pks.values(), kind=OrganisationKind.ASSOCIATION, status="verified"
        ).order_by("pk")[: len(DEMO_CALLS)]
    )
    residents = sorted(
        users[p.email] for p in plan.people if p.kind == ProfileKind.RESIDENT and not p.is_staff
    )
    skills = {skill.slug: skill for skill in Skill.objects.all()}
    created = signups = 0
    volunteer = 0
    for entry, association in zip(DEMO_CALLS, associations, strict=False):
        if entry["title"] in existing:
            continue
        manager = (
            OrganisationMembership.objects.filter(organisation=association)
            .values_list("user_id", flat=True)
            .first()
        )
        call = Call.objects.create(
            title=entry["title"],
            description=entry["description"],
            commune_id=association.commune_id,
            place=entry.get("place", ""),
            organisation=association,
            created_by_id=manager,
        )
        call.skills.set([skills[slug] for slug in entry.get("skills", []) if slug in skills])
        for position, spec in enumerate(entry["slots"]):
            slot = Slot.objects.create(
                call=call,
                label=spec["label"],
                starts_at=_at(spec["day"], spec["start"]) if "day" in spec else None,
                ends_at=_at(spec["day"], spec["end"]) if "day" in spec else None,
                places=spec["places"],
                position=position,
            )
            taken = [residents[(volunteer + i) % len(residents)] for i in range(spec["taken"])]
            volunteer += spec["taken"]
            Signup.objects.bulk_create(
                [Signup(slot=slot, member_id=pk) for pk in dict.fromkeys(taken)],
                ignore_conflicts=True,
            )
            Slot.objects.filter(pk=slot.pk).update(taken=slot.signups.count())
            signups += spec["taken"]
        created += 1
    return {"calls for volunteers": created, "volunteer sign-ups": signups}

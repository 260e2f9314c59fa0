"""``manage.py load_demo``: the demo population of ``make demo``, reproducible and idempotent."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from parvis.demo import people as demo
from parvis.demo.loader import load_plan


class Command(BaseCommand):
    help = (
        "Load demo residents, elected officials, associations and institutions on the imported "
        "territory. Running it again creates nothing and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.SEED,
            help=f"Random seed; the same seed gives the same people (default {demo.SEED}).",
        )

    def handle(self, *args, seed, **options):
        started = time.monotonic()
        communes, departement = demo.territory_for_demo(settings.PARVIS_TERRITORY_CODE)
        if not communes:
            raise CommandError(
                "No communes in the database: run `manage.py import_territory "
                f"{settings.PARVIS_TERRITORY_CODE}` first, then load_demo."
            )
        plan = demo.build_plan(communes=communes, departement=departement, seed=seed)
        result = load_plan(plan)
        elapsed = time.monotonic() - started

        if result.nothing_created:
            self.stdout.write("Demo content already loaded: nothing changed.")
        else:
            created = ", ".join(f"{name}: {count}" for name, count in result.created.items())
            self.stdout.write(self.style.SUCCESS(f"Demo content loaded: {created}."))
        self.stdout.write(
            "In the database: "
            + ", ".join(f"{name}: {count}" for name, count in result.totals.items())
            + f" ({elapsed:.1f} s)."
        )
        resident = next(p for p in plan.people if p.kind == "resident")
        manager = plan.memberships[0].email
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"Open {demo.SITE_URL}",
                    f"  Moderator:     {demo.MODERATOR_EMAIL} / {demo.MODERATOR_PASSWORD}"
                    f"  ({demo.SITE_URL}/admin/)",
                    f"  Administrator: {demo.ADMIN_EMAIL} / {demo.ADMIN_PASSWORD}",
                    f"  Resident:      {resident.email} / {demo.MEMBER_PASSWORD}",
                    f"  Association manager: {manager} / {demo.MEMBER_PASSWORD}",
                    "  Every demo member (@" + demo.DEMO_DOMAIN + ") has the password "
                    f"{demo.MEMBER_PASSWORD}.",
                    self.mfa_note(),
                ]
            )
        )

    def mfa_note(self):
        if settings.PARVIS_STAFF_MFA_REQUIRED:
            return (
                "Note: staff must set up two-factor authentication (TOTP) at their first visit "
                "to /admin/; `make demo` relaxes this with PARVIS_STAFF_MFA_REQUIRED=false."
            )
        return (
            "Note: two-factor authentication for staff is relaxed in this demo "
            "(PARVIS_STAFF_MFA_REQUIRED=false); production requires it (the default, true)."
        )

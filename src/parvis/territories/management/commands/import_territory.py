from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from parvis.territories.services import TerritoryDataError, territory_data_load, territory_import


class Command(BaseCommand):
    help = (
        "Import one département (its arrondissements, EPCI and communes) from Etalab's open "
        "data: the file shipped with Parvis, or the data/ directory of the npm package "
        "@etalab/decoupage-administratif given with --source."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="INSEE code of the département, e.g. 60")
        parser.add_argument(
            "--source",
            metavar="DIR",
            help="directory holding communes.json, arrondissements.json, epci.json and "
            "departements.json",
        )

    def handle(self, *args, code, source=None, **options):
        interactive = self.stdout.isatty()  # the progress bar is for a terminal only

        def progress(done, total):
            width = 40
            filled = width * done // total
            self.stdout.write(
                f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} communes",
                ending="",
            )
            if done == total:
                self.stdout.write("")

        try:
            data = territory_data_load(code=code, source=source)
            report = territory_import(
                code=code, data=data, progress=progress if interactive else None
            )
        except TerritoryDataError as exc:
            raise CommandError(str(exc)) from None
        except DatabaseError as exc:
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise CommandError(f"Database error, nothing imported: {first_line}") from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
        if report.missing:
            self.stdout.write(
                self.style.WARNING(
                    f"{len(report.missing)} communes in the database are no longer in the data "
                    f"(kept): {', '.join(report.missing[:20])}"
                )
            )

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silkbridge.cooperation.cordis import import_cordis
from silkbridge.core.bulk import bulk
from silkbridge.registry.reference import load_countries


class Command(BaseCommand):
    help = (
        "Import EU Horizon 2020 participations (CORDIS, h2020.csv.gz) as projects and partner organisations. "
        "Idempotent and all-or-nothing: killed at any point it leaves the database as it was, and a rerun "
        "does the whole import. Organisation names come from the FP7 name file beside it, when present."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--names", type=Path, help="PIC name file (default: fp7_organizations_pic_name_country.csv beside FILE)"
        )

    @bulk
    def handle(self, *args: Any, file: Path, names: Path | None, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        names = names or file.with_name("fp7_organizations_pic_name_country.csv")
        load_countries()
        started = time.monotonic()

        def progress(message: str) -> None:
            sys.stderr.write(f"  {message} ({time.monotonic() - started:.0f} s)\n")

        report = import_cordis(file, names if names.is_file() else None, progress=progress)
        self.stdout.write(
            f"{report.rows:,} participations in {time.monotonic() - started:.1f} s: "
            f"{report.projects_created:,} projects created, {report.partnerships_created:,} partnerships created; "
            "organisations: "
            f"{report.organisations_matched:,} matched to the registry, {report.organisations_ambiguous:,} ambiguous "
            f"(created new), {report.organisations_created:,} created, of which {report.placeholders:,} placeholders "
            "for PICs without a name."
        )

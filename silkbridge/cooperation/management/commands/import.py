from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silkbridge.cooperation.importing import ImportFailure, read_rows, run_import
from silkbridge.cooperation.kinds import IMPORTABLE
from silkbridge.core.bulk import bulk


class Command(BaseCommand):
    help = "Import cooperation records (agreements, labs, centres, projects) from CSV or .xlsx; all-or-nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(IMPORTABLE))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    @bulk
    def handle(self, *args: Any, kind: str, file: Path, dry_run: bool, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            rows = read_rows(file.name, file.read_bytes())
        except ImportFailure as failure:
            raise CommandError(str(failure)) from None
        report = run_import(kind, rows, actor=None, dry_run=dry_run)
        for row, column, reason in report.errors:
            self.stderr.write(f"row {row}, column {column}: {reason}")
        if report.organisations:
            counts = ", ".join(f"{label} {n}" for label, n in report.organisations)
            self.stdout.write(f"Partner organisations: {counts}")
        for typed, org, reason in report.matched:
            self.stdout.write(f"  matched “{typed}” -> {org.name} ({org.ror_id or org.pk}): {reason}")
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s); nothing was saved.")
        prefix = "Dry run, nothing saved: would create" if dry_run else "Created"
        self.stdout.write(f"{prefix} {report.created}, updated {report.updated}, unchanged {report.unchanged} "
                          f"of {report.rows} rows.")  # fmt: skip

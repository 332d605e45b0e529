import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silkbridge.core.bulk import bulk
from silkbridge.registry.importing import ImportReport, import_ror
from silkbridge.registry.reference import load_countries


class Command(BaseCommand):
    help = (
        "Import ROR organisation records: schema v2 JSON Lines (.jsonl, .jsonl.gz) and/or the older "
        "schema's flat CSV. Idempotent; bad records are reported and skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--show-invalid", type=int, default=20, help="how many bad records to list (default 20)")

    @bulk
    def handle(self, *args: Any, files: list[Path], show_invalid: int, **options: Any) -> None:
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        load_countries()
        started = time.monotonic()

        tty = sys.stderr.isatty()

        def progress(report: ImportReport) -> None:
            done = report.created + report.updated + report.unchanged
            if not tty and done % 10000:
                return  # in logs, one line per 10,000 records
            sys.stderr.write(
                f"{chr(13) if tty else ''}  {done:,} written or checked: {report.created:,} new, "
                f"{report.updated:,} updated, {report.unchanged:,} unchanged ({time.monotonic() - started:.0f} s)"
                f"{'' if tty else chr(10)}"
            )
            sys.stderr.flush()

        self.stderr.write(f"Reading {len(files)} file(s)…")
        report = import_ror(files, progress=progress)
        sys.stderr.write("\n")
        self.stdout.write(
            f"Read {report.read:,} records in {time.monotonic() - started:.1f} s: {report.created:,} created, "
            f"{report.updated:,} updated, {report.unchanged:,} unchanged, {report.folded:,} withdrawn records kept "
            f"as former ids of their successor, {len(report.invalid):,} invalid, {len(report.warnings):,} warnings."
        )
        for line in report.invalid[:show_invalid]:
            self.stdout.write(f"  invalid: {line}")
        for line in report.warnings[:show_invalid]:
            self.stdout.write(f"  warning: {line}")

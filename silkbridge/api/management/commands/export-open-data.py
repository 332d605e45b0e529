from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from silkbridge.api.opendata import export


class Command(BaseCommand):
    help = "Write every public table as CSV, JSON Lines and XLSX, with datapackage.json and catalog.jsonld, into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        counts = export(directory, progress=lambda line: self.stderr.write(f"  {line}"))
        self.stdout.write(f"{len(counts)} tables, {sum(counts.values()):,} rows written to {directory}")

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from silkbridge.api.opendata import export


class Command(BaseCommand):
    help = "Write every public table as CSV and JSON Lines, with manifest.json, into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, directory: Path, **options: Any) -> None:
        manifest = export(directory, progress=lambda line: self.stderr.write(f"  {line}"))
        total = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"{len(manifest['tables'])} tables, {total:,} rows written to {directory}")

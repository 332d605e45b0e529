from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silkbridge.api.openapi import COMMITTED, current_schema


class Command(BaseCommand):
    help = "Print the OpenAPI document, check it against the committed copy, or --write it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help=f"update {COMMITTED.name}")
        parser.add_argument("--check", action="store_true", help="fail when the committed copy differs")

    def handle(self, *args: Any, write: bool, check: bool, **options: Any) -> None:
        schema = current_schema()
        if write:
            COMMITTED.write_text(schema, encoding="utf-8")
            self.stdout.write(f"Wrote {COMMITTED}")
        elif check:
            if not COMMITTED.exists() or COMMITTED.read_text(encoding="utf-8") != schema:
                raise CommandError("The API changed: review it, then run `make openapi` and commit openapi.json.")
            self.stdout.write("The committed OpenAPI document is up to date.")
        else:
            self.stdout.write(schema)

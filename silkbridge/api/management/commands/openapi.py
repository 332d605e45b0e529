from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silkbridge.api.openapi import DOCUMENTS, current_schema


class Command(BaseCommand):
    help = "Print the OpenAPI document of one version, check every version's against its committed copy, or --write."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="update the committed documents")
        parser.add_argument("--check", action="store_true", help="fail when a committed copy differs")
        parser.add_argument("--api-version", default="1", choices=sorted(DOCUMENTS), help="the version to print")

    def handle(self, *args: Any, write: bool, check: bool, api_version: str, **options: Any) -> None:
        if not (write or check):
            self.stdout.write(current_schema(api_version))
            return
        for version, (_api, committed) in DOCUMENTS.items():
            schema = current_schema(version)
            if write:
                committed.write_text(schema, encoding="utf-8")
                self.stdout.write(f"Wrote {committed}")
            elif not committed.exists() or committed.read_text(encoding="utf-8") != schema:
                raise CommandError(f"The API changed: review it, then run `make openapi` and commit {committed.name}.")
        if check:
            self.stdout.write("The committed OpenAPI documents are up to date.")

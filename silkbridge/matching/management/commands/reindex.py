import time

from django.core.management.base import BaseCommand, CommandParser

from silkbridge.matching import index


class Command(BaseCommand):
    help = "Rebuild the search and recommendation index from the database, with progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fresh", action="store_true", help="embed every text again (ignore the current index)")

    def handle(self, *args: object, fresh: bool = False, **options: object) -> None:
        started = time.monotonic()
        index.rebuild(lambda line: self.stdout.write(f"[{time.monotonic() - started:7.1f} s] {line}"), fresh=fresh)
        self.stdout.write(self.style.SUCCESS(f"index rebuilt in {time.monotonic() - started:.1f} s"))

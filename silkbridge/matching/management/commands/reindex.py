import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from silkbridge.matching import index
from silkbridge.matching.embedding import get_embedder


class Command(BaseCommand):
    help = "Rebuild the search and recommendation index from the database, with progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fresh", action="store_true", help="embed every text again (ignore the current index)")
        parser.add_argument(
            "--threads", type=int, default=os.cpu_count() or 1, help="threads for the model (default: every core)"
        )

    def handle(self, *args: object, fresh: bool = False, threads: int = 1, **options: object) -> None:
        started = time.monotonic()
        get_embedder(settings.SILKBRIDGE_EMBEDDER, threads)  # the first call fixes the threads
        index.rebuild(lambda line: self.stdout.write(f"[{time.monotonic() - started:7.1f} s] {line}"), fresh=fresh)
        self.stdout.write(self.style.SUCCESS(f"index rebuilt in {time.monotonic() - started:.1f} s"))

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from silkbridge.core.bulk import bulk
from silkbridge.portal.demo import seed
from silkbridge.registry.models import Organisation


class Command(BaseCommand):
    help = "Load the demo data set (real countries, fields and ROR organisations; demo experts and accounts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing when organisations exist already")

    @bulk
    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if if_empty and Organisation.objects.exists():
            self.stdout.write("The database has data already; demo seed skipped.")
            return
        password_file = Path(settings.VAR_DIR) / "demo-accounts.txt"
        report, accounts = seed(password_file)
        self.stdout.write(f"Demo data: {report.created + report.unchanged + report.updated:,} ROR organisations.")
        if accounts:
            self.stdout.write(f"Demo accounts (e-mail, password), also kept in {password_file}:")
            for line in accounts:
                self.stdout.write(f"  {line}")

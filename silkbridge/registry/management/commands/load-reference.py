from typing import Any

from django.core.management.base import BaseCommand

from silkbridge.registry.reference import load_countries, load_fields


class Command(BaseCommand):
    help = "Load (or refresh) the ISO 3166-1 countries and the FORD fields of science."

    def handle(self, *args: Any, **options: Any) -> None:
        countries, fields = load_countries(), load_fields()
        self.stdout.write(f"{countries} countries, {fields} fields of science.")

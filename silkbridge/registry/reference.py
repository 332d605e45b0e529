"""Reference data every install has: ISO 3166-1 countries and the FORD fields of science.
Loading is idempotent and never touches partner status."""

import csv
from pathlib import Path

from django.db import transaction

from silkbridge.registry.countries import iso_countries
from silkbridge.registry.models import Country, Field

DATA_DIR = Path(__file__).resolve().parent / "data"
FIELD_LANGUAGES = ["en", "ar", "es", "fr", "ru", "zh-hans"]


@transaction.atomic
def load_countries() -> int:
    for row in iso_countries():
        Country.objects.update_or_create(
            code=row["code"], defaults={"alpha3": row["alpha3"], "numeric": row["numeric"], "name_en": row["name_en"]}
        )
    return Country.objects.count()


def _position(code: str) -> int:
    major, _sep, minor = code.partition(".")
    return int(major) * 100 + int(minor or 0)


@transaction.atomic
def load_fields(path: Path = DATA_DIR / "ford.csv") -> int:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in sorted(rows, key=lambda r: int(r["level"])):
        code = row["code"]
        Field.objects.update_or_create(
            code=code,
            defaults={
                "level": int(row["level"]),
                "parent_id": code.split(".")[0] if "." in code else None,
                "names": {lang: row[lang] for lang in FIELD_LANGUAGES if row.get(lang)},
                "position": _position(code),
            },
        )
    return Field.objects.count()

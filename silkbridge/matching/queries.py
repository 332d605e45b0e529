from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from silkbridge.matching import index
from silkbridge.matching.models import Exposure


@dataclass
class ExposureRow:
    country: str  # ISO code, "" for records without a country
    name: str
    records: int
    record_share: float
    appearances: int
    appearance_share: float

    @property
    def ratio(self) -> float | None:
        """Share of appearances over share of records: 1 is proportional, above 1 favoured."""
        return self.appearance_share / self.record_share if self.record_share else None


def exposure_report(
    *,
    kind: str | None = None,
    since: date | None = None,
    country_names: Callable[[Iterable[str]], dict[str, str]] = lambda codes: {},
) -> list[ExposureRow]:
    """Per country: publicly searchable records in the index and how often records of that
    country appeared in search results (since ``since``), each as counts and shares; named
    by ``country_names`` (ISO code where it has no name)."""
    records: Counter[str] = Counter()
    for doc in index.current().engine.live_documents():
        if doc.audience == "public" and (kind is None or doc.kind == kind):
            for code in doc.countries or [""]:
                records[code] += 1
    shown = Exposure.objects.all()
    if kind:
        shown = shown.filter(kind=kind)
    if since:
        shown = shown.filter(day__gte=since)
    appearances = Counter({row["country"]: row["n"] for row in shown.values("country").annotate(n=Sum("appearances"))})
    total_records = sum(records.values()) or 1
    total_shown = sum(appearances.values()) or 1
    codes = set(records) | set(appearances)
    names = country_names(codes)
    rows = [
        ExposureRow(
            code,
            names.get(code, code),
            records[code],
            records[code] / total_records,
            appearances[code],
            appearances[code] / total_shown,
        )
        for code in codes
    ]
    return sorted(rows, key=lambda r: (-r.records, -r.appearances, r.country))

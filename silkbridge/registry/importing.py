"""Import of ROR records into the registry: idempotent, record-by-record validation,
batched writes. A withdrawn record whose successor is known is not created as a second
organisation: its id and name are kept on the successor (no duplicates across sources)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from silkbridge.core import audit
from silkbridge.core.models import AuditEntry
from silkbridge.registry import ror
from silkbridge.registry.models import Country, Organisation
from silkbridge.registry.ror import RecordError, RorRecord

ROR_FIELDS = ["name", "names", "aliases", "acronyms", "former_ror_ids", "kind", "status", "country_id", "city",
              "website", "established", "source"]  # fmt: skip


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    folded: int = 0  # withdrawn records kept as former ids of their successor
    invalid: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


Progress = Callable[[ImportReport], None]


def collect(paths: Iterable[Path], report: ImportReport) -> dict[str, RorRecord]:
    """All valid records by ROR id (``ror.collect``), counted into ``report``."""

    def count(path: Path, number: int, item: RorRecord | RecordError) -> None:
        report.read += 1
        if isinstance(item, RecordError):
            report.invalid.append(f"{path.name}:{number}: {item}")

    return ror.collect(paths, count)


def fold_withdrawn(records: dict[str, RorRecord], report: ImportReport) -> dict[str, list[RorRecord]]:
    """Remove withdrawn records that have a live successor; return successor id -> folded records."""
    in_db = set(Organisation.objects.exclude(ror_id=None).values_list("ror_id", flat=True))
    folded: dict[str, list[RorRecord]] = {}
    for rec in list(records.values()):
        if rec.status != "withdrawn" or not rec.successors or rec.ror_id in in_db:
            continue
        target, seen = rec.successors[0], {rec.ror_id}
        while target in records and records[target].status == "withdrawn" and records[target].successors:
            if target in seen:
                break
            seen.add(target)
            target = records[target].successors[0]
        if target in records and target not in seen:
            folded.setdefault(target, []).append(records.pop(rec.ror_id))
            report.folded += 1
    return folded


def _values(rec: RorRecord, folded: list[RorRecord], countries: set[str], report: ImportReport) -> dict[str, object]:
    aliases = list(rec.aliases)
    for old in folded:
        if old.name != rec.name and old.name not in aliases:
            aliases.append(old.name)
    if rec.country and rec.country not in countries:
        report.warnings.append(f"{rec.ror_id}: country code {rec.country!r} is not in ISO 3166-1; left empty")
    return {
        "name": rec.name, "names": rec.names, "aliases": aliases, "acronyms": rec.acronyms,
        "former_ror_ids": sorted(old.ror_id for old in folded), "kind": rec.kind, "status": rec.status,
        "country_id": rec.country if rec.country in countries else None, "city": rec.city,
        "website": rec.website, "established": rec.established, "source": rec.source,
    }  # fmt: skip


@transaction.atomic
def _write_batch(batch: list[tuple[str, dict[str, object]]], report: ImportReport) -> None:
    existing = {o.ror_id: o for o in Organisation.objects.filter(ror_id__in=[ror_id for ror_id, _ in batch])}
    new: list[Organisation] = []
    changed: list[Organisation] = []
    entries: list[tuple[Organisation, str, dict[str, list[object]]]] = []
    content_type = ContentType.objects.get_for_model(Organisation)
    for ror_id, values in batch:
        org = existing.get(ror_id)
        if org is not None and org.source == "ror-v2" and values["source"] == "ror-v1":
            report.unchanged += 1  # never downgrade a record to the older schema
            continue
        if org is None:
            org, changes = Organisation(ror_id=ror_id), {}
        else:
            changes = {k: [getattr(org, k), v] for k, v in values.items() if getattr(org, k) != v}
            if not changes:
                report.unchanged += 1
                continue
        for key, value in values.items():
            setattr(org, key, value)
        org.refresh_search_text()
        (changed if org.pk else new).append(org)
        entries.append((org, "update" if org.pk else "import", changes))
    Organisation.objects.bulk_create(new, batch_size=500)
    Organisation.objects.bulk_update(changed, [*ROR_FIELDS, "search_text"], batch_size=500)
    report.created += len(new)
    report.updated += len(changed)
    if new and new[0].pk is None:  # databases that do not return ids from bulk_create
        ids = dict(Organisation.objects.filter(ror_id__in=[o.ror_id for o in new]).values_list("ror_id", "pk"))
        for org in new:
            org.pk = ids[org.ror_id]
    AuditEntry.objects.bulk_create(
        AuditEntry(action=action, content_type=content_type, object_id=str(org.pk), object_repr=org.name[:300],
                   changes=_jsonable(changes))
        for org, action, changes in entries
    )  # fmt: skip


def _jsonable(changes: dict[str, list[object]]) -> dict[str, list[object]]:
    return {k: [audit.plain(v) for v in pair] for k, pair in changes.items()}


def import_ror(paths: Iterable[Path], *, progress: Progress | None = None, batch_size: int = 1000) -> ImportReport:
    """Import ROR files; safe to run again (unchanged records are not written)."""
    report = ImportReport()
    records = collect(paths, report)
    folded = fold_withdrawn(records, report)
    countries = set(Country.objects.values_list("code", flat=True))
    ordered = sorted(records)
    for start in range(0, len(ordered), batch_size):
        batch = [
            (rid, _values(records[rid], folded.get(rid, []), countries, report))
            for rid in ordered[start : start + batch_size]
        ]
        _write_batch(batch, report)
        if progress:
            progress(report)
    return report

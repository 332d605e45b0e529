"""Bulk open data: every public table as CSV and JSON Lines, with a manifest.

Only public data: organisations without their contact address, experts with a public
profile and without contact details, published versions of cooperation records (and only
the parties, partners, figures and outputs of published records). CSV cells that begin
with =, +, -, @, a tab or a line break are prefixed with an apostrophe so that spreadsheets
do not run them as formulas."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from silkbridge.cooperation.models import (
    Agreement,
    AgreementParty,
    CentreYear,
    DemonstrationCentre,
    JointLab,
    Output,
    Partnership,
    Project,
)
from silkbridge.marketplace.models import Listing
from silkbridge.marketplace.queries import live_q
from silkbridge.registry.models import Country, Field, Organisation
from silkbridge.registry.queries import visible_experts

LICENCE = "CC BY 4.0; organisation records from ROR: CC0 1.0"
COMMON = ["id", "external_id", "is_demo"]


def _experts() -> QuerySet[Any]:
    """The profiles anyone may see (open data is what an anonymous visitor sees)."""
    return visible_experts(AnonymousUser())


def _listings() -> QuerySet[Any]:
    """Published summaries only: details, attachments and messages never leave the site."""
    return Listing.objects.filter(live_q())


def _listing_relation(relation: Any) -> Callable[[], QuerySet[Any]]:
    return lambda: relation.through.objects.filter(listing__in=_listings())


def _of_published(model: type[Any], *records: str) -> Callable[[], QuerySet[Any]]:
    """Rows that belong to a published record (one of `records`, the foreign keys)."""
    condition = Q()
    for name in records:
        condition |= Q(**{f"{name}__is_published": True})
    return lambda: model.objects.filter(condition)


TABLES: dict[str, tuple[Callable[[], QuerySet[Any]], list[str]]] = {
    "countries": (Country.objects.all, ["code", "alpha3", "numeric", "name_en", "is_partner", "partner_since",
                                        "partner_is_demo"]),
    "fields": (Field.objects.all, ["code", "level", "parent_id", "names"]),
    "organisations": (Organisation.objects.all, ["id", "ror_id", "pic", "name", "names", "aliases", "acronyms",
                                                 "kind", "status", "country_id", "city", "website", "established",
                                                 "former_ror_ids"]),
    "experts": (_experts, ["id", "name", "country_id", "keywords", "languages", "bio", "is_demo"]),
    "agreements": (Agreement.objects.all, [*COMMON, "kind", "titles", "summaries", "signed_on", "in_force_from",
                                           "expires_on", "terminated_on", "text_url", "fields"]),
    "agreement_parties": (_of_published(AgreementParty, "agreement"),
                          ["agreement_id", "country_id", "organisation_id"]),
    "labs": (JointLab.objects.all, [*COMMON, "names", "description", "established_on", "closed_on", "fields"]),
    "centres": (DemonstrationCentre.objects.all, [*COMMON, "names", "host_country_id", "site", "technologies",
                                                  "opened_on", "closed_on", "area_hectares", "fields"]),
    "centre_years": (_of_published(CentreYear, "centre"),
                     ["centre_id", "year", "people_trained", "technologies_adopted"]),
    "projects": (Project.objects.all, [*COMMON, "title", "abstract", "start_on", "end_on", "funding_programme",
                                       "funding_amount", "currency", "agreement_id", "lab_id", "fields"]),
    "partnerships": (_of_published(Partnership, "lab", "centre", "project"),
                     ["organisation_id", "role", "lab_id", "centre_id", "project_id"]),
    "outputs": (_of_published(Output, "lab", "centre", "project"),
                ["kind", "year", "count", "identifier", "lab_id", "centre_id", "project_id"]),
    "listings": (_listings, ["id", "kind", "organisation_id", "titles", "summaries", "trl", "ip_status", "keywords",
                             "sectors", "cooperation", "languages", "expires_on", "published_at", "is_demo"]),
    "listing_fields": (_listing_relation(Listing.fields), ["listing_id", "field_id"]),
    "listing_countries": (_listing_relation(Listing.countries), ["listing_id", "country_id"]),
}  # fmt: skip


def _json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def neutralise(value: Any) -> str:
    """A CSV cell: JSON for lists and objects, and no formula a spreadsheet would run."""
    if value is None:
        return ""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(_json_value(value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else text


def _field_codes(queryset: QuerySet[Any]) -> dict[int, list[str]]:
    """Record id -> the codes of its fields of science (OECD FORD), in one query."""
    name = queryset.model._meta.model_name
    through = queryset.model.fields.through.objects.filter(**{f"{name}__in": queryset.values("pk")})
    codes: dict[int, list[str]] = {}
    for pk, code in through.order_by("field_id").values_list(f"{name}_id", "field_id"):
        codes.setdefault(pk, []).append(code)
    return codes


def rows(table: str) -> Iterator[dict[str, Any]]:
    """A table's rows; a "fields" column lists a record's fields of science."""
    queryset, columns = TABLES[table]
    plain = [c for c in columns if c != "fields"]
    codes = _field_codes(queryset()) if "fields" in columns else {}
    for values in (
        queryset()
        .order_by(*(["pk"] if "id" in columns else [columns[0]]))
        .values_list(*plain)
        .iterator(chunk_size=2000)
    ):
        row = {c: _json_value(v) for c, v in zip(plain, values, strict=True)}
        if "fields" in columns:
            row["fields"] = codes.get(row["id"], [])
        yield row


def csv_lines(table: str) -> Iterator[str]:
    columns = TABLES[table][1]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows(table):
        writer.writerow([neutralise(row[c]) for c in columns])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def jsonl_lines(table: str) -> Iterator[str]:
    for row in rows(table):
        yield json.dumps(row, ensure_ascii=False) + "\n"


def export(directory: Path, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Write every table as CSV and JSON Lines into `directory`, with manifest.json."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {"generated_at": timezone.now().isoformat(), "licence": LICENCE, "tables": {}}
    for table in TABLES:
        with (directory / f"{table}.csv").open("w", encoding="utf-8", newline="") as out:
            out.writelines(csv_lines(table))
        count = 0
        with (directory / f"{table}.jsonl").open("w", encoding="utf-8") as out:
            for line in jsonl_lines(table):
                out.write(line)
                count += 1
        manifest["tables"][table] = {
            "rows": count,
            "files": [f"{table}.csv", f"{table}.jsonl"],
            "columns": TABLES[table][1],
        }
        if progress:
            progress(f"{table}: {count:,} rows")
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return manifest

"""Bulk open data: every public table as CSV, JSON Lines and XLSX, described by a
Frictionless `datapackage.json` and a DCAT `catalog.jsonld`.

Only public data: organisations without their contact address, experts with a public
profile and without contact details, published versions of cooperation records (and only
the parties, partners, figures and outputs of published records), and of past public
conferences their aggregate figures only (the organiser's report: counts, no person). CSV cells that begin
with =, +, -, @, a tab or a line break are prefixed with an apostrophe so that spreadsheets
do not run them as formulas; in XLSX, cells that begin with = are stored as text and
numbers stay numbers."""

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
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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
from silkbridge.core.csvcells import neutralise
from silkbridge.events.models import Event
from silkbridge.events.report import event_report
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


def _past_events() -> QuerySet[Any]:
    """Public conferences that have ended: their figures no longer change much, and an
    event still running is its organisers' to report on first."""
    return Event.objects.filter(is_public=True, ends_on__lt=timezone.localdate())


def _event_figures() -> Iterator[dict[str, Any]]:
    """Each past event's report (events/report.py), one figure a row: registrations by
    category and by country, attendance, meetings requested / accepted / scheduled / held,
    and what the held meetings led to. Counts only: no name, no organisation."""
    for event in _past_events().order_by("pk"):
        for section in event_report(event):
            for code, _label, value in section.rows:
                yield {"event_id": event.pk, "figure": section.key, "code": code, "value": value}


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
    "events": (_past_events, ["id", "slug", "titles", "starts_on", "ends_on", "time_zone", "venue", "languages"]),
}  # fmt: skip
# Tables computed rather than read from one model: rows, then (column, Frictionless type, description).
COMPUTED: dict[str, tuple[Callable[[], Iterator[dict[str, Any]]], list[tuple[str, str, str]]]] = {
    "event_figures": (_event_figures, [
        ("event_id", "integer", ""),
        ("figure", "string", "category, country, attendance, meetings or outcomes"),
        ("code", "string", "what is counted: a category, a country (ISO), checked_in, requested, held, agreement ..."),
        ("value", "integer", "count"),
    ]),
}  # fmt: skip
# Every table of the bundle and its columns, in the order they are published.
COLUMNS: dict[str, list[str]] = {
    **{name: columns for name, (_rows, columns) in TABLES.items()},
    **{name: [c for c, _type, _title in fields] for name, (_rows, fields) in COMPUTED.items()},
}


def _json_value(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


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
    if table in COMPUTED:
        yield from COMPUTED[table][0]()
        return
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
    columns = COLUMNS[table]
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


def xlsx_bytes(table: str) -> bytes:
    """The table as one worksheet (write-only: rows are streamed, not held as cells)."""
    columns = COLUMNS[table]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table)
    sheet.append(columns)
    for row in rows(table):
        sheet.append([_xlsx_cell(sheet, row[c]) for c in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # never a formula, whatever the text begins with
    return cell


def export(directory: Path, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """Write every table as CSV, JSON Lines and XLSX into `directory`, with datapackage.json
    and catalog.jsonld; returns the row count of each table."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for table in COLUMNS:
        with (directory / f"{table}.csv").open("w", encoding="utf-8", newline="") as out:
            out.writelines(csv_lines(table))
        count = 0
        with (directory / f"{table}.jsonl").open("w", encoding="utf-8") as out:
            for line in jsonl_lines(table):
                out.write(line)
                count += 1
        (directory / f"{table}.xlsx").write_bytes(xlsx_bytes(table))
        counts[table] = count
        if progress:
            progress(f"{table}: {count:,} rows")
    for name, descriptor in (("datapackage.json", datapackage()), ("catalog.jsonld", dcat_catalogue())):
        (directory / name).write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    return counts


# The descriptions of the bundle, in the two standard forms data users' tools read: a
# Frictionless Data Package (every table's schema, keys and licence) and a DCAT catalogue
# (every table as a dataset with its CSV, JSON Lines and XLSX distributions). Both are
# built from the model fields of TABLES, so they cannot drift from the files. `base` is
# where the files are: "" in an exported folder, the download URL prefix on the site.

CC_BY = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "CC BY 4.0"}
CC0 = {"name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/", "title": "CC0 1.0 (ROR)"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": "text/csv", "jsonl": "application/x-ndjson", "xlsx": XLSX_TYPE}
TITLES = {
    "countries": "Countries (ISO 3166-1) and partner status",
    "fields": "Fields of science (OECD FORD, two levels)",
    "organisations": "Organisations (universities, institutes, companies, agencies)",
    "experts": "Experts with a public profile (no contact details)",
    "agreements": "Science and technology cooperation agreements",
    "agreement_parties": "Parties to each agreement (countries or organisations)",
    "labs": "Joint laboratories",
    "centres": "Technology demonstration centres",
    "centre_years": "Yearly figures of demonstration centres",
    "projects": "Cooperation projects",
    "partnerships": "Organisations taking part in labs, centres and projects",
    "outputs": "Outputs (publications, patents, people trained) of labs, centres and projects",
    "listings": "Published technology offers and needs (public summaries only)",
    "listing_fields": "Fields of science of each published listing",
    "listing_countries": "Target countries of each published listing",
    "events": "Past public conferences",
    "event_figures": "Aggregate figures of past conferences (registrations, attendance, meetings, outcomes)",
}
# Each table's primary key, and the tables its reference columns point to.
KEYS = {"countries": "code", "fields": "code"}
REFERENCES = {
    "country_id": ("countries", "code"), "host_country_id": ("countries", "code"), "parent_id": ("fields", "code"),
    "organisation_id": ("organisations", "id"), "agreement_id": ("agreements", "id"), "lab_id": ("labs", "id"),
    "centre_id": ("centres", "id"), "project_id": ("projects", "id"), "listing_id": ("listings", "id"),
    "field_id": ("fields", "code"), "event_id": ("events", "id"),
}  # fmt: skip
KEYS_OF_COMPUTED = {"event_figures": ["event_id", "figure", "code"]}
TYPES = [
    (models.BooleanField, "boolean"), (models.DateTimeField, "datetime"), (models.DateField, "date"),
    (models.DecimalField, "number"), (models.FloatField, "number"), (models.IntegerField, "integer"),
    (models.AutoField, "integer"), (models.ForeignKey, "reference"), (models.CharField, "string"),
    (models.TextField, "string"),
]  # fmt: skip


def _model(table: str) -> type[models.Model]:
    return TABLES[table][0]().model


def _field(model: type[models.Model], column: str) -> dict[str, Any]:
    field = model._meta.get_field(column)
    kind = next((name for cls, name in TYPES if isinstance(field, cls)), "string")
    if isinstance(field, models.JSONField):
        kind = "array" if field.default is list else "object"
    if isinstance(field, models.ManyToManyField):  # a record's fields of science: a list of codes
        kind = "array"
    if kind == "reference":
        target = field.target_field  # type: ignore[union-attr]
        kind = "integer" if isinstance(target, models.AutoField | models.IntegerField) else "string"
    described: dict[str, Any] = {"name": column, "type": kind}
    title = getattr(field, "verbose_name", "")
    if title and not column.endswith("_id"):
        described["title"] = str(title)
    return described


def _computed_schema(table: str) -> dict[str, Any]:
    fields = [
        {"name": c, "type": kind, **({"description": text} if text else {})} for c, kind, text in COMPUTED[table][1]
    ]
    foreign = [c for c, _kind, _title in COMPUTED[table][1] if c in REFERENCES]
    return {
        "fields": fields, "missingValues": [""], "primaryKey": KEYS_OF_COMPUTED[table],
        "foreignKeys": [{"fields": [c], "reference": {"resource": REFERENCES[c][0], "fields": [REFERENCES[c][1]]}}
                        for c in foreign],
    }  # fmt: skip


def table_schema(table: str) -> dict[str, Any]:
    if table in COMPUTED:
        return _computed_schema(table)
    columns = TABLES[table][1]
    model = _model(table)
    schema: dict[str, Any] = {"fields": [_field(model, c) for c in columns], "missingValues": [""]}
    key = KEYS.get(table, "id" if "id" in columns else None)
    if key:
        schema["primaryKey"] = [key]
    foreign = [(c, *REFERENCES[c]) for c in columns if c in REFERENCES and REFERENCES[c][0] != table]
    if table == "fields":
        foreign.append(("parent_id", "", "code"))  # the broad field of a sub-field, in the same table
    if foreign:
        schema["foreignKeys"] = [
            {"fields": [column], "reference": {"resource": resource, "fields": [target]}}
            for column, resource, target in foreign
        ]
    return schema


def datapackage(base: str = "") -> dict[str, Any]:
    return {
        "profile": "tabular-data-package",
        "name": "silkbridge-open-data",
        "title": "Silkbridge open data: international science and technology cooperation",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licenses": [CC_BY],
        "resources": [
            {
                "name": table.replace("_", "-"),
                "path": f"{base}{table}.csv",
                "title": TITLES[table],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "licenses": [CC0, CC_BY] if table == "organisations" else [CC_BY],
                "schema": table_schema(table),
            }
            for table in COLUMNS
        ],
    }


def dcat_catalogue(base: str = "") -> dict[str, Any]:
    """A DCAT catalogue in JSON-LD (the W3C DCAT 2 vocabulary)."""
    modified = timezone.now().replace(microsecond=0).isoformat()
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@type": "dcat:Catalog",
        "dct:title": "Silkbridge open data",
        "dct:description": "Every public table of Silkbridge: countries, organisations, experts, agreements, "
        "joint laboratories, demonstration centres, projects and their outputs, technology offers and needs, and "
        "the aggregate figures of past conferences.",
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": "Silkbridge"},
        "dct:license": {"@id": CC_BY["path"]},
        "dct:modified": modified,
        "dcat:dataset": [
            {
                "@type": "dcat:Dataset",
                "dct:identifier": table,
                "dct:title": TITLES[table],
                "dct:license": {"@id": (CC0 if table == "organisations" else CC_BY)["path"]},
                "dct:modified": modified,
                "dcat:distribution": [_distribution(base, table, extension) for extension in FORMATS],
            }
            for table in COLUMNS
        ],
    }


def _distribution(base: str, table: str, extension: str) -> dict[str, Any]:
    distribution = {
        "@type": "dcat:Distribution",
        "dct:format": extension.upper(),
        "dcat:mediaType": FORMATS[extension],
        "dcat:downloadURL": {"@id": f"{base}{table}.{extension}"},
    }
    if extension == "csv":  # the CSV files are the ones the Data Package describes
        distribution["dct:conformsTo"] = {"@id": f"{base}datapackage.json"}
    return distribution

"""CSV and Excel import of cooperation records. Every row goes through the same form as the
pages; errors name the row, the column and the reason. The import is all-or-nothing: one
bad row and nothing is written. Records carry an external id, so importing the same file
again changes nothing. Partner organisations may be typed as free text: a name the
affiliation matcher resolves is taken, and the report lists each such name with what it
found (so that a dry run shows them before anything is saved)."""

from __future__ import annotations

import copy
import csv
import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _

from silkbridge.accounts.models import User
from silkbridge.cooperation import domain
from silkbridge.cooperation.enums import RecordKind
from silkbridge.cooperation.forms import RecordForm
from silkbridge.cooperation.kinds import IMPORTABLE
from silkbridge.registry.enums import NameResolution
from silkbridge.registry.forms import OrganisationResolver
from silkbridge.registry.identity import explain_match

# Limits, checked before the work and while reading, so that a hostile file is refused in
# seconds with a clear message: the upload's size, the rows and cells of its data, the
# unpacked size of a workbook (a decompression bomb) and the rows and columns its sheet
# declares (a tiny file may declare a million rows), and the time reading may take.
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
MAX_COLUMNS = 60
MAX_CELLS = 100_000
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_READ_SECONDS = 10.0
BACKGROUND_ROWS = 200  # a web import of more rows runs as a background task, with progress
RENAMED = {"partners_text": "partners", "countries_text": "countries"}  # form field -> column
LISTS = {"fields", "partners", "countries"}  # columns holding several values separated by ";"
# One example row per template, resolvable against the demo data.
EXAMPLES = {
    "agreements": {"external_id": "ag-cn-ke-2014", "name": "China-Kenya S&T cooperation agreement",
                   "kind": "intergovernmental", "countries": "CN; KE", "signed_on": "2014-01-10",
                   "in_force_from": "2014-03-01", "expires_on": "2024-02-28", "fields": "4.1; 2.7"},
    "labs": {"external_id": "lab-crop-2015", "name": "Joint laboratory for crop molecular biology",
             "partners": "Dept. of Soil Science, Laikipia Univ., Nyahururu, Kenya | host",
             "established_on": "2015-03-01", "fields": "4.4"},
    "centres": {"external_id": "centre-drip-2016", "name": "Water-saving irrigation demonstration centre",
                "host_country": "KE", "site": "Nyahururu", "technologies": "Drip lines; soil-moisture sensors",
                "opened_on": "2016-05-01", "area_hectares": "12.5", "fields": "4.1"},
    "projects": {"external_id": "proj-maize-2022", "name": "Drought-tolerant maize for East Africa",
                 "partners": "Laikipia University | coordinator", "start_on": "2022-01-01", "end_on": "2025-12-31",
                 "fields": "4.1; 4.4"},
    "outputs": {"external_id": "out-maize-2024-1", "record": "proj-maize-2022", "kind": "publication", "year": "2024",
                "count": "1", "identifier": "10.5555/maize.2024.1"},
}  # fmt: skip


class ImportFailure(ValueError):
    """The file as a whole cannot be read; the message says why."""


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row number, column, reason
    dry_run: bool = False
    resolver: OrganisationResolver = field(default_factory=lambda: OrganisationResolver(accept_matches=True))

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def organisations(self) -> list[tuple[str, int]]:
        """(outcome label, count) of the partner names in the file, in a fixed order; empty
        when the file names no partner."""
        counts = self.resolver.counts
        return [(str(o.label), counts[o.value]) for o in NameResolution if counts[o.value]]

    @property
    def matched(self) -> list[tuple[str, Any, str]]:
        """(typed name, registry record, the matcher's reason) for each name the matcher resolved."""
        return [(typed, org, explain_match(reason)) for typed, (org, reason) in self.resolver.matched.items()]

    def to_json(self) -> dict[str, Any]:
        """What the report page shows, as JSON (kept on a background ImportJob)."""
        return {
            "rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "errors": [list(e) for e in self.errors], "dry_run": self.dry_run,
            "organisations": [list(o) for o in self.organisations],
            "matched": [[typed, org.pk, str(reason)] for typed, org, reason in self.matched],
        }  # fmt: skip


@dataclass
class StoredReport:
    """An ImportReport read back from JSON, for the page of a background import."""

    data: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        if name in ("rows", "created", "updated", "unchanged", "errors", "dry_run", "organisations"):
            return self.data[name]
        raise AttributeError(name)

    @property
    def ok(self) -> bool:
        return not self.data["errors"]

    @property
    def matched(self) -> list[tuple[str, Any, str]]:
        from silkbridge.registry.models import Organisation

        orgs = Organisation.objects.in_bulk([pk for _typed, pk, _reason in self.data["matched"]])
        return [(typed, orgs[pk], reason) for typed, pk, reason in self.data["matched"] if pk in orgs]


def columns(kind: str) -> list[tuple[str, str, str]]:
    """(column, label, help) for the template and the documentation of `kind`."""
    form = IMPORTABLE[kind].form()
    out = []
    for name, bound in form.fields.items():
        column = RENAMED.get(name, name)
        help_text = str(bound.help_text or "")
        if column in LISTS:
            help_text = (help_text + " " + _("Several values are separated by “;”.")).strip()
        help_text = " ".join(part for part in (help_text, _allowed(column, bound)) if part)
        out.append((column, str(bound.label), help_text))
    return out


def _allowed(column: str, field: Any) -> str:
    """The values a column allows, said in words: choices, the date format, field codes."""
    if column == "fields":
        return str(_("Codes of the fields of science (OECD FORD), for example 4.1; see the Fields of science page."))
    if isinstance(field, forms.DateField):
        return str(_("A date written YYYY-MM-DD, for example 2023-03-15."))
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField) and column != "countries":
        values = ", ".join(str(value) for value, _label in field.choices if value)  # type: ignore[misc,union-attr]
        return str(_("One of: %(values)s.") % {"values": values})
    return ""


def template_rows(kind: str) -> list[list[str]]:
    """The header and one example row of `kind`'s template."""
    header = [c for c, _l, _h in columns(kind)]
    return [header, [EXAMPLES.get(kind, {}).get(column, "") for column in header]]


def template_csv(kind: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(template_rows(kind))
    return buffer.getvalue()


def _too_many_rows() -> ImportFailure:
    return ImportFailure(_("The file has more than %(rows)d rows: split it into smaller files.") % {"rows": MAX_ROWS})


def _too_many_cells() -> ImportFailure:
    return ImportFailure(
        _("The file has more than %(columns)d columns or %(cells)d cells in all: split it into smaller files.")
        % {"columns": MAX_COLUMNS, "cells": MAX_CELLS}
    )


class _Budget:
    """Counts rows and cells as they are read, and the time spent; refuses past a limit."""

    def __init__(self) -> None:
        self.rows = self.cells = 0
        self.deadline = time.monotonic() + MAX_READ_SECONDS

    def take(self, cells: int) -> None:
        self.rows += 1
        self.cells += cells
        if self.rows > MAX_ROWS + 1:  # the header is not a data row
            raise _too_many_rows()
        if cells > MAX_COLUMNS or self.cells > MAX_CELLS:
            raise _too_many_cells()
        if self.rows % 256 == 0 and time.monotonic() > self.deadline:
            raise ImportFailure(
                _("Reading the file took longer than %(seconds)d seconds: split it into smaller files.")
                % {"seconds": MAX_READ_SECONDS}
            )


def wrong_kind(kind: str, header: list[str]) -> str | None:
    """Why a file with `header` is not a file of `kind` (its columns belong to another kind),
    or None."""
    known = {c for c, _l, _h in columns(kind)}
    unknown = [column for column in header if column and column not in known]
    if not unknown:
        return None
    likely = max(IMPORTABLE, key=lambda other: len(set(header) & {c for c, _l, _h in columns(other)}))
    message = _("These columns are not columns of %(kind)s: %(columns)s. Is it a file of %(likely)s?")
    return message % {"kind": IMPORTABLE[kind].title.lower(), "columns": ", ".join(unknown),
                      "likely": IMPORTABLE[likely].title.lower()}  # fmt: skip


def read_rows(filename: str, content: bytes) -> list[dict[str, str]]:
    """The rows of a CSV or .xlsx file as dicts keyed by the header; ImportFailure (with a
    message for the person) when the file is unreadable or over a limit."""
    if len(content) > MAX_BYTES:
        raise ImportFailure(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailure(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from None
    budget = _Budget()
    try:
        reader = csv.reader(io.StringIO(text))
        header: list[str] | None = None
        rows = []
        for values in reader:
            budget.take(len(values))
            if header is None:
                header = values
            elif values:
                rows.append(dict(zip(header, values, strict=False)))
    except csv.Error as exc:
        raise ImportFailure(_("The file is not valid CSV: %(reason)s") % {"reason": exc}) from None
    return rows


def _read_xlsx(content: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    unreadable = ImportFailure(_("The file is not a readable Excel workbook (.xlsx)."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise unreadable from None
    # Declared sizes bound what zipfile will ever unpack, so this check is enough.
    if len(members) > 500 or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        raise ImportFailure(
            _("The workbook unpacks to more than %(mb)d MB: save it as CSV, or without unused sheets and formatting.")
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )
    try:
        sheet: Any = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        raise unreadable from None
    if declared_rows > MAX_ROWS + 1:
        raise _too_many_rows()
    if declared_columns > MAX_COLUMNS or declared_rows * declared_columns > MAX_CELLS:
        raise _too_many_cells()
    sheet.reset_dimensions()  # read the cells that are there; never pad to a declared size
    budget = _Budget()
    rows: list[tuple[Any, ...]] = []
    try:
        for row in sheet.iter_rows(values_only=True):
            budget.take(len(row))
            rows.append(row)
    except ImportFailure:
        raise
    except Exception:
        raise unreadable from None
    if not rows:
        return []
    header = [str(h or "").strip() for h in rows[0]]
    return [
        {
            h: "" if v is None else (v.isoformat()[:10] if hasattr(v, "isoformat") else str(v))
            for h, v in zip(header, row, strict=False)
        }
        for row in rows[1:]
        if any(v not in (None, "") for v in row)
    ]


def form_data(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """Form data from a row keyed by import columns; list columns take ";"-separated text or lists."""
    data: dict[str, Any] = {}
    for name in IMPORTABLE[kind].form.base_fields:
        value = row.get(RENAMED.get(name, name))
        items = value if isinstance(value, list) else [v.strip() for v in str(value or "").split(";") if v.strip()]
        if name == "fields":
            data[name] = items
        elif name == "partners_text":
            data[name] = "\n".join(items)
        else:
            data[name] = "" if value is None else str(value).strip()
    return data


def record_columns(kind: str, record: Any) -> dict[str, Any]:
    """A record's current values keyed by import column (the starting point of an API PATCH)."""
    form = IMPORTABLE[kind].form(instance=record)
    values = {}
    for name, form_field in form.fields.items():
        initial = form.get_initial_for_field(form_field, name)
        if name == "fields":
            initial = [getattr(f, "pk", f) for f in (initial or [])]
        elif name == "partners_text":
            initial = [line for line in str(initial or "").split("\n") if line]
        elif hasattr(initial, "isoformat"):
            initial = initial.isoformat()
        values[RENAMED.get(name, name)] = initial
    return values


def run_import(
    kind: str,
    rows: list[dict[str, str]],
    *,
    actor: User | None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, then save all of them in one transaction, or nothing. `progress` is
    told how many rows have been checked, every 50 rows."""
    form_class = IMPORTABLE[kind].form
    model = form_class._meta.model
    report = ImportReport(rows=len(rows), dry_run=dry_run)
    required = {"external_id", "record"} if kind == RecordKind.OUTPUTS else {"external_id", "name"}
    missing = required - set(rows[0] if rows else {})
    if missing or not rows:
        reason = _("Missing column or no rows: this file needs at least the columns %(columns)s.") % {
            "columns": ", ".join(sorted(required))
        }
        report.errors.append((1, ", ".join(sorted(missing)) or "-", reason))
        return report
    mismatch = wrong_kind(kind, list(rows[0]))
    if mismatch:
        report.errors.append((1, "-", mismatch))
        return report
    seen: dict[str, int] = {}
    valid: list[tuple[Any, RecordForm]] = []
    for number, row in enumerate(rows, start=2):
        if progress is not None and (number - 2) % 50 == 0:
            progress(number - 2)
        external = (row.get("external_id") or "").strip()
        if not external:
            report.errors.append((number, "external_id", _("Every row needs an external id.")))
            continue
        if external in seen:
            report.errors.append(
                (number, "external_id", _("The same external id is on row %(row)d.") % {"row": seen[external]})
            )
            continue
        seen[external] = number
        record = model._default_manager.filter(external_id=external).first() or model()
        options = {"resolver": report.resolver} if issubclass(form_class, RecordForm) else {}
        form = form_class(form_data(kind, row), instance=copy.copy(record), **options)
        if not form.is_valid():
            for name, messages in form.errors.get_json_data().items():
                column = RENAMED.get(name, name) if name != "__all__" else "-"
                report.errors.extend((number, column, m["message"]) for m in messages)
            continue
        refusal = domain.pending_change_refusal(record) if domain.may_publish(actor) else ""  # never dropped unseen
        if refusal:
            report.errors.append((number, "external_id", refusal))
            continue
        valid.append((record, form))
    if report.errors or dry_run:
        for record, _form in valid:
            report.updated += bool(record.pk)
            report.created += not record.pk
        return report
    with transaction.atomic():
        for record, form in valid:
            created = record.pk is None
            save = domain.save_output if kind == RecordKind.OUTPUTS else domain.save_record
            changes = save(record, data=form.domain_data(), actor=actor)
            report.created += created
            report.updated += bool(not created and changes)
            report.unchanged += bool(not created and not changes)
    return report

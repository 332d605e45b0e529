"""Hostile import files are refused in seconds with a clear message, before the work and
with little memory; large imports run as a background task with progress (issue #20)."""

import io
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from silkbridge.cooperation import importing
from silkbridge.cooperation.importing import ImportFailure, read_rows
from silkbridge.cooperation.models import ImportJob, JointLab
from tests.conftest import client_for


def big_csv(rows: int = 100_000) -> bytes:
    lines = ["external_id,name"] + [f"lab-{n},Lab {n}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def small_xlsx() -> bytes:
    book = Workbook()
    sheet: Any = book.active
    sheet.append(["external_id", "name"])
    sheet.append(["lab-1", "Lab 1"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(xlsx: bytes, change: Any) -> bytes:
    """The workbook with each member passed through change(name, data) -> data."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return out.getvalue()


def huge_dimension_xlsx() -> bytes:
    """About 5 KB that declares a sheet of a million rows (the reader would pad to it)."""

    def change(name: str, data: bytes) -> bytes:
        return (
            data.replace(b'<dimension ref="A1:B2" />', b'<dimension ref="A1:B1048576" />') if "sheet1" in name else data
        )

    return rewrite(small_xlsx(), change)


def bomb_xlsx(megabytes: int = 300) -> bytes:
    """A few hundred KB that unpack to `megabytes` MB (shared strings of nothing but spaces)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small_xlsx())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _n in range(megabytes):
                member.write(chunk)
    return out.getvalue()


HOSTILE = {
    "rows.csv": (big_csv, "more than 5000 rows"),
    "dimension.xlsx": (huge_dimension_xlsx, "more than 5000 rows"),
    "bomb.xlsx": (bomb_xlsx, "unpacks to more than 30 MB"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_refused_in_seconds_with_little_memory(name: str) -> None:
    make, message = HOSTILE[name]
    content = make()
    assert len(content) < importing.MAX_BYTES
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(ImportFailure, match=message):
        read_rows(name, content)
    elapsed = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 5, elapsed
    assert peak < 100 * 1024 * 1024, peak  # the whole worker stays far under 300 MB


def test_too_many_columns_or_cells_are_refused() -> None:
    wide = (",".join(f"c{n}" for n in range(200)) + "\n").encode()
    with pytest.raises(ImportFailure, match="columns"):
        read_rows("wide.csv", wide)
    cells = ("\n".join(",".join(["x"] * 50) for _n in range(2_100)) + "\n").encode()
    with pytest.raises(ImportFailure, match="cells"):
        read_rows("cells.csv", cells)


def test_a_file_at_the_limits_is_read() -> None:
    rows = read_rows("ok.csv", big_csv(importing.MAX_ROWS))
    assert len(rows) == importing.MAX_ROWS and rows[-1] == {"external_id": "lab-4999", "name": "Lab 4999"}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_the_import_page_answers_a_hostile_file_with_a_clear_error(roles: dict[str, Any], name: str) -> None:
    make, message = HOSTILE[name]
    upload = SimpleUploadedFile(name, make())
    started = time.monotonic()
    response = client_for(roles["moderator"]).post(
        "/en/cooperation/import/", {"kind": "labs", "file": upload, "dry_run": "on"}
    )
    assert time.monotonic() - started < 10
    assert response.status_code == 200 and message in response.content.decode()
    assert not JointLab.objects.exists() and not ImportJob.objects.exists()


@pytest.mark.django_db
def test_the_error_is_in_the_page_language(roles: dict[str, Any]) -> None:
    upload = SimpleUploadedFile("rows.csv", big_csv())
    response = client_for(roles["moderator"]).post("/fr/cooperation/import/", {"kind": "labs", "file": upload})
    assert "plus de 5000 lignes" in response.content.decode()


@pytest.mark.django_db
def test_the_import_command_refuses_the_declared_million_rows_at_once(reference: Any, tmp_path: Path) -> None:
    path = tmp_path / "dimension.xlsx"
    path.write_bytes(huge_dimension_xlsx())
    started = time.monotonic()
    with pytest.raises(CommandError, match="more than 5000 rows"):
        call_command("import", "labs", str(path))
    assert time.monotonic() - started < 5


@pytest.mark.django_db
def test_a_large_web_import_runs_as_a_background_task_with_progress(roles: dict[str, Any]) -> None:
    count = importing.BACKGROUND_ROWS + 50
    client = client_for(roles["moderator"])
    upload = SimpleUploadedFile("labs.csv", big_csv(count))
    response = client.post("/en/cooperation/import/", {"kind": "labs", "file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/en/cooperation/import/jobs/{job.pk}/"
    # tasks run at once in tests (the embedded default); with SILKBRIDGE_TASKS=database a worker runs it
    assert job.status == "done" and job.checked_rows == job.total_rows == count and job.rows == []
    assert JointLab.objects.count() == count
    page = client.get(response["Location"]).content.decode()
    assert f"Saved: {count} created, 0 updated, 0 unchanged." in page
    assert client_for(roles["editor"]).get(response["Location"]).status_code in (403, 404)


@pytest.mark.django_db
def test_a_queued_import_shows_its_progress(roles: dict[str, Any]) -> None:
    job = ImportJob.objects.create(actor=roles["moderator"], kind="labs", filename="labs.csv", total_rows=400,
                                   checked_rows=100, status="running", rows=[])  # fmt: skip
    page = client_for(roles["moderator"]).get(f"/en/cooperation/import/jobs/{job.pk}/").content.decode()
    assert "100 of 400 rows checked" in page and 'http-equiv="refresh"' in page


@pytest.mark.django_db
def test_a_large_import_with_one_bad_row_saves_nothing(roles: dict[str, Any]) -> None:
    content = big_csv(importing.BACKGROUND_ROWS + 10) + b"lab-bad,\n"
    client_for(roles["moderator"]).post(
        "/en/cooperation/import/", {"kind": "labs", "file": SimpleUploadedFile("labs.csv", content)}
    )
    job = ImportJob.objects.get()
    assert job.status == "done" and job.report["errors"] and not JointLab.objects.exists()

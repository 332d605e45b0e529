import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation
from openpyxl import Workbook

from silkbridge.cooperation.forms import ProjectForm
from silkbridge.cooperation.importing import ImportFailure, read_rows, run_import
from silkbridge.cooperation.models import Agreement, JointLab, Project
from tests.conftest import client_for
from tests.factories import OrganisationFactory

HEADER = ["external_id", "name", "kind", "countries", "partners", "signed_on", "in_force_from", "expires_on", "fields"]


def agreements_csv(*rows: list[str], header: list[str] = HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


GOOD = ["ag-1", "China-Kenya agreement", "intergovernmental", "CN, KE", "", "2018-01-01", "2018-02-01", "", "4.1;3.2"]


@pytest.mark.django_db
def test_a_good_file_imports_once_and_again_changes_nothing(reference: Any) -> None:
    rows = read_rows("a.csv", agreements_csv(GOOD, ["ag-2", "Second", "mou", "KE, KZ", "", "", "", "", ""]))
    first = run_import("agreements", rows, actor=None)
    assert (first.created, first.updated, first.errors) == (2, 0, [])
    agreement = Agreement.objects.get(external_id="ag-1")
    assert sorted(agreement.fields.values_list("code", flat=True)) == ["3.2", "4.1"]
    again = run_import("agreements", rows, actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.django_db
def test_a_dry_run_saves_nothing(reference: Any) -> None:
    report = run_import("agreements", read_rows("a.csv", agreements_csv(GOOD)), actor=None, dry_run=True)
    assert report.ok and report.created == 1 and not Agreement.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["ag-2", "A", "intergovernmental", "CN, XX", "", "", "", "", ""], "countries", "Unknown country code: XX."),
        (
            ["ag-2", "A", "intergovernmental", "CN, KE", "", "2018-13-01", "", "", ""],
            "signed_on",
            "Enter the date as YYYY-MM-DD, for example 2023-03-15.",
        ),
        (
            ["ag-2", "A", "intergovernmental", "CN, KE", "", "2018-01-01", "2017-01-01", "", ""],
            "in_force_from",
            "This date is before",
        ),
        (
            ["ag-2", "A", "intergovernmental", "CN", "No Such University", "", "", "", ""],
            "partners",
            "No organisation is called",
        ),
        (["ag-2", "A", "treaty", "CN, KE", "", "", "", "", ""], "kind", "Select a valid choice."),
        (["", "A", "mou", "CN, KE", "", "", "", "", ""], "external_id", "Every row needs an external id."),
    ],
)
def test_each_bad_row_is_reported_with_row_column_and_reason_and_nothing_is_saved(
    reference: Any, row: list[str], column: str, reason: str
) -> None:
    report = run_import("agreements", read_rows("a.csv", agreements_csv(GOOD[:], row)), actor=None)
    assert not report.ok
    assert any(r == 3 and c == column and reason in m for r, c, m in report.errors), report.errors
    assert not Agreement.objects.exists()  # the good first row was not saved either


@pytest.mark.django_db
def test_duplicate_external_ids_and_missing_columns_are_refused(reference: Any) -> None:
    report = run_import("agreements", read_rows("a.csv", agreements_csv(GOOD, GOOD)), actor=None)
    assert (3, "external_id", "The same external id is on row 2.") in report.errors
    missing = run_import("agreements", read_rows("a.csv", agreements_csv(["x"], header=["title"])), actor=None)
    assert missing.errors and "external_id" in missing.errors[0][1]


@translation.override("en")
def test_a_file_in_another_encoding_or_too_large_is_refused() -> None:
    with pytest.raises(ImportFailure, match="not UTF-8"):
        read_rows("a.csv", "external_id,name\nag-1,Coopération".encode("latin-1"))
    with pytest.raises(ImportFailure, match="larger than 5 MB"):
        read_rows("a.csv", b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ImportFailure, match="readable Excel"):
        read_rows("a.xlsx", b"not a workbook")


@pytest.mark.django_db
def test_excel_files_import_like_csv(reference: Any, org: Any) -> None:
    book = Workbook()
    book.active.append(["external_id", "name", "established_on", "partners", "fields"])
    book.active.append(["lab-1", "Soil Lab", "2020-01-01", f"{org.name} | host", "4.1"])
    buffer = io.BytesIO()
    book.save(buffer)
    report = run_import("labs", read_rows("labs.xlsx", buffer.getvalue()), actor=None)
    assert report.ok and report.created == 1
    lab = JointLab.objects.get(external_id="lab-1")
    assert lab.partners.get().organisation == org and lab.partners.get().role == "host"


@pytest.fixture
def named(reference: Any) -> dict[str, Any]:
    return {
        "cau": OrganisationFactory(
            name="China Agricultural University", acronyms=["CAU"], country_id="CN", city="Beijing"
        ),
        "nairobi": OrganisationFactory(name="University of Nairobi", country_id="KE", city="Nairobi"),
        "lagos1": OrganisationFactory(name="Institute of Tropical Soils", country_id="NG", city="Lagos"),
        "lagos2": OrganisationFactory(name="Institute of Tropical Soils", country_id="NG", city="Ibadan"),
    }


def projects_csv(*partners: str) -> list[dict[str, str]]:
    return [{"external_id": f"p-{i}", "name": f"Project {i}", "partners": p} for i, p in enumerate(partners)]


@pytest.mark.django_db
@translation.override("en")
def test_free_text_partners_are_resolved_by_the_matcher_and_reported(named: dict[str, Any]) -> None:
    rows = projects_csv(
        "CAU | coordinator; Dept. of Soil Science, Univ. of Nairobi, Kenya",
        "China Agricultural University; College of Agronomy, China Agricultural Univ., Beijing",
    )
    dry = run_import("projects", rows, actor=None, dry_run=True)
    assert dry.ok and dry.created == 2 and not Project.objects.exists()
    assert dry.organisations == [("named exactly (name, acronym or ROR id)", 2), ("found by the matcher", 2)]
    assert [(typed, org, reason) for typed, org, reason in dry.matched] == [
        (
            "Dept. of Soil Science, Univ. of Nairobi, Kenya",
            named["nairobi"],
            "its name; the country agrees",  # Nairobi is part of the name, not a city named apart
        ),
        (
            "College of Agronomy, China Agricultural Univ., Beijing",
            named["cau"],
            "its name; the city agrees",  # "China" is part of the name here, not a place named
        ),
    ]
    report = run_import("projects", rows, actor=None)
    assert report.ok and report.created == 2
    first = Project.objects.get(external_id="p-0")
    assert {(p.organisation, p.role) for p in first.partners.all()} == {
        (named["cau"], "coordinator"), (named["nairobi"], "partner")
    }  # fmt: skip
    assert {p.organisation for p in Project.objects.get(external_id="p-1").partners.all()} == {named["cau"]}


@pytest.mark.django_db
@translation.override("en")
def test_an_ambiguous_or_unknown_partner_fails_the_import_and_says_which_fit(named: dict[str, Any]) -> None:
    rows = projects_csv("University of Nairobi", "Institute of Tropical Soils", "Institute of Quantum Gardening")
    report = run_import("projects", rows, actor=None)
    assert not Project.objects.exists()
    assert report.organisations == [
        ("named exactly (name, acronym or ROR id)", 1), ("ambiguous", 1), ("not in the registry", 1)
    ]  # fmt: skip
    errors = {row: reason for row, column, reason in report.errors if column == "partners"}
    assert errors[3] == "Several organisations match “Institute of Tropical Soils”: give its ROR id."
    assert errors[4] == "No organisation is called “Institute of Quantum Gardening”."


@pytest.mark.django_db
def test_the_edit_form_still_asks_before_it_takes_the_matchers_suggestion(named: dict[str, Any]) -> None:
    form = ProjectForm({"name": "P", "partners_text": "Univ. of Nairobi, Kenya"})
    assert not form.is_valid()
    assert "Did you mean “University of Nairobi”" in str(form.errors["partners_text"])


@pytest.mark.django_db
def test_the_import_command_lists_what_the_matcher_found(named: dict[str, Any], tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "projects.csv"
    path.write_text('external_id,name,partners\np-1,Soil,"Dept. of Soil Science, Univ. of Nairobi, Kenya"\n')
    call_command("import", "projects", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "Partner organisations: found by the matcher 1" in out
    assert "matched “Dept. of Soil Science, Univ. of Nairobi, Kenya” -> University of Nairobi" in out


@pytest.mark.django_db
def test_import_page_is_for_moderators_and_staff(roles: dict[str, Any]) -> None:
    upload = SimpleUploadedFile("a.csv", agreements_csv(GOOD), content_type="text/csv")
    assert client_for(roles["editor"]).get("/en/cooperation/import/").status_code == 403
    page = client_for(roles["moderator"]).post(
        "/en/cooperation/import/", {"kind": "agreements", "file": upload, "dry_run": "on"}
    )
    assert "Dry run: 1 record would be created" in page.content.decode()
    assert not Agreement.objects.exists()
    template = client_for(None).get("/en/cooperation/import/agreements-template.csv")
    assert template.content.decode().startswith("name,external_id,kind,countries,partners,summary")


@pytest.mark.django_db
def test_outputs_import_against_the_records_external_ids(reference: Any, org: Any) -> None:
    JointLab.objects.create(external_id="lab-1", names={"en": "Soil Lab"})
    rows = [
        {
            "external_id": "out-1",
            "record": "lab-1",
            "kind": "publication",
            "year": "2022",
            "count": "3",
            "identifier": "",
        },
        {
            "external_id": "out-2",
            "record": "lab-9",
            "kind": "patent",
            "year": "2022",
            "count": "1",
            "identifier": "CN1",
        },
    ]
    report = run_import("outputs", rows, actor=None)
    assert report.errors == [(3, "record", "No laboratory, centre or project has the external id “lab-9”.")]
    report = run_import("outputs", rows[:1], actor=None)
    assert report.ok and JointLab.objects.get(external_id="lab-1").outputs.get().count == 3
    assert run_import("outputs", rows[:1], actor=None).unchanged == 1


@pytest.mark.django_db
def test_the_import_page_lists_the_names_the_matcher_resolved(roles: dict[str, Any], named: dict[str, Any]) -> None:
    content = b'external_id,name,partners\np-1,Soil,"Dept. of Soil Science, Univ. of Nairobi, Kenya"\n'
    upload = SimpleUploadedFile("p.csv", content, content_type="text/csv")
    page = client_for(roles["moderator"]).post(
        "/en/cooperation/import/", {"kind": "projects", "file": upload, "dry_run": "on"}
    )
    html = page.content.decode()
    assert "Partner organisations named in the file: found by the matcher 1" in html
    assert "Names the matcher resolved: check them before you import without a dry run" in html
    assert f'<a href="{named["nairobi"].get_absolute_url()}">University of Nairobi</a>' in html
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_a_file_of_the_wrong_kind_is_refused_with_a_clear_error(reference: Any) -> None:
    from silkbridge.cooperation.importing import run_import

    rows = [dict(zip(HEADER, GOOD, strict=True))]
    report = run_import("labs", rows, actor=None, dry_run=True)
    assert report.created == 0 and report.errors
    assert "Is it a file of agreements?" in report.errors[0][2] and "countries" in report.errors[0][2]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["agreements", "labs", "centres", "projects", "outputs"])
def test_every_template_has_an_example_row_and_allowed_values(roles: dict[str, Any], kind: str) -> None:
    from silkbridge.cooperation.importing import columns, template_rows

    header, example = template_rows(kind)
    assert example[header.index("external_id")] and len(header) == len(example)
    docs = " ".join(help_text for _c, _l, help_text in columns(kind))
    assert "YYYY-MM-DD" in docs or kind == "outputs"
    if kind == "agreements":
        assert "One of: intergovernmental, mou, institutional." in docs
    page = client_for(roles["moderator"]).get(f"/en/cooperation/import/{kind}-template.csv")
    lines = page.content.decode().splitlines()
    assert len(lines) == 2 and example[header.index("external_id")] in lines[1]

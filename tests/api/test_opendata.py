import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from silkbridge.api.opendata import export, neutralise
from silkbridge.cooperation.models import JointLab, Partnership
from silkbridge.registry.models import Expert
from tests.factories import OrganisationFactory


def test_formulas_are_neutralised_in_csv_cells() -> None:
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)" and neutralise("+1") == "'+1" and neutralise("@x") == "'@x"
    assert neutralise("-2") == "'-2" and neutralise("Nairobi") == "Nairobi" and neutralise(None) == ""
    assert neutralise(["a", "b"]) == '["a", "b"]'
    assert neutralise(-2) == "-2"  # numbers stay numbers


@pytest.mark.django_db
def test_export_writes_every_public_table_and_no_private_data(reference: Any, tmp_path: Path) -> None:
    OrganisationFactory(name="=cmd|' /C calc'!A0", contact_email="secret@private.example")
    Expert.objects.create(name="Public Person", visibility="public", email="p@private.example", phone="+1 555")
    Expert.objects.create(name="Hidden Person", visibility="hidden")
    counts = export(tmp_path)
    assert counts["countries"] == 249 and counts["experts"] == 1
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir() if p.suffix != ".xlsx")
    everything += "".join(str(v) for t in counts for row in _workbook_rows(tmp_path / f"{t}.xlsx") for v in row)
    for secret in ("private.example", "+1 555", "Hidden Person"):
        assert secret not in everything
    assert "'=cmd" in (tmp_path / "organisations.csv").read_text(encoding="utf-8")
    first = json.loads((tmp_path / "organisations.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["name"].startswith("=cmd")  # JSON keeps the value; only CSV cells are neutralised


@pytest.mark.django_db
def test_downloads_page_streams_the_same_tables(reference: Any, client: Any) -> None:
    assert "organisations" in client.get("/en/open-data/").content.decode()
    response = client.get("/en/open-data/countries.csv")
    body = b"".join(response.streaming_content).decode()
    assert body.startswith("code,alpha3") and body.count("\n") == 250
    assert client.get("/en/open-data/secrets.csv").status_code == 404


def _workbook_rows(path: Path) -> list[list[Any]]:
    return [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]


@pytest.mark.django_db
def test_the_exported_bundle_is_a_valid_frictionless_data_package(reference: Any, tmp_path: Path) -> None:
    from frictionless import Package, validate

    org = OrganisationFactory(name="Kenya Soil Institute", country_id="KE", aliases=["KSI"], names={"sw": "Taasisi"})
    lab = JointLab.objects.create(names={"en": "Soil lab"}, established_on=date(2020, 5, 1))
    Partnership.objects.create(organisation=org, lab=lab)
    Expert.objects.create(name="Public Person", visibility="public", keywords=["soil"])
    export(tmp_path)
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    package = Package(tmp_path / "datapackage.json")
    assert {r.name for r in package.resources} >= {"countries", "organisations", "labs", "partnerships"}
    organisations = package.get_resource("organisations")
    assert {lic["name"] for lic in organisations.licenses} == {"CC0-1.0", "CC-BY-4.0"}
    assert organisations.schema.get_field("aliases").type == "array"
    assert organisations.schema.foreign_keys[0]["reference"]["resource"] == "countries"
    rows = package.get_resource("labs").read_rows()
    assert rows[0]["established_on"] == date(2020, 5, 1) and rows[0]["names"] == {"en": "Soil lab"}


@pytest.mark.django_db
def test_a_broken_reference_fails_the_package_validation(reference: Any, tmp_path: Path) -> None:
    from frictionless import validate

    OrganisationFactory(country_id="KE")
    export(tmp_path)
    csv = tmp_path / "organisations.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace(",KE,", ",QQ,"), encoding="utf-8")
    assert not validate(tmp_path / "datapackage.json").valid


@pytest.mark.django_db
def test_the_dcat_catalogue_lists_every_table_with_its_three_distributions(reference: Any, tmp_path: Path) -> None:
    export(tmp_path)
    catalogue = json.loads((tmp_path / "catalog.jsonld").read_text(encoding="utf-8"))
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert catalogue["@type"] == "dcat:Catalog" and catalogue["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    datasets = {d["dct:identifier"]: d for d in catalogue["dcat:dataset"]}
    assert {r["path"].removesuffix(".csv") for r in package["resources"]} == set(datasets)
    for name, dataset in datasets.items():
        files = {d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]}
        assert files == {f"{name}.csv", f"{name}.jsonl", f"{name}.xlsx"}
        assert all((tmp_path / f).exists() for f in files)


@pytest.mark.django_db
def test_xlsx_keeps_types_and_never_holds_a_formula(reference: Any, tmp_path: Path) -> None:
    OrganisationFactory(name="=cmd|' /C calc'!A0", established=1950, aliases=["A", "B"])
    export(tmp_path)
    header, row = _workbook_rows(tmp_path / "organisations.xlsx")
    values = dict(zip(header, row, strict=True))
    assert values["name"] == "=cmd|' /C calc'!A0" and values["established"] == 1950
    assert values["aliases"] == '["A", "B"]'
    cell = load_workbook(tmp_path / "organisations.xlsx").active["D2"]
    assert cell.data_type == "s"


@pytest.mark.django_db
def test_the_site_serves_xlsx_and_both_descriptions_with_absolute_links(reference: Any, client: Any) -> None:
    response = client.get("/en/open-data/countries.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    package = client.get("/fr/open-data/datapackage.json").json()
    assert package["resources"][0]["path"] == "http://testserver/fr/open-data/countries.csv"
    catalogue = client.get("/en/open-data/catalog.jsonld")
    assert catalogue["Content-Type"] == "application/ld+json"
    html = client.get("/en/open-data/").content.decode()
    assert 'href="/en/open-data/datapackage.json"' in html and 'href="/en/open-data/countries.xlsx"' in html


@pytest.mark.django_db
def test_past_conferences_join_the_bundle_as_aggregates_without_personal_data(reference: Any, tmp_path: Path) -> None:
    """An ended public event and its report's figures; nobody's name, e-mail, organisation
    or badge; neither a running event nor an unlisted one."""
    from frictionless import Package, validate

    from silkbridge.events import domain
    from silkbridge.events.models import Event, Registration
    from tests.events.conftest import accepted, make_event, participant
    from tests.factories import UserFactory

    organiser = UserFactory(is_event_organiser=True)
    past = make_event(organiser, slug="past", starts_on=date(2020, 5, 1), ends_on=date(2020, 5, 2))
    ana, bo = participant(past, "Ana"), participant(past, "Bo")
    Registration.objects.filter(pk=ana.pk).update(country="KE")
    domain.check_in(event=past, code=ana.badge_secret, actor=organiser)
    domain.place_meeting(accepted(ana, bo), slot=past.slots.first(), table=past.tables.first(), actor=None)
    domain.publish_schedule(past, actor=None)
    make_event(organiser, slug="unlisted", starts_on=date(2020, 5, 1), ends_on=date(2020, 5, 2), is_public=False)
    running = make_event(organiser, slug="running", starts_on=date(2020, 5, 1), ends_on=date(2999, 5, 2))
    participant(running, "Chen")
    counts = export(tmp_path)
    assert counts["events"] == 1
    figures = [json.loads(line) for line in (tmp_path / "event_figures.jsonl").read_text(encoding="utf-8").splitlines()]
    value = {(f["figure"], f["code"]): f["value"] for f in figures}
    assert {f["event_id"] for f in figures} == {past.pk}
    assert value[("category", "official")] == 2 and value[("country", "KE")] == 1
    assert value[("attendance", "checked_in")] == 1
    assert value[("meetings", "requested")] == 1 and value[("meetings", "scheduled")] == 1
    assert value[("meetings", "held")] == 0 and value[("outcomes", "agreement")] == 0
    bundle = "".join((tmp_path / f"{t}.{x}").read_text(encoding="utf-8") for t in ("events", "event_figures")
                     for x in ("csv", "jsonl"))  # fmt: skip
    for private in ("Ana", "Bo", "Chen", "Institute", ana.badge_secret, ana.user.email, "running", "unlisted"):
        assert private not in bundle
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    resource = Package(tmp_path / "datapackage.json").get_resource("event-figures")
    assert resource.schema.primary_key == ["event_id", "figure", "code"]
    assert resource.schema.foreign_keys[0]["reference"]["resource"] == "events"
    assert Event.objects.count() == 3

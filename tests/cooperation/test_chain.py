"""The chain agreement -> lab or centre -> project -> output on every page, outputs added on
the page, identifiers linked, and statuses on any day ("as of") on lists and records."""

from datetime import date
from typing import Any

import pytest

from silkbridge.cooperation.domain import publish_record
from silkbridge.cooperation.models import Agreement, DemonstrationCentre, JointLab, Output, Partnership, Project
from silkbridge.cooperation.templatetags.cooperation import identifier_url
from silkbridge.core.models import AuditEntry
from tests.conftest import client_for


@pytest.fixture
def chain(org: Any) -> dict[str, Any]:
    agreement = Agreement.objects.create(titles={"en": "China-Kenya S&T Agreement"}, kind="intergovernmental",
                                         signed_on=date(2014, 1, 10), in_force_from=date(2014, 3, 1))  # fmt: skip
    lab = JointLab.objects.create(names={"en": "Crop Lab"}, agreement=agreement, established_on=date(2015, 5, 1),
                                  closed_on=date(2022, 12, 31))  # fmt: skip
    centre = DemonstrationCentre.objects.create(names={"en": "Drip Centre"}, agreement=agreement,
                                                host_country_id="KE", technologies="Drip irrigation kits")  # fmt: skip
    project = Project.objects.create(title="Drought-tolerant maize", agreement=agreement, lab=lab,
                                     start_on=date(2016, 1, 1))  # fmt: skip
    for record in (lab, centre, project):
        Partnership.objects.create(organisation=org, **{record.partnership_field: record})
    output = Output.objects.create(project=project, kind="publication", year=2018, identifier="10.1000/xyz.123")
    return {"agreement": agreement, "lab": lab, "centre": centre, "project": project, "output": output}


@pytest.mark.django_db
def test_an_anonymous_visitor_follows_the_chain_both_ways(client: Any, chain: dict[str, Any]) -> None:
    agreement = client.get(chain["agreement"].get_absolute_url()).content.decode()
    for name in ("Crop Lab", "Drip Centre", "Drought-tolerant maize"):
        assert name in agreement
    lab = client.get(chain["lab"].get_absolute_url()).content.decode()
    assert "China-Kenya S&amp;T Agreement" in lab and "Drought-tolerant maize" in lab and "Established on" in lab
    project = client.get(chain["project"].get_absolute_url()).content.decode()
    assert "Crop Lab" in project and "China-Kenya S&amp;T Agreement" in project
    assert 'href="https://doi.org/10.1000/xyz.123"' in project
    centre = client.get(chain["centre"].get_absolute_url()).content.decode()
    assert "Drip irrigation kits" in centre and "China-Kenya S&amp;T Agreement" in centre and "Opened on" in centre


@pytest.mark.django_db
def test_organisation_and_country_pages_show_their_part_of_the_chain(
    client: Any, org: Any, chain: dict[str, Any]
) -> None:
    for url in (f"/en/organisations/{org.pk}/", "/en/countries/KE/"):
        page = client.get(url).content.decode()
        assert "Crop Lab" in page and "Drought-tolerant maize" in page and "China-Kenya S&amp;T Agreement" in page


@pytest.mark.django_db
def test_organisation_and_country_pages_show_statuses_on_a_date(client: Any, org: Any, chain: dict[str, Any]) -> None:
    for url in (f"/en/organisations/{org.pk}/", "/en/countries/KE/"):
        assert "Crop Lab</a> — Ended" in client.get(url).content.decode()
        assert "Crop Lab</a> — Active" in client.get(url, {"as_of": "2020-01-01"}).content.decode()
        assert 'name="as_of"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_an_unpublished_agreement_is_left_out_of_the_chain(client: Any, chain: dict[str, Any]) -> None:
    Agreement.all_records.filter(pk=chain["agreement"].pk).update(is_published=False)
    assert "China-Kenya" not in client.get(chain["lab"].get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_lab_shows_its_status_on_a_past_date(client: Any, chain: dict[str, Any]) -> None:
    url = chain["lab"].get_absolute_url()
    assert "<strong>Ended</strong>" in client.get(url).content.decode()
    assert "<strong>Active</strong>" in client.get(url, {"as_of": "2020-06-01"}).content.decode()
    assert "<strong>Not yet started</strong>" in client.get(url, {"as_of": "2015-04-30"}).content.decode()
    assert 'type="date"' in client.get(url).content.decode()
    agreement = client.get(chain["agreement"].get_absolute_url(), {"as_of": "2014-02-01"}).content.decode()
    assert "<strong>Signed</strong>" in agreement


@pytest.mark.django_db
def test_lists_filter_by_status_on_a_date(client: Any, chain: dict[str, Any]) -> None:
    active_2020 = client.get("/en/cooperation/labs/", {"as_of": "2020-06-01", "status": "active"}).content.decode()
    assert "Crop Lab" in active_2020
    assert "Crop Lab" not in client.get("/en/cooperation/labs/", {"status": "active"}).content.decode()
    assert "Crop Lab" in client.get("/en/cooperation/labs/", {"status": "ended"}).content.decode()
    signed = client.get("/en/cooperation/agreements/", {"as_of": "2014-02-01", "status": "signed"}).content.decode()
    assert "China-Kenya" in signed
    in_force = client.get("/en/cooperation/agreements/", {"as_of": "2014-02-01", "status": "in_force"})
    assert "China-Kenya" not in in_force.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_a_list_with_a_date_has_constant_queries(
    org: Any, client: Any, django_assert_num_queries: Any, count: int
) -> None:
    for n in range(count):
        lab = JointLab.objects.create(names={"en": f"Lab {n}"}, established_on=date(2015, 1, 1))
        Partnership.objects.create(organisation=org, lab=lab)
    with django_assert_num_queries(7):
        response = client.get("/en/cooperation/labs/", {"as_of": "2020-01-01", "status": "active"})
    assert all(f"Lab {n}</a>" in response.content.decode() for n in range(count))


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), [("anonymous", False), ("member", False), ("other_editor", False),
                                               ("editor", True), ("moderator", True)])  # fmt: skip
def test_outputs_are_added_and_edited_on_the_page(
    roles: dict[str, Any], chain: dict[str, Any], role: str, allowed: bool
) -> None:
    project = chain["project"]
    client = client_for(roles[role])
    data = {"kind": "dataset", "year": "2021", "count": "1", "identifier": "https://data.example.org/maize"}
    response = client.post(f"/en/cooperation/projects/{project.pk}/outputs/new/", data)
    assert project.outputs.filter(kind="dataset").exists() is allowed
    output = chain["output"]
    client.post(f"/en/cooperation/projects/{project.pk}/outputs/{output.pk}/",
                {"kind": "publication", "year": "2019", "count": "2", "identifier": "doi:10.1000/abc"})  # fmt: skip
    output.refresh_from_db()
    submitted = output.pending is not None and output.pending["data"]["year"] == 2019
    assert (output.year == 2019 or submitted) is allowed
    if role == "editor":  # an editor submits; the public sees it once a moderator publishes
        assert output.year == 2018 and output.review_status == "submitted"
        assert (
            'href="https://data.example.org/maize"'
            not in client_for(None).get(project.get_absolute_url()).content.decode()
        )
        for each in project.outputs.all():
            publish_record(each, actor=roles["moderator"])
    if allowed:
        assert response.status_code == 302 and AuditEntry.objects.filter(action__in=["create", "submit"]).exists()
        page = client_for(None).get(project.get_absolute_url()).content.decode()
        assert 'href="https://data.example.org/maize"' in page and 'href="https://doi.org/10.1000/abc"' in page
    else:
        assert response.status_code in (302, 403) and (roles[role] is None or response.status_code == 403)


def test_identifiers_link_to_doi_or_their_own_address() -> None:
    assert identifier_url("10.1016/j.agwat.2020.106") == "https://doi.org/10.1016/j.agwat.2020.106"
    assert identifier_url("https://doi.org/10.1/x") == "https://doi.org/10.1/x"
    assert identifier_url("CN112345678A") == ""
    assert identifier_url("javascript:alert(1)") == ""

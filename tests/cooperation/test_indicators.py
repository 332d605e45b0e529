from datetime import date
from typing import Any

import pytest

from silkbridge.cooperation.models import CentreYear, DemonstrationCentre, JointLab, Partnership, Project
from silkbridge.indicators.queries import INDICATORS, compute, gap_analysis
from tests.cooperation.test_as_of import agreement
from tests.factories import OrganisationFactory

D = date.fromisoformat


@pytest.fixture
def registry(reference: Any) -> dict[str, Any]:
    """Kenya and China agree on agriculture (4) and health (3); a Kenyan-Chinese lab works
    on agriculture from 2020; a Kenyan centre trains people; a project runs in 2021."""
    a = agreement(
        countries=("CN", "KE"), signed_on=D("2018-06-01"), in_force_from=D("2019-01-01"), expires_on=D("2024-12-31")
    )
    a.fields.set(["4.1", "3.2"])
    kenyan, chinese = OrganisationFactory(country_id="KE"), OrganisationFactory(country_id="CN")
    lab = JointLab.objects.create(names={"en": "Sino-Kenyan Crop Lab"}, established_on=D("2020-01-01"))
    lab.fields.set(["4.1"])
    Partnership.objects.create(lab=lab, organisation=kenyan, role="host")
    Partnership.objects.create(lab=lab, organisation=chinese)
    centre = DemonstrationCentre.objects.create(names={"en": "Centre"}, host_country_id="KE", opened_on=D("2018-01-01"))
    CentreYear.objects.create(centre=centre, year=2020, people_trained=120)
    CentreYear.objects.create(centre=centre, year=2021, people_trained=80)
    project = Project.objects.create(title="Maize", start_on=D("2021-01-01"), end_on=D("2021-12-31"))
    Partnership.objects.create(project=project, organisation=chinese)
    return {"lab": lab}


@pytest.mark.django_db
def test_figures_have_known_answers(registry: Any) -> None:
    def values(name: str, day: str) -> dict[str, int]:
        return {r.key: r.value for r in compute(name, D(day)).rows}

    assert values("partner-countries", "2018-12-31") == {}
    assert values("partner-countries", "2019-01-01") == {"CN": 1, "KE": 1}
    assert values("agreements-in-force", "2024-12-31")["intergovernmental"] == 1
    assert values("agreements-in-force", "2025-01-01")["intergovernmental"] == 0
    assert values("labs-by-field", "2020-01-01")["4"] == 1 and values("labs-by-field", "2019-12-31")["4"] == 0
    assert values("labs-by-country", "2020-06-01") == {"CN": 1, "KE": 1}
    assert values("centres-by-country", "2018-01-01") == {"KE": 1}
    assert values("people-trained", "2021-06-30") == {"KE": 120}  # the last complete year: 2020
    assert values("people-trained", "2022-01-01") == {"KE": 80}
    assert values("projects-by-country", "2021-12-31") == {"CN": 1}
    assert values("projects-by-country", "2022-01-01") == {}
    assert values("new-projects", "2022-01-01") == {"2021": 1}


@pytest.mark.django_db
def test_gap_analysis_finds_fields_agreed_without_activity(registry: Any) -> None:
    matrix = gap_analysis(D("2021-06-01"))
    fields = [code for code, _name in matrix.fields]
    cells = {code: dict(zip(fields, row, strict=True)) for code, _name, row in matrix.rows}
    assert cells["KE"]["4"] == "covered" and cells["CN"]["4"] == "covered"  # the lab
    assert cells["KE"]["3"] == "gap" and cells["CN"]["3"] == "gap"  # health: agreed, nothing active
    assert cells["KE"]["1"] == ""  # not in the agreement
    assert matrix.gap_count == 2
    before_lab = gap_analysis(D("2019-06-01"))
    assert before_lab.gap_count == 4


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(INDICATORS))
def test_every_indicator_has_a_page_a_csv_and_an_api_answer(registry: Any, client: Any, name: str) -> None:
    page = client.get(f"/fr/indicators/{name}/", {"as_of": "2021-06-01"})
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "Méthode" in html
    if INDICATORS[name].by_country:
        assert 'class="shade' in html
    csv = client.get(f"/en/indicators/{name}/", {"as_of": "2021-06-01", "format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and csv.content.decode().startswith("as_of,key,label,value")
    body = client.get(f"/api/v1/indicators/{name}", {"as_of": "2021-06-01"}).json()
    assert body["name"] == name and body["as_of"] == "2021-06-01"
    assert body["total"] == compute(name, D("2021-06-01")).total


@pytest.mark.django_db
def test_partner_country_map_shades_the_countries_counted(registry: Any, client: Any) -> None:
    html = client.get("/en/indicators/partner-countries/", {"as_of": "2020-01-01"}).content.decode()
    assert "<title>Kenya: 1</title>" in html and "<title>China: 1</title>" in html


@pytest.mark.django_db
def test_gap_page_and_csv(registry: Any, client: Any) -> None:
    html = client.get("/en/indicators/gaps/", {"as_of": "2021-06-01"}).content.decode()
    assert 'class="gap"' in html and 'class="covered"' in html
    rows = client.get("/en/indicators/gaps/", {"as_of": "2021-06-01", "format": "csv"}).content.decode().splitlines()
    assert rows[0] == "as_of,country,1,2,3,4,5,6" and len(rows) == 3
    api = client.get("/api/v1/indicators/gaps", {"as_of": "2021-06-01"}).json()
    assert api["gap_count"] == 2


@pytest.mark.django_db
def test_a_bad_date_is_reported_and_today_is_used(registry: Any, client: Any) -> None:
    response = client.get("/en/indicators/partner-countries/", {"as_of": "yesterday"})
    assert response.status_code == 400
    assert "Enter the date as YYYY-MM-DD, for example 2023-03-15." in response.content.decode()
    assert client.get("/en/indicators/unknown/").status_code == 404


@pytest.mark.django_db
def test_totals_count_each_record_once(registry: Any) -> None:
    # the lab has partners in two countries: two rows, one lab
    figure = compute("labs-by-country", D("2020-06-01"))
    assert [r.value for r in figure.rows] == [1, 1] and figure.total == 1
    assert compute("new-labs", D("2021-01-01")).total == 1 and compute("new-centres", D("2021-01-01")).total == 1

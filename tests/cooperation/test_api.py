from datetime import date
from typing import Any

import pytest

from tests.cooperation.test_as_of import agreement


@pytest.mark.django_db
def test_partner_countries_indicator_answers_for_any_date(reference: Any, client: Any) -> None:
    agreement(countries=("CN", "KE"), in_force_from=date(2018, 1, 1), expires_on=date(2023, 6, 30))
    body = client.get("/api/v1/indicators/partner-countries", {"as_of": "2023-06-30"}).json()
    assert (
        body["total"] == 2 and sorted(r["key"] for r in body["rows"]) == ["CN", "KE"] and body["as_of"] == "2023-06-30"
    )
    assert "intergovernmental" in body["method"]
    assert client.get("/api/v1/indicators/partner-countries", {"as_of": "2023-07-01"}).json()["total"] == 0


@pytest.mark.django_db
def test_agreements_endpoint_filters_and_derives_status(reference: Any, client: Any) -> None:
    a = agreement(countries=("CN", "KE"), signed_on=date(2017, 5, 1), in_force_from=date(2018, 1, 1))
    agreement(countries=("CN", "KZ"), kind="mou", in_force_from=date(2019, 1, 1))
    body = client.get("/api/v1/agreements", {"as_of": "2017-06-01", "country": "ke"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == a.pk and item["status"] == "signed"
    assert {p["country"] for p in item["parties"]} == {"CN", "KE"}
    in_force = client.get("/api/v1/agreements", {"as_of": "2019-06-01", "status": "in_force"}).json()
    assert in_force["count"] == 2
    assert client.get("/api/v1/agreements", {"kind": "mou"}).json()["count"] == 1


@pytest.mark.django_db
def test_a_bad_date_is_a_clear_error(reference: Any, client: Any) -> None:
    response = client.get("/api/v1/indicators/partner-countries", {"as_of": "30/06/2023"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid" and response.json()["details"][0]["loc"][-1] == "as_of"


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_agreement_list_has_constant_queries(
    reference: Any, client: Any, django_assert_num_queries: Any, count: int
) -> None:
    for _n in range(count):
        agreement(in_force_from=date(2018, 1, 1))
    with django_assert_num_queries(6):  # ids, rows, parties (+countries, organisations), fields, count
        response = client.get("/api/v1/agreements")
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.django_db
def test_agreements_endpoint_searches_text_and_fields(reference: Any, client: Any) -> None:
    a = agreement(countries=("CN", "KE"), in_force_from=date(2018, 1, 1))
    a.fields.set(["4.1"])
    a.refresh_search_text()
    a.save()
    agreement(countries=("CN", "KZ"), in_force_from=date(2018, 1, 1))
    assert [i["id"] for i in client.get("/api/v1/agreements", {"field": "4"}).json()["items"]] == [a.pk]
    assert client.get("/api/v1/agreements", {"q": "cooperation agreement"}).json()["count"] == 1


@pytest.mark.django_db
def test_with_a_host_country_partner_countries_are_the_other_parties_of_its_agreements(
    reference: Any, client: Any, settings: Any
) -> None:
    agreement(countries=("CN", "KE"), in_force_from=date(2018, 1, 1))
    agreement(countries=("KZ", "FR"), in_force_from=date(2018, 1, 1))
    assert client.get("/api/v1/indicators/partner-countries").json()["total"] == 4
    settings.SILKBRIDGE_HOST_COUNTRY = "CN"
    body = client.get("/api/v1/indicators/partner-countries").json()
    assert [r["key"] for r in body["rows"]] == ["KE"] and "other than China" in body["method"]

import json
from typing import Any

import pytest

from silkbridge.api.openapi import COMMITTED, current_schema
from silkbridge.registry.models import Country
from tests.factories import OrganisationFactory


def test_committed_openapi_document_matches_the_code() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == current_schema(), "run `make openapi` and commit openapi.json"


@pytest.mark.django_db
def test_openapi_document_is_served(client: Any) -> None:
    body = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/organisations" in body["paths"]


@pytest.mark.django_db
def test_countries_endpoint_pages_and_filters_partners(reference: Any, client: Any) -> None:
    Country.objects.filter(code__in=["KE", "KZ"]).update(is_partner=True)
    body = client.get("/api/v1/countries", {"partner": "true"}).json()
    assert body["count"] == 2 and [c["code"] for c in body["items"]] == ["KE", "KZ"]
    first, last = (client.get("/api/v1/countries", {"page": n}).json() for n in (1, 5))
    assert first["count"] == 249 and len(first["items"]) == 50 and len(last["items"]) == 49
    assert client.get("/api/v1/countries", {"page": 6}).json()["items"] == []


@pytest.mark.django_db
def test_fields_endpoint_lists_both_levels_with_translated_names(reference: Any, client: Any) -> None:
    fields = {f["code"]: f for f in client.get("/api/v1/fields").json()}
    assert len(fields) == 48 and fields["4.1"]["parent"] == "4"
    assert fields["4.1"]["names"]["zh-hans"] == "农业、林业和渔业"


@pytest.mark.django_db
def test_organisations_endpoint_applies_the_page_filters(reference: Any, client: Any) -> None:
    a = OrganisationFactory(
        name="Almaty Water Institute", country_id="KZ", kind="facility", names={"ru": "Институт воды"}
    )
    OrganisationFactory(name="Almaty Bank", country_id="KZ", kind="company")
    OrganisationFactory(name="Paris Water Institute", country_id="FR", kind="facility")
    body = client.get("/api/v1/organisations", {"q": "water", "country": "kz"}).json()
    assert [o["id"] for o in body["items"]] == [a.pk]
    assert body["items"][0]["type"] == "facility" and body["items"][0]["country"] == "KZ"
    assert client.get("/api/v1/organisations", {"q": "институт"}).json()["count"] == 1
    names = [o["name"] for o in client.get("/api/v1/organisations", {"sort": "-name"}).json()["items"]]
    assert names == sorted(names, reverse=True)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_organisation_list_endpoint_has_constant_queries(
    count: int, reference: Any, client: Any, django_assert_num_queries: Any
) -> None:
    OrganisationFactory.create_batch(count)
    with django_assert_num_queries(3):  # page ids, page rows, count
        response = client.get("/api/v1/organisations")
    assert response.status_code == 200
    assert len(response.json()["items"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_expert_list_endpoint_has_constant_queries(
    count: int, reference: Any, client: Any, django_assert_num_queries: Any
) -> None:
    from silkbridge.registry.models import Expert

    org = OrganisationFactory()
    for n in range(count):
        Expert.objects.create(name=f"E{n}").affiliations.set([org])
    with django_assert_num_queries(5):  # page ids, page rows, affiliations, fields, count
        response = client.get("/api/v1/experts")
    assert response.status_code == 200
    assert len(response.json()["items"]) == count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Not found."), ("fr", "Introuvable."), ("zh-hans", "未找到。"), ("ar", "غير موجود.")],
)
def test_errors_are_json_with_a_code_and_a_translated_message(
    reference: Any, client: Any, language: str, message: str
) -> None:
    response = client.get("/api/v1/organisations/999999", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": message}


@pytest.mark.django_db
def test_invalid_token_is_refused_not_downgraded_to_anonymous(reference: Any, client: Any) -> None:
    response = client.get("/api/v1/organisations", HTTP_AUTHORIZATION="Bearer sb_wrong")
    assert response.status_code == 401 and response.json()["code"] == "unauthorized"


@pytest.mark.django_db
def test_invalid_query_parameter_is_a_422_with_details(reference: Any, client: Any) -> None:
    response = client.get("/api/v1/organisations", {"sort": "shoe-size"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["details"][0]["loc"][-1] == "sort"


@pytest.mark.django_db
def test_invalid_patch_changes_nothing(roles: dict[str, Any], org: Any, client: Any) -> None:
    from tests.registry.test_permissions import api_headers

    response = client.patch(
        f"/api/v1/organisations/{org.pk}", json.dumps({"website": "not a url", "city": "Kisumu"}),
        content_type="application/json", **api_headers(roles["editor"]),
    )  # fmt: skip
    assert response.status_code == 422 and "website" in response.json()["details"]
    org.refresh_from_db()
    assert org.city == "Nairobi"

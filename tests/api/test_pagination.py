"""The one list shape: items, count, next, previous, by page number or by cursor."""

from typing import Any

import pytest

from silkbridge.api.openapi import current_schema
from silkbridge.cooperation.models import Project
from silkbridge.registry.models import Country
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LISTS = ["countries", "organisations", "experts", "agreements", "labs", "centres", "projects"]


def walk(client: Any, url: str, **params: Any) -> tuple[list[Any], int]:
    """Follow `next` from the first page; returns every item and the number of pages."""
    body = client.get(url, params).json()
    items, pages = list(body["items"]), 1
    while body["next"]:
        body = client.get(body["next"]).json()
        items += body["items"]
        pages += 1
    return items, pages


@pytest.mark.parametrize("name", LISTS)
def test_every_list_endpoint_answers_the_one_shape(reference: Any, client: Any, name: str) -> None:
    body = client.get(f"/api/v1/{name}", {"page_size": 1}).json()
    assert set(body) == {"items", "count", "next", "previous"}
    assert body["previous"] is None


def test_the_contract_gives_every_paged_list_next_and_previous() -> None:
    import json

    schemas = json.loads(current_schema())["components"]["schemas"]
    paged = [name for name in schemas if name.startswith("Paged")]
    assert len(paged) >= len(LISTS)
    for name in paged:
        assert set(schemas[name]["required"]) == {"items", "count", "next", "previous"}


def test_page_links_walk_the_list_in_its_order_and_keep_the_filters(reference: Any, client: Any) -> None:
    Country.objects.filter(code__in=["KE", "KZ", "CN", "FR", "BR"]).update(is_partner=True)
    first = client.get("/api/v1/countries", {"partner": "true", "page_size": 2}).json()
    assert first["next"] == "http://testserver/api/v1/countries?partner=true&page_size=2&page=2"
    items, pages = walk(client, "/api/v1/countries", partner="true", page_size=2)
    assert [c["code"] for c in items] == ["BR", "CN", "FR", "KE", "KZ"] and pages == 3
    last = client.get("/api/v1/countries", {"partner": "true", "page_size": 2, "page": 3}).json()
    assert last["next"] is None and last["previous"].endswith("page=2")


def test_cursor_harvests_every_record_once_in_id_order(reference: Any, client: Any) -> None:
    orgs = OrganisationFactory.create_batch(7, country_id="KE")
    OrganisationFactory(country_id="FR")
    items, pages = walk(client, "/api/v1/organisations", cursor="*", page_size=3, country="KE")
    assert [o["id"] for o in items] == [o.pk for o in orgs] and pages == 3
    body = client.get("/api/v1/organisations", {"cursor": "*", "page_size": 3, "country": "KE"}).json()
    assert body["count"] == 7 and body["previous"] is None and "cursor=" in body["next"]


def test_cursor_previous_links_walk_back(reference: Any, client: Any) -> None:
    projects = [Project.objects.create(title=f"P{n}") for n in range(5)]
    first = client.get("/api/v1/projects", {"cursor": "*", "page_size": 2}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert [p["id"] for p in third["items"]] == [projects[4].pk] and third["next"] is None
    back = client.get(third["previous"]).json()
    assert [p["id"] for p in back["items"]] == [p.pk for p in projects[2:4]]
    front = client.get(back["previous"]).json()
    assert [p["id"] for p in front["items"]] == [p.pk for p in projects[:2]] and front["previous"] is None


def test_a_record_added_while_harvesting_does_not_shift_the_pages(reference: Any, client: Any) -> None:
    orgs = OrganisationFactory.create_batch(4, country_id="KE")
    first = client.get("/api/v1/organisations", {"cursor": "*", "page_size": 2, "sort": "-name"}).json()
    OrganisationFactory(country_id="KE", name="AAA first by name")
    second = client.get(first["next"]).json()
    assert [o["id"] for o in first["items"] + second["items"]] == [o.pk for o in orgs]


@pytest.mark.parametrize("cursor", ["nonsense", "eyJ4IjoxfQ", "W10"])
def test_a_malformed_cursor_is_a_translated_422(reference: Any, client: Any, cursor: str) -> None:
    response = client.get("/api/v1/organisations", {"cursor": cursor}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid" and response.json()["message"] != "The request is not valid."


@pytest.mark.parametrize("count", [1, 3])
def test_cursor_pages_cost_a_constant_number_of_queries(
    count: int, reference: Any, client: Any, django_assert_num_queries: Any
) -> None:
    OrganisationFactory.create_batch(count)
    with django_assert_num_queries(3):  # page ids, page rows, count
        body = client.get("/api/v1/organisations", {"cursor": "*"}).json()
    assert len(body["items"]) == count

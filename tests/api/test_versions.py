"""/api/v2/: every list in the one shape, walked to its end; v1 unchanged, its bare arrays
deprecated with a link to their v2 successor; limits, CORS and caching alike in both."""

import json
import math
from typing import Any

import pytest

from silkbridge.api.openapi import current_schema
from silkbridge.indicators.queries import INDICATORS
from silkbridge.registry.models import Field
from tests.api.test_pagination import walk

pytestmark = pytest.mark.django_db

# The lists v1 answers as bare JSON arrays: deprecated there, in the list shape in v2.
SUPERSEDED = {
    "/fields",
    "/indicators",
    "/organisations/{pk}/similar",
    "/organisations/{pk}/partners",
    "/search/exposure",
    "/events/{slug}/sessions",
    "/events/{slug}/my/agenda",
    "/events/{slug}/report",
    "/marketplace/interests",
    "/marketplace/interests/{pk}/messages",
}


def answers(version: str) -> dict[str, dict[str, Any]]:
    """path (without the prefix) -> its GET operation, from the version's contract."""
    paths = json.loads(current_schema(version))["paths"]
    prefix = f"/api/v{version}"
    return {path.removeprefix(prefix): methods["get"] for path, methods in paths.items() if "get" in methods}


def body_schema(operation: dict[str, Any]) -> dict[str, Any]:
    return operation["responses"]["200"]["content"]["application/json"]["schema"]


def test_no_v2_operation_answers_a_bare_array() -> None:
    v2 = answers("2")
    assert set(answers("1")) == set(v2)  # the same operations in both versions
    for path, operation in v2.items():
        if "application/json" in operation["responses"]["200"].get("content", {}):  # not a badge's PDF
            assert body_schema(operation).get("type") != "array", path


def test_v2_lists_have_next_and_previous_in_the_contract() -> None:
    document = json.loads(current_schema("2"))
    schemas = document["components"]["schemas"]
    for path in SUPERSEDED:
        name = body_schema(answers("2")[path])["$ref"].rsplit("/", 1)[-1]
        assert set(schemas[name]["required"]) == {"items", "count", "next", "previous"}, path
    assert "results" not in schemas["SearchPageOut"]["properties"]  # v1's deprecated alias


def test_v1_changes_only_by_marking_the_superseded_lists_deprecated() -> None:
    v1 = answers("1")
    assert {path for path, operation in v1.items() if operation.get("deprecated")} == SUPERSEDED
    for path in SUPERSEDED:
        assert body_schema(v1[path])["type"] == "array"
    assert "results" in json.loads(current_schema("1"))["components"]["schemas"]["SearchOut"]["properties"]


def test_v1_keeps_its_bare_array_and_links_its_successor(reference: Any, client: Any) -> None:
    response = client.get("/api/v1/fields", {"unused": "kept"})
    assert isinstance(response.json(), list) and len(response.json()) == Field.objects.count()
    assert response["Deprecation"].startswith("@") and response["Sunset"].endswith("GMT")
    assert response["Link"] == '<http://testserver/api/v2/fields?unused=kept>; rel="successor-version"'
    for url in ("/api/v1/countries", "/api/v2/fields", "/api/v2/indicators"):
        assert "Deprecation" not in client.get(url)


def test_v2_fields_walk_to_the_end_by_page_and_by_cursor(reference: Any, client: Any) -> None:
    codes = sorted(Field.objects.values_list("pk", flat=True))
    first = client.get("/api/v2/fields", {"page_size": 7}).json()
    assert set(first) == {"items", "count", "next", "previous"} and first["count"] == len(codes)
    assert first["next"] == "http://testserver/api/v2/fields?page_size=7&page=2" and first["previous"] is None
    for params in ({"page_size": 7}, {"page_size": 7, "cursor": "*"}):
        items, pages = walk(client, "/api/v2/fields", **params)
        got = [f["code"] for f in items]
        assert sorted(got) == codes and len(set(got)) == len(got) and pages == math.ceil(len(codes) / 7)


def test_v2_indicators_walk_in_their_order(client: Any) -> None:
    items, pages = walk(client, "/api/v2/indicators", page_size=2)
    assert [i["name"] for i in items] == list(INDICATORS) and pages == math.ceil(len(INDICATORS) / 2)
    last = client.get("/api/v2/indicators", {"page_size": 2, "page": pages}).json()
    assert last["next"] is None and last["previous"].endswith(f"page={pages - 1}")
    past = client.get("/api/v2/indicators", {"page_size": 2, "page": pages + 1}).json()
    assert past["items"] == [] and past["count"] == len(INDICATORS)


def test_a_short_list_pages_by_number_even_when_sent_a_cursor(client: Any) -> None:
    # page numbers only: the parameter is not in its contract, so it is ignored, not honoured
    body = client.get("/api/v2/indicators", {"cursor": "*", "page_size": 3}).json()
    assert body["next"].endswith("page=2")


def test_v2_is_throttled_like_v1(reference: Any, client: Any, settings: Any) -> None:
    settings.SILKBRIDGE_API_RATES = {"anonymous": "4/min", "token": "8/min", "search": "3/min"}
    # one count for both versions: a caller cannot double the limit by switching prefixes
    urls = ["/api/v1/countries", "/api/v2/fields"] + ["/api/v2/fields"] * 4
    statuses = [client.get(url, REMOTE_ADDR="10.9.0.1").status_code for url in urls]
    assert statuses == [200] * 4 + [429] * 2
    refused = client.get("/api/v2/indicators", REMOTE_ADDR="10.9.0.1")
    assert refused.json()["code"] == "throttled" and int(refused["Retry-After"]) >= 1


def test_v2_reads_from_another_origin_and_revalidates_with_etag(reference: Any, client: Any) -> None:
    response = client.get("/api/v2/fields", HTTP_ORIGIN="https://example.net")
    assert response["Access-Control-Allow-Origin"] == "*" and "Link" in response["Access-Control-Expose-Headers"]
    assert response["Cache-Control"].startswith("public")
    assert client.get("/api/v2/fields", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    deprecated = client.get("/api/v1/fields", HTTP_ORIGIN="https://example.net")
    assert "Sunset" in deprecated["Access-Control-Expose-Headers"]


def test_v2_documentation_page_and_contract_are_served(client: Any) -> None:
    assert client.get("/api/v2/docs").status_code == 200
    assert client.get("/api/v2/openapi.json").json()["info"]["version"] == "2"


def test_v2_fields_make_a_fixed_number_of_queries(reference: Any, client: Any, django_assert_num_queries: Any) -> None:
    client.get("/api/v2/fields")
    with django_assert_num_queries(3):  # ids of the page, its rows, the count
        client.get("/api/v2/fields", {"page_size": 1})
    with django_assert_num_queries(3):
        client.get("/api/v2/fields", {"page_size": 3})

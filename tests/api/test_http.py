"""CORS for the read API only, and HTTP caching of public reads."""

from typing import Any

import pytest

from silkbridge.accounts.domain import create_api_token
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ORIGIN = "https://example.net"


def test_reads_from_another_origin_are_allowed_without_credentials(reference: Any, client: Any) -> None:
    response = client.get("/api/v1/countries", HTTP_ORIGIN=ORIGIN)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_preflight_allows_reads_with_a_token_but_no_writes(client: Any) -> None:
    response = client.options(
        "/api/v1/organisations/1",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="PATCH",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert "PATCH" not in response["Access-Control-Allow-Methods"]
    assert "DELETE" not in response["Access-Control-Allow-Methods"]
    assert "authorization" in response["Access-Control-Allow-Headers"]


def test_pages_and_open_data_files_get_no_cors_headers(reference: Any, client: Any) -> None:
    for url in ("/en/", "/en/accounts/login/"):
        assert "Access-Control-Allow-Origin" not in client.get(url, HTTP_ORIGIN=ORIGIN)


def test_public_reads_are_cacheable_and_revalidate_with_etag(reference: Any, client: Any, settings: Any) -> None:
    settings.SILKBRIDGE_API_MAX_AGE = 120
    response = client.get("/api/v1/countries/KE")
    assert response["Cache-Control"] == "public, max-age=120"
    assert "Authorization" in response["Vary"] and "Accept-Language" in response["Vary"]
    again = client.get("/api/v1/countries/KE", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert client.get("/api/v1/countries/KZ", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200


def test_a_changed_record_gets_a_new_etag_and_its_last_modified(reference: Any, client: Any) -> None:
    org = OrganisationFactory(name="Before")
    first = client.get(f"/api/v1/organisations/{org.pk}")
    assert first["Last-Modified"]
    org.name = "After"
    org.save()
    second = client.get(f"/api/v1/organisations/{org.pk}", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200 and second.json()["name"] == "After"
    assert second["ETag"] != first["ETag"]


def test_reads_with_a_token_are_private(reference: Any, client: Any) -> None:
    _, key = create_api_token(user=UserFactory(), name="t")
    response = client.get("/api/v1/countries", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]


def test_errors_are_not_cached_as_public(client: Any) -> None:
    response = client.get("/api/v1/organisations/999999")
    assert response.status_code == 404 and "public" not in response.get("Cache-Control", "")


def test_docs_page_is_served_locally_in_the_readers_language_without_inline_script(client: Any) -> None:
    response = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="fr"' in html
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    # Only script elements with a src, and the settings as inert JSON data.
    scripts = html.count("<script")
    assert scripts == html.count('<script src="/static/') + html.count('<script type="application/json"')
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_every_page_footer_links_the_api_documentation(reference: Any, client: Any) -> None:
    for url in ("/en/", "/ar/organisations/", "/zh-hans/open-data/"):
        assert '<a href="/api/v2/docs">' in client.get(url).content.decode()

"""Rate limits: 429 with Retry-After and a translated JSON error under a burst, not under
normal use; anonymous callers by IP, token holders by token; counters in the shared cache."""

from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection

from silkbridge.accounts.domain import create_api_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = {"ar", "en", "es", "fr", "ru", "zh-hans"}


@pytest.fixture
def rates(settings: Any) -> Any:
    settings.SILKBRIDGE_API_RATES = {"anonymous": "5/min", "token": "8/min", "search": "3/min"}
    return settings


def burst(client: Any, url: str, times: int, **headers: Any) -> list[Any]:
    return [client.get(url, **headers) for _ in range(times)]


def test_normal_use_is_never_throttled(reference: Any, client: Any) -> None:
    # The default rates: a person reading or a page using the API stays far below them.
    assert all(r.status_code == 200 for r in burst(client, "/api/v1/countries", 40))


def test_a_burst_of_anonymous_reads_gets_429_with_retry_after(rates: Any, reference: Any, client: Any) -> None:
    responses = burst(client, "/api/v1/countries", 7)
    assert [r.status_code for r in responses] == [200] * 5 + [429] * 2
    refused = responses[-1]
    assert refused["Content-Type"] == "application/json; charset=utf-8"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert refused.json()["details"] == {"retry_after": int(refused["Retry-After"])}


def test_the_429_message_is_in_each_of_the_six_languages(rates: Any, reference: Any, client: Any) -> None:
    burst(client, "/api/v1/countries", 5)
    messages = {
        lang: client.get("/api/v1/countries", HTTP_ACCEPT_LANGUAGE=lang).json()["message"] for lang in LANGUAGES
    }
    assert len(set(messages.values())) == 6, messages


def test_anonymous_callers_are_counted_by_ip_address(rates: Any, reference: Any, client: Any) -> None:
    burst(client, "/api/v1/countries", 5, REMOTE_ADDR="10.0.0.1")
    assert client.get("/api/v1/countries", REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get("/api/v1/countries", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(rates: Any, reference: Any, client: Any) -> None:
    # Without SILKBRIDGE_NUM_PROXIES a caller cannot dodge the limit with a forged header.
    for n in range(5):
        client.get("/api/v1/countries", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert client.get("/api/v1/countries", HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429


def test_token_holders_are_counted_by_token_at_their_own_rate(rates: Any, reference: Any, client: Any) -> None:
    user = UserFactory()
    headers = [{"HTTP_AUTHORIZATION": f"Bearer {create_api_token(user=user, name=n)[1]}"} for n in "ab"]
    burst(client, "/api/v1/countries", 5)  # the anonymous allowance of this address is spent
    assert client.get("/api/v1/countries").status_code == 429
    first = [r.status_code for r in burst(client, "/api/v1/countries", 9, **headers[0])]
    assert first == [200] * 8 + [429]
    assert client.get("/api/v1/countries", **headers[1]).status_code == 200


def test_search_has_a_tighter_limit_than_the_other_reads(rates: Any, reference: Any, client: Any) -> None:
    codes = [r.status_code for r in burst(client, "/api/v1/search?q=soil", 4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/api/v1/countries").status_code == 200


def test_counters_live_in_the_database_cache_every_app_server_shares(rates: Any, reference: Any, client: Any) -> None:
    rates.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "silkbridge_cache"}
    }
    burst(client, "/api/v1/countries", 5)
    # A fresh cache object, as another app server would have, sees the same counter.
    del caches["default"]
    assert client.get("/api/v1/countries").status_code == 429
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM silkbridge_cache")
        assert any("throttle:anonymous" in key for (key,) in cursor.fetchall())


def test_the_contract_documents_429_and_the_error_details_on_every_operation() -> None:
    import json

    from silkbridge.api.openapi import current_schema

    schema = json.loads(current_schema())
    assert "details" in schema["components"]["schemas"]["ErrorOut"]["properties"]
    for methods in schema["paths"].values():
        for operation in methods.values():
            assert {"429", "500", "401"} <= set(operation["responses"]), operation["operationId"]

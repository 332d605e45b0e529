"""The API's versions: /api/v1/ stays as published; /api/v2/ is the same API with every
list in the list shape (pagination.py).

The v1 operations that v2 changes (short lists that v1 answers as bare JSON arrays) are
`@superseded`: the OpenAPI document marks them `deprecated`, and each of their answers
carries `Deprecation` (RFC 9745), `Sunset` (RFC 8594) and a `Link` to the same URL under
/api/v2/ with `rel="successor-version"`. Both versions share their routers, throttles,
CORS and HTTP caching; an operation that did not change is the same code in both."""

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date

PREFIXES = ("/api/v1/", "/api/v2/")
V1, V2 = PREFIXES
DEPRECATED_ON = datetime(2026, 12, 3, tzinfo=UTC)  # the day /api/v2/ was published
SUNSET_ON = datetime(2027, 12, 31, tzinfo=UTC)  # v1's bare arrays answer until then at least


def superseded(func: Callable[..., Any]) -> Callable[..., Any]:
    """For a v1 operation that /api/v2/ answers in another shape: its answers say so."""

    @functools.wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        request.api_superseded = True  # type: ignore[attr-defined]
        return func(request, *args, **kwargs)

    return wrapper


def deprecation_headers(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if getattr(request, "api_superseded", False) and request.path.startswith(V1):
            successor = request.build_absolute_uri(V2 + request.get_full_path()[len(V1) :])
            response["Deprecation"] = f"@{int(DEPRECATED_ON.timestamp())}"
            response["Sunset"] = http_date(SUNSET_ON.timestamp())
            response["Link"] = f'<{successor}>; rel="successor-version"'
        return response

    return middleware

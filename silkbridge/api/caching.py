"""HTTP caching of public API reads: ETag (with 304 answers), Last-Modified and
Cache-Control.

A read without a token may be kept by any cache for `SILKBRIDGE_API_MAX_AGE` seconds; a
read with one is private and revalidated each time. Answers differ by token and, for
error messages and indicator titles, by language, which `Vary` says."""

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.http import http_date

from silkbridge.api.versions import PREFIXES


def last_modified(func: Callable[..., Any]) -> Callable[..., Any]:
    """For a detail endpoint: its record's `updated_at` becomes the Last-Modified header."""

    @functools.wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        result = func(request, *args, **kwargs)
        updated = getattr(result, "updated_at", None)
        if updated is not None:
            request.api_last_modified = updated.timestamp()  # type: ignore[attr-defined]
        return result

    return wrapper


def http_caching(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if not request.path.startswith(PREFIXES) or request.method not in ("GET", "HEAD"):
            return response
        patch_vary_headers(response, ("Authorization", "Accept-Language"))
        if response.status_code != 200 or response.streaming:
            return response
        if request.headers.get("Authorization"):
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=settings.SILKBRIDGE_API_MAX_AGE)
        stamp = getattr(request, "api_last_modified", None)
        if stamp is not None:
            response["Last-Modified"] = http_date(stamp)
        set_response_etag(response)
        # 304s by ETag only: a record's related rows (partners, fields) and date-derived
        # values change without its updated_at, so Last-Modified informs but never decides.
        return get_conditional_response(request, etag=response.get("ETag"), response=response) or response

    return middleware

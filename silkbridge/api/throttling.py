"""API rate limits, with django-ninja's throttles.

Anonymous callers are counted by IP address (behind `SILKBRIDGE_NUM_PROXIES` trusted
proxies, the address they forwarded), token holders by their token; the search, which
runs the embedding model per request, has a tighter limit of its own on top. The rates
are settings (`SILKBRIDGE_API_RATE_*`), read on every request so that a changed setting
needs no new throttle objects. Counters live in the default cache, which every app server
shares (the database or Redis, see settings.CACHES). A refused request is a 429 with
`Retry-After` and the API's JSON error (errors.py)."""

import hashlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


class _Throttle(SimpleRateThrottle):
    cache_format = "silkbridge:throttle:%(scope)s:%(ident)s"

    def get_rate(self) -> str:
        return str(settings.SILKBRIDGE_API_RATES[str(self.scope)])

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def ident(self, request: HttpRequest) -> str:
        """The token's hash for token holders, else the client's IP address."""
        header = request.headers.get("Authorization", "")
        if request.user.is_authenticated and header:
            return "token:" + hashlib.sha256(header.encode()).hexdigest()[:32]
        return "ip:" + str(self.get_ident(request))


class AnonymousThrottle(_Throttle):
    scope = "anonymous"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.ident(request)}


class TokenThrottle(_Throttle):
    scope = "token"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.ident(request)}


class SearchThrottle(_Throttle):
    scope = "search"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.ident(request)}


def default() -> list[Any]:
    return [AnonymousThrottle(), TokenThrottle()]


def search() -> list[Any]:
    return [*default(), SearchThrottle()]

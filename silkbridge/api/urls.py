"""The open REST API at /api/v1/ and /api/v2/ (versions.py): one set of routers, mounted
twice; each version adds the operations that differ between them. Only additive changes
within a version; the committed OpenAPI documents (api/openapi.json, api/openapi-v2.json)
are checked by a test."""

import json
from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI, Router, Swagger
from ninja.parser import Parser

from silkbridge.api import (
    accounts,
    cooperation,
    errors,
    events,
    indicators,
    marketplace,
    matching,
    registry,
    throttling,
)


def _check_text(value: Any) -> None:
    """Refuse strings that cannot be stored: a lone surrogate ("\\ud800" is valid JSON but
    not Unicode text) or a NUL character."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL character")
        value.encode("utf-8")  # UnicodeEncodeError (a ValueError) on a lone surrogate
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key)
            _check_text(item)
    elif isinstance(value, list):
        for item in value:
            _check_text(item)


class TextParser(Parser):
    """JSON bodies whose every string is storable text; anything else is a 400."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        _check_text(data)
        return data


ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
# Responses every operation may give, documented on each.
COMMON_RESPONSES = {
    400: "Bad request: a body that is not JSON, or text that cannot be stored (a NUL character, a lone surrogate)",
    401: "A token was sent and is not valid, or this operation needs one",
    422: "A parameter or the body is not valid: `details` says which and why",
    429: "Too many requests: wait the seconds of the `Retry-After` header (also `details.retry_after`)",
    500: "Something went wrong on the server; the answer carries no stack trace",
}


class SilkbridgeAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """ninja's document, made to say what the API does: public reads work with no token
        (their security is optional), and the error responses are documented."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schemes = schema.get("components", {}).get("securitySchemes", {})
        schemes.pop("OptionalTokenAuth", None)
        for path, methods in schema["paths"].items():
            for operation in methods.values():
                if operation.get("security") == [{"OptionalTokenAuth": []}]:
                    operation["security"] = [{}, {"TokenAuth": []}]
                responses = operation["responses"]
                extra = dict(COMMON_RESPONSES)
                if "{" in path:
                    extra[404] = "Not found"
                if "requestBody" in operation:
                    extra[413] = "The request body is larger than 2 MB"
                for code, description in extra.items():
                    if str(code) not in responses:
                        responses[code] = {"description": description, "content": ERROR_REF}
        return schema


ABOUT = (
    "Open data on international science and technology cooperation. Public data needs no account; "
    "writes need a token (`Authorization: Bearer <token>`). Errors are JSON with a machine-readable "
    "`code` and a `message` in the language of the Accept-Language header. "
)
COMMON = [registry.router, accounts.router, cooperation.router, indicators.router, events.router, marketplace.router]


def build(version: str, description: str, routers: list[Router]) -> SilkbridgeAPI:
    new = SilkbridgeAPI(
        title="Silkbridge API",
        version=version,
        description=ABOUT + description,
        urls_namespace=f"api-v{version}",
        # Swagger UI from django-ninja's own static files: no CDN, no inline script (the CSP holds).
        docs=Swagger(),
        docs_url="/docs",
        throttle=throttling.default(),
        parser=TextParser(),
    )
    errors.install(new)
    for router in routers:
        new.add_router("/", router)
    return new


api = build(
    "1",
    "Lists answer `{items, count, next, previous}`; `?cursor=*` harvests a whole list. Requests are rate-limited "
    "(429 with `Retry-After`).",
    [*COMMON, *(m.router_v1 for m in (registry, indicators, matching, events, marketplace))],
)
api_v2 = build(
    "2",
    "Every list, short or long, answers `{items, count, next, previous}`; `?cursor=*` harvests a whole table. "
    "Requests are rate-limited (429 with `Retry-After`). v2 is v1 with every list in that shape.",
    [*COMMON, *(m.router_v2 for m in (registry, indicators, matching, events, marketplace))],
)

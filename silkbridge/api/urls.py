"""The open REST API at /api/v1/. Only additive changes within v1; the committed
OpenAPI document (api/openapi.json) is checked by a test."""

from typing import Any

from ninja import NinjaAPI, Swagger

from silkbridge.api import accounts, cooperation, errors, indicators, matching, registry, throttling

# What any operation may answer besides its own responses: the rate limit and our own failure.
COMMON_ERRORS = {
    401: "A token was sent and is not valid, or this operation needs one.",
    429: "Too many requests: wait the seconds of the `Retry-After` header (also `details.retry_after`).",
    500: "Something went wrong on the server; the answer carries no stack trace.",
}

INVALID = "A parameter or the body is not valid: `details` says which and why."


class SilkbridgeAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        """The contract, with the errors every operation may give documented on each."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation["responses"]
                for status, description in COMMON_ERRORS.items():
                    responses.setdefault(status, {"description": description, "content": error})
                if operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault(422, {"description": INVALID, "content": error})
        return schema


api = SilkbridgeAPI(
    title="Silkbridge API",
    version="1",
    description=(
        "Open data on international science and technology cooperation. Public data needs no account; "
        "writes need a token (`Authorization: Bearer <token>`). Errors are JSON with a machine-readable "
        "`code` and a `message` in the language of the Accept-Language header. Lists answer "
        "`{items, count, next, previous}`; `?cursor=*` harvests a whole list. Requests are rate-limited "
        "(429 with `Retry-After`)."
    ),
    urls_namespace="api-v1",
    # Swagger UI from django-ninja's own static files: no CDN, no inline script (the CSP holds).
    docs=Swagger(),
    docs_url="/docs",
    throttle=throttling.default(),
)
errors.install(api)
api.add_router("/", registry.router)
api.add_router("/", accounts.router)
api.add_router("/", cooperation.router)
api.add_router("/", indicators.router)
api.add_router("/", matching.router)

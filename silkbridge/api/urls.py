"""The open REST API at /api/v1/. Only additive changes within v1; the committed
OpenAPI document (api/openapi.json) is checked by a test."""

from ninja import NinjaAPI

from silkbridge.api import accounts, cooperation, errors, indicators, marketplace, matching, registry

api = NinjaAPI(
    title="Silkbridge API",
    version="1",
    description=(
        "Open data on international science and technology cooperation. Public data needs no account; "
        "writes need a token (Authorization: Bearer <token>). Errors are JSON with a machine-readable "
        "`code` and a `message` in the language of the Accept-Language header."
    ),
    urls_namespace="api-v1",
    docs_url=None,  # the interactive docs load scripts from a CDN, which the CSP forbids
)
errors.install(api)
api.add_router("/", registry.router)
api.add_router("/", accounts.router)
api.add_router("/", cooperation.router)
api.add_router("/", indicators.router)
api.add_router("/", matching.router)
api.add_router("/", marketplace.router)

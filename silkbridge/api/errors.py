"""Every API error is JSON: {"code": machine-readable, "message": translated, "details": optional}."""

import math
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError


def error(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, body, status=status)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error(api, request, 404, "not_found", _("Not found."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error(api, request, 403, "forbidden", str(exc) or _("You do not have permission to do this."))

    @api.exception_handler(AuthenticationError)
    def unauthorized(request: HttpRequest, exc: Exception) -> HttpResponse:
        message = _("A valid API token is required: send the header “Authorization: Bearer <token>”.")
        return error(api, request, 401, "unauthorized", message)

    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = [{"loc": e.get("loc"), "type": e.get("type"), "msg": e.get("msg")} for e in exc.errors]
        return error(api, request, 422, "invalid", _("The request is not valid."), details)

    @api.exception_handler(DjangoValidationError)
    def invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        details = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return error(api, request, 422, "invalid", _("The request is not valid."), details)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja's own refusals, such as a body that is not JSON
        return error(api, request, exc.status_code, "bad_request", _("The request is not valid."))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error(api, request, 413, "too_large", _("The request body is too large."))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error(api, request, 400, "bad_request", _("The request is not valid."))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # django-ninja adds the Retry-After header (whole seconds) to this answer.
        message = _("Too many requests. Please wait a moment and try again.")
        wait = None if exc.wait is None else math.ceil(exc.wait)
        return error(api, request, 429, "throttled", message, {"retry_after": wait})

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # No stack trace to the client; the log keeps it.
        import logging

        logging.getLogger("silkbridge.api").exception("API error", exc_info=exc)
        return error(api, request, 500, "server_error", _("Something went wrong on our side. Please try again later."))

"""Request guards that hold for every page and API operation.

- A NUL character in the path or the query string is refused with 400 before any view
  runs (PostgreSQL refuses NUL in text, and no field of ours holds one).
- API responses depend on the token sent: they say so (`Vary: Authorization`) and, when a
  token was sent, may be kept by the client only (`Cache-Control: private`)."""

from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    query = request.META.get("QUERY_STRING", "")
    return "%00" in query or "\x00" in query or b"\x00" in unquote_to_bytes(query.replace("+", " "))


class HostileInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path.startswith("/api/")
        if _has_nul(request):
            if is_api:
                message = _("The request is not valid.")
                return JsonResponse({"code": "bad_request", "message": message}, status=400)
            from silkbridge.core.views import bad_request

            return bad_request(request)
        response = self.get_response(request)
        if is_api:
            patch_vary_headers(response, ["Authorization", "Accept-Language"])
            if request.headers.get("Authorization"):
                patch_cache_control(response, private=True)
        return response

"""Error pages in the visitor's language (never a stack trace), and shared view helpers."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _


def confirm_delete(
    request: HttpRequest, obj: Any, *, perm: str, delete: Callable[..., None], success_url: str
) -> HttpResponse:
    """A confirmation page on GET; on POST the deletion, through the domain function `delete`."""
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied
    if request.method == "POST":
        try:
            delete(obj, actor=request.user)
        except ValidationError as refusal:  # the domain refused: nothing was deleted
            messages.error(request, " ".join(refusal.messages))
            return redirect(obj.get_absolute_url())
        messages.success(request, _("“%(name)s” was deleted.") % {"name": obj})
        return redirect(success_url)
    return render(request, "registry/confirm_delete.html", {"object": obj, "cancel_url": obj.get_absolute_url()})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)

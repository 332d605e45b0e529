"""The public downloads page and its files, streamed from the database (always current),
and the bundle's descriptions (Frictionless Data Package, DCAT catalogue)."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from silkbridge.api.opendata import COLUMNS, FORMATS, LICENCE, csv_lines, datapackage, dcat_catalogue, jsonl_lines
from silkbridge.api.opendata import xlsx_bytes as xlsx


def downloads(request: HttpRequest) -> HttpResponse:
    tables = list(COLUMNS.items())
    return render(request, "api/downloads.html", {"tables": tables, "licence": LICENCE})


def download(request: HttpRequest, table: str, extension: str) -> HttpResponse | StreamingHttpResponse:
    if table not in COLUMNS or extension not in FORMATS:
        raise Http404
    content_type = f"{FORMATS[extension]}; charset=utf-8" if extension != "xlsx" else FORMATS[extension]
    response: HttpResponse | StreamingHttpResponse
    if extension == "xlsx":
        response = HttpResponse(xlsx(table), content_type=content_type)
    else:
        response = StreamingHttpResponse(csv_lines(table) if extension == "csv" else jsonl_lines(table))
        response["Content-Type"] = content_type
    response["Content-Disposition"] = f'attachment; filename="silkbridge-{table}.{extension}"'
    return response


def _base(request: HttpRequest) -> str:
    """The absolute URL the files are downloaded from (in this page's language)."""
    return request.build_absolute_uri(reverse("open_data"))


def package(request: HttpRequest) -> JsonResponse:
    return JsonResponse(datapackage(_base(request)), json_dumps_params={"ensure_ascii": False, "indent": 2})


def catalogue(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(dcat_catalogue(_base(request)), json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Type"] = "application/ld+json"
    return response

"""The public downloads page and its files, streamed from the database (always current)."""

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from silkbridge.api.opendata import LICENCE, TABLES, csv_lines, jsonl_lines


def downloads(request: HttpRequest) -> HttpResponse:
    tables = [(name, columns) for name, (_qs, columns) in TABLES.items()]
    return render(request, "api/downloads.html", {"tables": tables, "licence": LICENCE})


def download(request: HttpRequest, table: str, extension: str) -> StreamingHttpResponse:
    if table not in TABLES or extension not in ("csv", "jsonl"):
        raise Http404
    lines = csv_lines(table) if extension == "csv" else jsonl_lines(table)
    content_type = "text/csv; charset=utf-8" if extension == "csv" else "application/x-ndjson; charset=utf-8"
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="silkbridge-{table}.{extension}"'
    return response

import csv
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from silkbridge.indicators.forms import AsOfForm
from silkbridge.indicators.queries import INDICATORS, Figure, compute, gap_analysis

WORLD = Path(__file__).resolve().parent / "data" / "world.json"
BAR_WIDTH = 560


@lru_cache(maxsize=1)
def world_paths() -> dict[str, str]:
    return json.loads(WORLD.read_text())  # type: ignore[no-any-return]


def _map(figure: Figure) -> list[dict[str, Any]]:
    """Every country shape with a shade class: 0 = none, 1-5 = fifths of the maximum (5 = the maximum)."""
    values = {r.key: r for r in figure.rows}
    top = figure.maximum or 1
    shapes = []
    for code, path in world_paths().items():
        row = values.get(code)
        shade = max(1, min(5, round(5 * row.value / top))) if row and row.value else 0
        shapes.append({"code": code, "path": path, "shade": shade, "row": row})
    return shapes


def _bars(figure: Figure, limit: int = 25) -> list[dict[str, Any]]:
    top = figure.maximum or 1
    return [
        {"row": row, "y": 24 * i, "width": max(1, round(BAR_WIDTH * row.value / top)) if row.value else 0}
        for i, row in enumerate(figure.rows[:limit])
    ]


def _csv(filename: str, header: list[str], rows: list[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


def dashboard(request: HttpRequest) -> HttpResponse:
    form = AsOfForm(request.GET or None)
    day = form.day()
    headline = compute("partner-countries", day)
    context = {"form": form, "as_of": day, "indicators": INDICATORS.items(), "headline": headline}
    return render(request, "indicators/dashboard.html", context, status=form.status_code)


def indicator(request: HttpRequest, name: str) -> HttpResponse:
    if name not in INDICATORS:
        raise Http404
    form = AsOfForm(request.GET or None)
    figure = compute(name, form.day())
    if request.GET.get("format") == "csv" and form.is_valid():
        rows = [[figure.as_of.isoformat(), r.key, r.label, r.value] for r in figure.rows]
        return _csv(f"{name}-{figure.as_of}.csv", ["as_of", "key", "label", "value"], rows)
    context = {
        "form": form, "figure": figure, "bars": _bars(figure), "chart_height": 24 * min(25, len(figure.rows)),
        "shapes": _map(figure) if figure.by_country else None,
    }  # fmt: skip
    return render(request, "indicators/indicator.html", context, status=form.status_code)


def gaps(request: HttpRequest) -> HttpResponse:
    form = AsOfForm(request.GET or None)
    matrix = gap_analysis(form.day(), sort=request.GET.get("sort", "gaps"))
    if request.GET.get("format") == "csv" and form.is_valid():
        header = ["as_of", "country", *(code for code, _n in matrix.fields)]
        rows = [[matrix.as_of.isoformat(), code, *cells] for code, _name, cells in matrix.rows]
        return _csv(f"gaps-{matrix.as_of}.csv", header, rows)
    return render(request, "indicators/gaps.html", {"form": form, "matrix": matrix}, status=form.status_code)

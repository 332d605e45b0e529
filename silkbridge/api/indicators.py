"""/indicators: every figure for any day (`as_of`, default today), with its method."""

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from silkbridge.api.auth import public
from silkbridge.api.cooperation import AsOf
from silkbridge.api.pagination import SequencePagination
from silkbridge.api.schemas import ERRORS
from silkbridge.api.versions import superseded
from silkbridge.indicators.queries import INDICATORS, compute, gap_analysis

router = Router(auth=public, tags=["indicators"])
# What v1 answers as a bare array (deprecated there) and v2 in the list shape (versions.py).
router_v1 = Router(auth=public, tags=["indicators"])
router_v2 = Router(auth=public, tags=["indicators"])


class RowOut(Schema):
    key: str
    label: str
    value: int


class FigureOut(Schema):
    name: str
    title: str
    method: str
    as_of: date
    total: int
    rows: list[RowOut]


class GapRowOut(Schema):
    country: str
    cells: dict[str, str]


class GapsOut(Schema):
    as_of: date
    fields: list[str]
    gap_count: int
    rows: list[GapRowOut]


class IndicatorListOut(Schema):
    name: str
    title: str


def _indicators() -> list[dict[str, str]]:
    return [{"name": name, "title": str(item.title)} for name, item in INDICATORS.items()]


@router_v1.get("/indicators", response=list[IndicatorListOut], deprecated=True)
@superseded
def list_indicators(request: HttpRequest) -> Any:
    return _indicators()


@router_v2.get("/indicators", response=list[IndicatorListOut])
@paginate(SequencePagination)
def indicators_page(request: HttpRequest) -> Any:
    return _indicators()


@router.get("/indicators/gaps", response={200: GapsOut, **ERRORS})
def gaps(request: HttpRequest, filters: Query[AsOf]) -> Any:
    matrix = gap_analysis(filters.day())
    codes = [code for code, _name in matrix.fields]
    rows = [{"country": c, "cells": dict(zip(codes, cells, strict=True))} for c, _n, cells in matrix.rows]
    return {"as_of": matrix.as_of, "fields": codes, "gap_count": matrix.gap_count, "rows": rows}


@router.get("/indicators/{name}", response={200: FigureOut, **ERRORS})
def figure(request: HttpRequest, name: str, filters: Query[AsOf]) -> Any:
    if name not in INDICATORS:
        raise Http404
    return compute(name, filters.day())

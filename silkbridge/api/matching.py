"""Search and recommendation endpoints: the same engine and access rules as the pages."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from silkbridge.api import throttling
from silkbridge.api.auth import public
from silkbridge.api.pagination import SequencePagination, link
from silkbridge.api.schemas import ERRORS
from silkbridge.api.versions import superseded
from silkbridge.matching import domain
from silkbridge.matching.domain import Result
from silkbridge.matching.forms import SearchForm
from silkbridge.matching.queries import exposure_report
from silkbridge.registry import domain as registry

# What v1 answers as a bare array (deprecated there) or with `results`, and v2 in the list
# shape (versions.py).
router_v1 = Router(auth=public, tags=["matching"])
router_v2 = Router(auth=public, tags=["matching"])


class ReadingOut(Schema):
    word: str = SchemaField(description="a query word that no record uses")
    read_as: str = SchemaField(description="the word of this record, nearest in meaning, that it was read as")


class ReasonsOut(Schema):
    matched: list[str] = SchemaField(description="query words found in the record")
    translated: list[ReadingOut] = SchemaField(
        description="query words in another language than the records, with the record's word each was read as "
        "(search only)"
    )
    semantic: float = SchemaField(
        description="cosine similarity of the query, as the engine weighs it, and the record's best passage "
        "(for a query in another language than the records, less what it shares with every record)"
    )
    fields: list[str] = SchemaField(description="fields of science shared with the source record (similar)")
    countries: list[str] = SchemaField(description="countries shared with the source record (similar)")
    partners: list[str] = SchemaField([], description="names of the partners in common with the source (similar)")
    same_kind: bool = SchemaField(False, description="of the same type as the source organisation (similar)")
    passage: str = SchemaField(
        "",
        description="the record's piece of text (other names or part of its description) closest in meaning "
        "to the query; empty when that is its name alone (search only)",
    )


class SearchHitOut(Schema):
    type: str
    id: int
    name: str
    url: str
    country: str | None
    score: float
    reasons: ReasonsOut


class SearchPageOut(Schema):
    """The API's list shape (items, count, next, previous)."""

    items: list[SearchHitOut]
    count: int
    next: str | None = SchemaField(description="Link to the next page of results; null on the last one.")
    previous: str | None = SchemaField(description="Link to the previous page; null on the first one.")


class SearchOut(SearchPageOut):  # v1
    """The API's list shape (items, count, next, previous); `results` repeats `items` for
    clients written before the shape was unified."""

    results: list[SearchHitOut] = SchemaField(description="Deprecated: the same as `items`.")


class SearchQuery(Schema):
    q: str = SchemaField(..., min_length=1, max_length=200)
    type: str = SchemaField(
        "",
        pattern="^[a-z]*$",
        description="one record kind (organisation, expert, agreement, lab, centre, project, and those other apps "
        "register); empty for every kind",
    )
    limit: int = SchemaField(10, ge=1, le=100)
    offset: int = SchemaField(0, ge=0, le=99)


class PartnerSuggestionOut(Schema):
    id: int
    name: str
    url: str
    country: str | None
    score: float
    shared_partners: list[int]
    country_share: float


class ExposureOut(Schema):
    country: str
    records: int
    record_share: float
    appearances: int
    appearance_share: float
    ratio: float | None


def _kinds(kind: str) -> list[str] | None:
    """The record kinds to search (None: all); 422 for a kind that no app registered."""
    form = SearchForm({"type": kind})
    if not form.is_valid():
        raise DjangoValidationError(form.errors.get_json_data())
    return form.kinds()


def _hit(result: Result) -> dict[str, Any]:
    countries = result.country_codes
    return {
        "type": result.kind,
        "id": result.obj.pk,
        "name": str(result.obj),
        "url": result.obj.get_absolute_url(),
        "country": countries[0] if countries else None,
        "score": round(result.score, 6),
        "reasons": result.reasons,
    }


def _search(request: HttpRequest, query: SearchQuery) -> dict[str, Any]:
    hits = domain.search(query.q, user=request.user, kinds=_kinds(query.type))
    shown = domain.load_results(hits[query.offset : query.offset + query.limit], request.user)
    domain.record_exposure(shown)
    after, before = query.offset + query.limit, max(query.offset - query.limit, 0)
    return {
        "items": [_hit(r) for r in shown],
        "count": len(hits),
        "next": link(request, offset=after) if after < len(hits) else None,
        "previous": link(request, offset=before) if query.offset > 0 else None,
    }


@router_v1.get("/search", response={200: SearchOut, **ERRORS}, throttle=throttling.search())
def search(request: HttpRequest, query: Query[SearchQuery]) -> Any:
    """Free-text search of every public record kind (organisations, experts, agreements, joint
    laboratories, demonstration centres, projects) in any language, best first,
    each result with the reasons it was ranked."""
    page = _search(request, query)
    return {**page, "results": page["items"]}


@router_v2.get("/search", response={200: SearchPageOut, **ERRORS}, throttle=throttling.search())
def search_page(request: HttpRequest, query: Query[SearchQuery]) -> Any:
    """Free-text search of every public record kind (organisations, experts, agreements, joint
    laboratories, demonstration centres, projects) in any language, best first,
    each result with the reasons it was ranked. Pages by `limit` and `offset` (at most 100
    results are ranked)."""
    return _search(request, query)


# v2 pages these rankings; `limit` stays what it was, the length of the ranked list.
Limit = Query(5, ge=1, le=50, description="How many of the best to rank (the whole list's length).")


@router_v1.get("/organisations/{pk}/similar", response={200: list[SearchHitOut], **ERRORS}, deprecated=True)
@superseded
def similar(request: HttpRequest, pk: int, limit: int = Query(5, ge=1, le=50)) -> Any:  # type: ignore[type-arg]
    return _similar(request, pk, limit)


@router_v2.get("/organisations/{pk}/similar", response={200: list[SearchHitOut], **ERRORS})
@paginate(SequencePagination)
def similar_page(request: HttpRequest, pk: int, limit: int = Limit) -> Any:
    """Organisations like this one, best first, with the reasons."""
    return _similar(request, pk, limit)


def _similar(request: HttpRequest, pk: int, limit: int) -> list[dict[str, Any]]:
    org = registry.get_organisation_for_user(request.user, pk)
    return [_hit(r) for r in domain.similar_organisations(org, user=request.user, limit=limit)]


@router_v1.get("/organisations/{pk}/partners", response={200: list[PartnerSuggestionOut], **ERRORS}, deprecated=True)
@superseded
def partners(request: HttpRequest, pk: int, limit: int = Query(5, ge=1, le=50)) -> Any:  # type: ignore[type-arg]
    """Organisations this one has not worked with yet, ranked from its collaboration history."""
    return _partners(request, pk, limit)


@router_v2.get("/organisations/{pk}/partners", response={200: list[PartnerSuggestionOut], **ERRORS})
@paginate(SequencePagination)
def partners_page(request: HttpRequest, pk: int, limit: int = Limit) -> Any:
    """Organisations this one has not worked with yet, ranked from its collaboration history."""
    return _partners(request, pk, limit)


def _partners(request: HttpRequest, pk: int, limit: int) -> list[dict[str, Any]]:
    org = registry.get_organisation_for_user(request.user, pk)
    return [
        {
            "id": s.organisation.pk,
            "name": s.organisation.name,
            "url": s.organisation.get_absolute_url(),
            "country": s.organisation.country_id,
            "score": round(s.score, 6),
            "shared_partners": [p.pk for p in s.shared_partners],
            "country_share": s.country_share,
        }
        for s in domain.potential_partners(org, user=request.user, limit=limit)
    ]


@router_v1.get("/search/exposure", response={200: list[ExposureOut], **ERRORS}, deprecated=True)
@superseded
def exposure(request: HttpRequest, type: str = Query("", pattern="^[a-z]*$")) -> Any:  # type: ignore[type-arg]
    """Public (aggregates only): per country, share of searchable records against share of
    appearances in results."""
    return _exposure(type)


@router_v2.get("/search/exposure", response={200: list[ExposureOut], **ERRORS})
@paginate(SequencePagination)
def exposure_page(request: HttpRequest, type: str = Query("", pattern="^[a-z]*$")) -> Any:  # type: ignore[type-arg]
    """Public (aggregates only): per country, share of searchable records against share of
    appearances in results."""
    return _exposure(type)


def _exposure(type: str) -> list[dict[str, Any]]:
    return [
        {
            "country": r.country,
            "records": r.records,
            "record_share": round(r.record_share, 6),
            "appearances": r.appearances,
            "appearance_share": round(r.appearance_share, 6),
            "ratio": None if r.ratio is None else round(r.ratio, 4),
        }
        for r in exposure_report(kind=type if _kinds(type) else None)
    ]

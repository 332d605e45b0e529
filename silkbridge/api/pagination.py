"""The one list shape of the API: `{items, count, next, previous}`.

Every list endpoint pages with `@paginate(ListPagination)` (routers of every domain use
this class). Two ways to walk a list, both answering the same shape:

- page numbers (`?page=N&page_size=M`) in the list's own order, for people and pages;
  the offset runs over primary keys only (see core.pagination), so deep pages stay cheap;
- a cursor (`?cursor=*` to start), for harvesters: keyset pagination in primary-key
  order (`WHERE pk > last`), as fast on the millionth row as on the first and stable
  while records are added. The cursor is opaque; clients follow `next`.

`next` and `previous` are absolute links (null at either end) that keep every other
query parameter. A malformed cursor is a 422 like any invalid parameter.

Lists computed whole in Python (a ranking, a report, a merged list) page with
`@paginate(SequencePagination)`: the same shape, page numbers only (their order is not an
id order a cursor could key on).
"""

import base64
import binascii
import json
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.pagination import PaginationBase

from silkbridge.core.pagination import slice_rows

MAX_PAGE = 1_000_000  # far past any table's end; larger numbers overflow the database's offset

START = "*"


class ListPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, in the list's order (ignored with `cursor`).")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE, description="Items per page (default 50, at most 200).")
        cursor: str | None = Field(
            None,
            max_length=200,
            description="Keyset pagination in id order for harvesting: `*` starts, then follow `next`.",
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Items in the whole list, with the filters applied.")
        next: str | None = Field(description="Link to the next page; null on the last one.")
        previous: str | None = Field(description="Link to the previous page; null on the first one.")

    items_attribute = "items"

    def __init__(self, *, page_size: int = 50, max_page_size: int = 200, **kwargs: Any) -> None:
        self.page_size = page_size
        self.max_page_size = max_page_size
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any) -> Any:
        size = min(pagination.page_size or self.page_size, self.max_page_size)
        if pagination.cursor is not None:
            return self._by_cursor(queryset, pagination.cursor, size, request)
        start = (pagination.page - 1) * size
        items = slice_rows(queryset, start, start + size + 1)
        more = len(items) > size
        return {
            "items": items[:size],
            "count": queryset.count(),
            "next": link(request, page=pagination.page + 1) if more else None,
            "previous": link(request, page=pagination.page - 1) if pagination.page > 1 else None,
        }

    def _by_cursor(self, queryset: QuerySet[Any], cursor: str, size: int, request: HttpRequest) -> dict[str, Any]:
        after, before = decode(cursor)
        rows = queryset.order_by("pk")
        if after is not None:
            rows = rows.filter(pk__gt=after)
        if before is not None:
            rows = rows.filter(pk__lt=before).reverse()
        items = slice_rows(rows, 0, size + 1)
        more = len(items) > size
        items = items[:size]
        if before is not None:
            items.reverse()
        # Walking forward, "more" says whether a next page exists; walking back, a previous one.
        has_next = more if before is None else True
        has_previous = (more if before is not None else after is not None) and bool(items)
        return {
            "items": items,
            "count": queryset.count(),
            "next": link(request, cursor=encode("a", items[-1].pk)) if has_next and items else None,
            "previous": link(request, cursor=encode("b", items[0].pk)) if has_previous else None,
        }


class SequencePagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, in the list's order.")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE, description="Items per page (default 50, at most 200).")

    class Output(ListPagination.Output):
        """The one list shape."""

    items_attribute = "items"

    def __init__(self, *, page_size: int = 50, max_page_size: int = 200, **kwargs: Any) -> None:
        self.page_size = page_size
        self.max_page_size = max_page_size
        super().__init__(**kwargs)

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        rows = list(queryset)
        size = min(pagination.page_size or self.page_size, self.max_page_size)
        start = (pagination.page - 1) * size
        return {
            "items": rows[start : start + size],
            "count": len(rows),
            "next": link(request, page=pagination.page + 1) if start + size < len(rows) else None,
            "previous": link(request, page=pagination.page - 1) if pagination.page > 1 else None,
        }


def encode(direction: str, pk: Any) -> str:
    raw = json.dumps({direction: pk}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str) -> tuple[Any, Any]:
    """(after, before) primary keys of a cursor; `*` is the start of the list."""
    if cursor == START:
        return None, None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(data, dict) or len(data) != 1 or not set(data) <= {"a", "b"}:
            raise ValueError(cursor)
        value = next(iter(data.values()))
        if not isinstance(value, int | str):
            raise ValueError(cursor)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ValidationError([{"loc": ["query", "cursor"], "type": "cursor", "msg": "Invalid cursor"}]) from None
    return data.get("a"), data.get("b")


def link(request: HttpRequest, **changes: Any) -> str:
    """This request's absolute URL with `changes` to its query (page and cursor exclude each other)."""
    query = request.GET.copy()
    for name in ("page", "cursor"):
        query.pop(name, None)
    for name, value in changes.items():
        query[name] = str(value)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

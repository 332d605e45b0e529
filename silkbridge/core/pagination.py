"""Pagination that stays fast on deep pages of large tables.

A deep OFFSET over full rows makes the database read and discard every skipped row.
Here the offset runs over primary keys only (an index scan), and just the rows of the
page are loaded, with the queryset's select_related/prefetch_related."""

from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def load_in_order(qs: QuerySet[M], ids: list[Any]) -> list[M]:
    rows = {obj.pk: obj for obj in qs.order_by().filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


def slice_rows(qs: QuerySet[M], start: int, stop: int) -> list[M]:
    return load_in_order(qs, list(qs.values_list("pk", flat=True)[start:stop]))


def page_of(qs: QuerySet[M], number: Any, per_page: int) -> Page:
    """Like Paginator(qs, per_page).get_page(number), loading only the page's rows."""
    page = Paginator(qs.values_list("pk", flat=True), per_page).get_page(number)
    page.object_list = load_in_order(qs, list(page.object_list))
    return page

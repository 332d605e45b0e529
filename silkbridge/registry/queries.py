"""Reusable reads of the registry, named for what they return and to whom."""

from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import RawSQL

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import User, Viewer
from silkbridge.core.text import fold
from silkbridge.registry.enums import EditorRequestStatus, OrganisationSort
from silkbridge.registry.models import Country, EditorRequest, Expert, Field, Organisation
from silkbridge.registry.rules import expert_audiences


def text_filter(q: str, *, indexed: bool = False) -> Q:
    """Every word of the query must occur in the folded search text (any language).

    With `indexed` on SQLite, words of three or more characters go through the FTS5
    trigram index of organisations (migration 0004); PostgreSQL's trigram index serves
    the LIKE itself."""
    condition = Q()
    use_fts = indexed and connection.vendor == "sqlite"
    for word in fold(q).split():
        if use_fts and len(word) >= 3:
            phrase = '"' + word.replace('"', '""') + '"'
            condition &= Q(pk__in=RawSQL(_FTS_MATCH, [phrase]))  # noqa: S611 (a bound parameter)
        else:
            condition &= Q(search_text__contains=word)
    return condition


_FTS_MATCH = "SELECT rowid FROM registry_organisation_fts WHERE registry_organisation_fts MATCH %s"


def search_organisations(
    *, q: str = "", country: str = "", kind: str = "", field: str = "", sort: str = OrganisationSort.NAME
) -> QuerySet[Organisation]:
    qs = Organisation.objects.select_related("country")
    if q:
        qs = qs.filter(text_filter(q, indexed=True))
    if country:
        qs = qs.filter(country_id=country.upper())
    if kind:
        qs = qs.filter(kind=kind)
    if field:
        # A broad field (level 1) matches its sub-fields too.
        qs = qs.filter(Q(fields__code=field) | Q(fields__parent_id=field)).distinct()
    order = {
        OrganisationSort.NAME: ["name", "id"],
        OrganisationSort.NAME_DESC: ["-name", "-id"],
        OrganisationSort.COUNTRY: ["country__name_en", "name", "id"],
        OrganisationSort.ESTABLISHED: ["established", "name", "id"],
        OrganisationSort.ESTABLISHED_DESC: ["-established", "name", "id"],
    }.get(OrganisationSort(sort) if sort in OrganisationSort.values else OrganisationSort.NAME)
    return qs.order_by(*(order or ["name", "id"]))


def visible_experts(user: Viewer) -> QuerySet[Expert]:
    """Profiles this user may see (``rules.expert_audiences``) and their own."""
    allowed = Q(visibility__in=expert_audiences(user))
    if user.is_authenticated:
        allowed |= Q(user=user)
    return Expert.objects.filter(allowed)


def search_experts(
    user: Viewer, *, q: str = "", country: str = "", field: str = "", organisation: int | None = None
) -> QuerySet[Expert]:
    qs = visible_experts(user).select_related("country").prefetch_related("affiliations", "fields")
    if q:
        qs = qs.filter(text_filter(q))
    if country:
        qs = qs.filter(country_id=country.upper())
    if field:
        qs = qs.filter(Q(fields__code=field) | Q(fields__parent_id=field)).distinct()
    if organisation:
        qs = qs.filter(affiliations__id=organisation)
    return qs.order_by("name", "id")


def countries_with_counts() -> QuerySet[Country]:
    return Country.objects.annotate(organisation_count=Count("organisations", distinct=True)).order_by("name_en")


def field_tree() -> list[Field]:
    """Broad fields, each with its sub-fields prefetched."""
    return list(Field.objects.filter(level=1).prefetch_related("children"))


def headline_figures(user: Viewer) -> dict[str, int]:
    return {
        "countries": Country.objects.count(),
        "partners": Country.objects.filter(is_partner=True).count(),
        "organisations": Organisation.objects.count(),
        "experts": visible_experts(user).count(),
    }


def editor_requests_to_decide(user: Viewer) -> QuerySet[Any]:
    """Pending requests for editor rights that `user` may decide: every one for moderators
    and staff, those of the organisations they edit for editors."""
    pending = EditorRequest.objects.filter(status=EditorRequestStatus.PENDING).select_related("user", "organisation")
    if not isinstance(user, User):
        return pending.none()
    if user.is_staff or user.is_moderator:
        return pending
    edited = user.memberships.filter(role=MembershipRole.EDITOR).values("organisation_id")
    return pending.filter(organisation_id__in=edited)

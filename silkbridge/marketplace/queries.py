"""Reads reused by pages, the API, matching and open data."""

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from silkbridge.marketplace.enums import InterestStatus, ListingStatus
from silkbridge.marketplace.models import Interest, Listing, SavedSearch
from silkbridge.matching import domain as matching
from silkbridge.registry.models import Field, Organisation


def live_q(today: date | None = None) -> Q:
    """Published and not past its expiry date (the expiry command may not have run yet)."""
    return Q(status=ListingStatus.PUBLISHED, expires_on__gte=today or timezone.localdate())


def published_listings() -> QuerySet[Listing]:
    """Published summaries, for anyone: never the details (deferred, so a template cannot leak
    them by accident either)."""
    return (
        Listing.objects.filter(live_q())
        .defer("details", "confidentiality_statement", "moderation_comment", "search_text")
        .select_related("organisation__country")
        .prefetch_related("fields", "countries")
    )


def filter_listings(
    qs: QuerySet[Listing],
    *,
    kind: str = "",
    field: str = "",
    country: str = "",
    trl_min: int | None = None,
    ip_status: str = "",
    organisation: int | None = None,
) -> QuerySet[Listing]:
    if kind:
        qs = qs.filter(kind=kind)
    # Membership tests by subquery: no join, so no duplicate rows and no DISTINCT, and each
    # subquery is computed once and searched through its own index; the listing's side is then
    # checked in the covering indexes (see Listing.Meta) without reading a listing row.
    if field:
        codes = Field.objects.filter(Q(code=field) | Q(parent_id=field)).values("code")
        qs = qs.filter(pk__in=Listing.fields.through.objects.filter(field_id__in=codes).values("listing_id"))
    if country:
        targeted = Listing.countries.through.objects.filter(country_id=country.upper()).values("listing_id")
        based = Organisation.objects.filter(country_id=country.upper()).values("pk")
        qs = qs.filter(Q(pk__in=targeted) | Q(organisation_id__in=based))
    if trl_min:
        qs = qs.filter(trl__gte=trl_min)
    if ip_status:
        qs = qs.filter(ip_status=ip_status)
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    return qs


def listings_of_organisation(org_id: int) -> QuerySet[Listing]:
    return published_listings().filter(organisation_id=org_id)


def listings_of_user_organisations(user: Any) -> QuerySet[Listing]:
    """Every listing, in any state, of the organisations the user is a member of."""
    orgs = user.memberships.values("organisation_id")
    return Listing.objects.filter(organisation__in=orgs).select_related("organisation").order_by("-updated_at")


def moderation_queue() -> QuerySet[Listing]:
    return (
        Listing.objects.filter(status=ListingStatus.SUBMITTED)
        .select_related("organisation", "poster")
        .order_by("updated_at")
    )


def interests_received(user: Any) -> QuerySet[Interest]:
    orgs = user.memberships.values("organisation_id")
    return Interest.objects.filter(listing__organisation__in=orgs).select_related("listing", "sender", "organisation")


def interests_sent(user: Any) -> QuerySet[Interest]:
    return Interest.objects.filter(sender=user).select_related("listing__organisation")


def leads_by_stage() -> dict[str, int]:
    """Accepted expressions of interest by lead stage (for the indicators and the docs)."""
    rows = Interest.objects.filter(status=InterestStatus.ACCEPTED).values_list("stage", flat=True)
    counts: dict[str, int] = {}
    for stage in rows:
        counts[stage] = counts.get(stage, 0) + 1
    return counts


def saved_searches_of(user: Any) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user).select_related("field", "country")


def new_matches(saved: SavedSearch, *, limit: int = 20) -> list[Listing]:
    """Listings published since the saved search's last digest that match it, best first
    (newest first without search words)."""
    qs = filter_listings(
        published_listings().prefetch_related(None),
        kind=saved.kind, field=saved.field_id or "", country=saved.country_id or "",
    ).filter(published_at__gt=saved.last_sent_at or saved.created_at)  # fmt: skip
    if not saved.query:
        return list(qs[:limit])
    hits = matching.search(saved.query, user=saved.user, kinds=[saved.kind] if saved.kind else ["offer", "need"])
    found = qs.in_bulk([int(h.key.split(":")[1]) for h in hits])
    return [found[pk] for pk in (int(h.key.split(":")[1]) for h in hits) if pk in found][:limit]


def expert_panel(expert: Any, user: Any) -> tuple[str, dict[str, Any]] | None:
    """The expert page's section: the published offers and needs the expert posted."""
    if expert.user_id is None:
        return None
    listings = list(published_listings().prefetch_related(None).filter(poster_id=expert.user_id)[:40])
    return ("marketplace/_expert_listings.html", {"listings": listings}) if listings else None

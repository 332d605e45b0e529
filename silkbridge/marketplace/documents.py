"""Published offers and needs as documents of the matching engine (two kinds, so that a
listing's matches of the other kind are one query), registered in ``MarketplaceConfig.ready()``.
Only the public summary is indexed: details never enter the index."""

from collections.abc import Callable, Collection, Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from silkbridge.marketplace.enums import ListingKind
from silkbridge.marketplace.models import Listing
from silkbridge.marketplace.queries import published_listings
from silkbridge.matching.engine import Document
from silkbridge.matching.sources import Source


def listing_countries(listing: Listing) -> list[str]:
    """The target countries and the owner's country (from prefetched relations)."""
    codes = {c.code for c in listing.countries.all()}
    if listing.organisation.country_id:
        codes.add(listing.organisation.country_id)
    return sorted(codes)


def listing_document(listing: Listing) -> Document:
    titles = [t for t in dict.fromkeys(listing.titles.values()) if t]
    title = titles[0] if titles else ""
    return Document(
        key=f"{listing.kind}:{listing.pk}",
        title=title,
        names=titles[1:],
        text="\n".join(s for s in listing.summaries.values() if s),
        keywords=[*listing.keywords, *listing.sectors],
        fields=[f.code for f in listing.fields.all()],
        countries=listing_countries(listing),
    )


def _documents(kind: str) -> Callable[[Collection[int] | None], Iterator[Document]]:
    def documents(ids: Collection[int] | None = None) -> Iterator[Document]:
        listings = published_listings().filter(kind=kind)
        if ids is not None:
            listings = listings.filter(pk__in=ids)
        for listing in listings.order_by("pk").iterator(chunk_size=2000):
            yield listing_document(listing)

    return documents


def _visible(kind: str) -> Callable[[Any], QuerySet[Listing]]:
    return lambda user: published_listings().filter(kind=kind)


SOURCES = [
    Source(
        kind=kind.value,
        label=label,
        documents=_documents(kind.value),
        visible=_visible(kind.value),
        countries=listing_countries,
        models=(Listing,),
        m2m=(Listing.fields, Listing.countries),
    )
    for kind, label in ((ListingKind.OFFER, _("Technology offers")), (ListingKind.NEED, _("Technology needs")))
]

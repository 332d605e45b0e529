from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from silkbridge.marketplace import domain
from silkbridge.marketplace.demo import LISTINGS, seed_marketplace
from silkbridge.marketplace.models import Listing, SavedSearch
from silkbridge.matching import index
from tests.conftest import client_for
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_digest_mails_new_matches_once(market_roles: dict[str, Any], org: Any, listing_factory: Any) -> None:
    member = market_roles["member"]
    client_for(member).post("/en/marketplace/saved-searches/", {"query": "irrigation", "kind": "offer"})
    saved = SavedSearch.objects.get()
    saved.last_sent_at = timezone.now() - timedelta(days=1)
    saved.save()
    match = listing_factory(organisation=org)
    listing_factory(organisation=org, titles={"en": "Telescope mirrors"}, summaries={"en": "Optics."}, keywords=[])
    listing_factory(organisation=org, published_at=timezone.now() - timedelta(days=3))  # before the last digest
    index.rebuild()
    call_command("send-digests", stdout=StringIO())
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.email]
    body = mail.outbox[0].body
    assert match.title in body and "Telescope" not in body and f"/marketplace/{match.pk}/" in body
    assert "SECRET" not in body
    call_command("send-digests", stdout=StringIO())
    assert len(mail.outbox) == 1


def test_expire_command(org: Any, listing_factory: Any) -> None:
    listing = listing_factory(organisation=org, expires_on=timezone.localdate() - timedelta(days=1))
    out = StringIO()
    call_command("expire-listings", stdout=out)
    listing.refresh_from_db()
    assert listing.status == "expired" and "1 listings expired" in out.getvalue()


def test_demo_listings_are_marked_in_several_languages_and_idempotent(reference: Any) -> None:
    for code in ("CN", "KE", "FR"):
        OrganisationFactory(country_id=code)
    assert seed_marketplace() == len(LISTINGS) == 20
    assert seed_marketplace() == 0
    listings = list(Listing.objects.all())
    assert all(item.is_demo and item.title.endswith("(demo)") for item in listings)
    assert {lang for item in listings for lang in item.languages} == {"en", "fr", "es", "ru", "zh-hans", "ar"}
    assert {item.kind for item in listings} == {"offer", "need"}


def test_matches_of_the_other_kind_are_shown_with_reasons(
    market_roles: dict[str, Any], org: Any, other_org: Any, listing_factory: Any, client: Any
) -> None:
    offer = listing_factory(organisation=org, keywords=["irrigation", "drip"])
    need = listing_factory(
        organisation=other_org, kind="need", titles={"en": "We need drip irrigation for dry farms"},
        summaries={"en": "Drip irrigation controller wanted for small farms."}, keywords=["irrigation"],
    )  # fmt: skip
    domain.update_listing(need, data={}, actor=market_roles["editor"])
    index.rebuild()
    html = client.get(offer.get_absolute_url()).content.decode()
    assert "Needs this offer may meet" in html and need.title in html
    assert 'class="reasons"' in html
    other_way = client.get(need.get_absolute_url()).content.decode()
    assert "Offers that may meet this need" in other_way and offer.title in other_way


def test_organisation_page_shows_its_published_offers_and_needs(org: Any, listing_factory: Any, client: Any) -> None:
    published = listing_factory(organisation=org)
    draft = listing_factory(organisation=org, status="draft", titles={"en": "Unpublished idea"})
    html = client.get(f"/en/organisations/{org.pk}/").content.decode()
    assert "Offers and needs" in html and published.title in html and draft.title not in html


def test_expert_page_shows_the_offers_and_needs_the_expert_posted(
    org: Any, listing_factory: Any, client: Any, expert_factory: Any, market_roles: dict[str, Any]
) -> None:
    editor = market_roles["editor"]
    expert = expert_factory(user=editor)
    listing = listing_factory(organisation=org, poster=editor)
    html = client.get(f"/en/experts/{expert.pk}/").content.decode()
    assert "Offers and needs" in html and listing.title in html
    other = expert_factory()
    assert "Offers and needs" not in client.get(f"/en/experts/{other.pk}/").content.decode()

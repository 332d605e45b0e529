"""The marketplace API: summaries for anyone, filters, search in another language, and the
authenticated endpoints for details and messages as a role matrix."""

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from silkbridge.accounts.domain import create_api_token
from silkbridge.api.opendata import export
from silkbridge.marketplace import domain
from silkbridge.marketplace.models import Attachment, Interest, Message
from silkbridge.matching import index
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "member", "owner_member", "editor", "other_editor", "party", "accepted", "moderator", "staff"]
DETAILS = {"owner_member", "editor", "accepted", "moderator", "staff"}
THREAD = {"owner_member", "editor", "accepted"}


def headers(user: Any) -> dict[str, str]:
    if user is None:
        return {}
    _token, key = create_api_token(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def world(market_roles: dict[str, Any], org: Any, listing_factory: Any) -> dict[str, Any]:
    listing = listing_factory(organisation=org)
    Attachment.objects.create(listing=listing, name="plan.pdf", size=9, data=b"%PDF-1.4\n")
    Interest.objects.create(listing=listing, sender=market_roles["party"], message="pending")
    accepted = Interest.objects.create(listing=listing, sender=market_roles["accepted"], message="hi")
    domain.accept_interest(accepted, actor=market_roles["editor"])
    Message.objects.create(interest=accepted, author=market_roles["editor"], body="THREAD-TEXT")
    draft = listing_factory(organisation=org, status="draft", published_at=None, titles={"en": "Hidden draft"})
    return {"listing": listing, "accepted": accepted, "draft": draft}


def test_list_items_carry_the_contract_fields_and_never_details(client: Any, world: dict[str, Any]) -> None:
    body = client.get("/api/v1/marketplace/listings").json()
    assert body["count"] == 1
    item = body["items"][0]
    for key in ("id", "kind", "title", "summary", "trl", "ip_status", "organisation", "countries", "fields",
                "expires_on"):  # fmt: skip
        assert key in item
    assert item["kind"] == "offer" and item["trl"] == 6 and item["ip_status"] == "patented"
    text = str(body)
    assert "SECRET-DETAILS" not in text and "Hidden draft" not in text and "plan.pdf" not in text


@pytest.mark.parametrize("count", [1, 3])
def test_list_has_constant_queries(
    org: Any, listing_factory: Any, client: Any, django_assert_num_queries: Any, count: int
) -> None:
    for _ in range(count):
        listing_factory(organisation=org)
    with django_assert_num_queries(5):  # ids, rows, fields, countries, count
        client.get("/api/v1/marketplace/listings")


def test_filters(client: Any, org: Any, other_org: Any, listing_factory: Any) -> None:
    a = listing_factory(organisation=org, trl=8, ip_status="open")
    b = listing_factory(organisation=other_org, kind="need", trl=None, ip_status="know_how")
    ids = lambda **q: [i["id"] for i in client.get("/api/v1/marketplace/listings", q).json()["items"]]  # noqa: E731
    assert ids(kind="need") == [b.pk] and ids(kind="offer") == [a.pk]
    assert ids(country="CN") == [b.pk] and ids(trl=7) == [a.pk] and ids(ip_status="open") == [a.pk]
    assert client.get("/api/v1/marketplace/listings", {"kind": "x"}).status_code == 422


def test_field_and_country_filters_match_by_subfield_target_or_base_once_each(
    client: Any, org: Any, other_org: Any, listing_factory: Any
) -> None:
    agri = listing_factory(organisation=org)  # Kenyan, agriculture, targets China and Kenya
    agri.fields.set(["4.1", "4.2"])
    agri.countries.set(["CN", "KE"])
    maths = listing_factory(organisation=other_org)  # Chinese, mathematics
    maths.fields.set(["1.1"])
    expired = listing_factory(organisation=other_org, expires_on=timezone.localdate() - timedelta(days=1))
    expired.fields.set(["4.1"])
    ids = lambda **q: [i["id"] for i in client.get("/api/v1/marketplace/listings", q).json()["items"]]  # noqa: E731
    assert ids(field="4.1") == [agri.pk] and ids(field="4") == [agri.pk] and ids(field="1") == [maths.pk]
    assert ids(country="CN") == [maths.pk, agri.pk] and ids(country="ke") == [agri.pk]
    assert ids(country="CN", field="4") == [agri.pk] and ids(country="FR") == []
    assert client.get("/api/v1/marketplace/listings", {"field": "4"}).json()["count"] == 1


def test_search_finds_a_listing_written_in_another_language(client: Any, org: Any, listing_factory: Any) -> None:
    listing = listing_factory(
        organisation=org, titles={"zh-hans": "太阳能滴灌控制器"},
        summaries={"zh-hans": "为小农场节水的太阳能滴灌控制器。"}, keywords=["irrigation"],
    )  # fmt: skip
    listing_factory(organisation=org, titles={"en": "Telescope optics"}, summaries={"en": "Mirrors."}, keywords=[])
    index.rebuild()
    items = client.get("/api/v1/marketplace/listings", {"q": "irrigation"}).json()["items"]
    assert items and items[0]["id"] == listing.pk


@pytest.mark.parametrize("role", ROLES)
def test_details_and_messages_matrix(role: str, market_roles: dict[str, Any], world: dict[str, Any]) -> None:
    user, client = market_roles[role], client_for(None)
    auth = headers(user)
    listing, accepted = world["listing"], world["accepted"]
    summary = client.get(f"/api/v1/marketplace/listings/{listing.pk}", **auth)
    assert summary.status_code == 200 and "SECRET" not in summary.content.decode()
    draft = client.get(f"/api/v1/marketplace/listings/{world['draft'].pk}", **auth)
    assert draft.status_code == (200 if role in {"owner_member", "editor", "moderator", "staff"} else 404)
    details = client.get(f"/api/v1/marketplace/listings/{listing.pk}/details", **auth)
    if user is None:
        assert details.status_code == 401
    elif role in DETAILS:
        assert details.status_code == 200 and details.json()["details"]["en"].startswith("SECRET-DETAILS")
        assert details.json()["attachments"][0]["name"] == "plan.pdf"
    else:
        assert details.status_code == 403 and "SECRET" not in details.content.decode()
    thread = client.get(f"/api/v1/marketplace/interests/{accepted.pk}/messages", **auth)
    post = client.post(f"/api/v1/marketplace/interests/{accepted.pk}/messages", {"body": "API-MESSAGE"},
                       content_type="application/json", **auth)  # fmt: skip
    if user is None:
        assert thread.status_code == post.status_code == 401
    elif role in THREAD:
        assert thread.json()[0]["body"] == "THREAD-TEXT" and post.status_code == 201
    else:
        assert thread.status_code == post.status_code == 404 and "THREAD-TEXT" not in thread.content.decode()
    assert Message.objects.filter(body="API-MESSAGE").exists() is (role in THREAD)


def test_open_data_has_published_summaries_only(world: dict[str, Any], tmp_path: Path) -> None:
    counts = export(tmp_path)
    assert counts["listings"] == 1
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.iterdir() if p.suffix != ".xlsx")
    for secret in ("SECRET-DETAILS", "Hidden draft", "THREAD-TEXT", "plan.pdf"):
        assert secret not in everything


def walk_pages(client: Any, url: str, auth: dict[str, str], **params: Any) -> tuple[list[Any], int]:
    body = client.get(url, params, **auth).json()
    items, pages = list(body["items"]), 1
    while body["next"]:
        body = client.get(body["next"], **auth).json()
        items, pages = items + body["items"], pages + 1
    return items, pages


def test_v2_pages_the_interests_and_the_thread_v1_answers_whole(
    market_roles: dict[str, Any], world: dict[str, Any]
) -> None:
    editor, accepted = market_roles["editor"], world["accepted"]
    for n in range(4):
        Message.objects.create(interest=accepted, author=market_roles["accepted"], body=f"REPLY-{n}")
    client, auth = client_for(None), headers(editor)
    interests = client.get("/api/v1/marketplace/interests", **auth).json()
    assert len(interests) == 2
    assert walk_pages(client, "/api/v2/marketplace/interests", auth, page_size=1) == (interests, 2)
    url = f"/api/v1/marketplace/interests/{accepted.pk}/messages"
    thread = client.get(url, **auth).json()
    assert [m["body"] for m in thread] == ["THREAD-TEXT", "REPLY-0", "REPLY-1", "REPLY-2", "REPLY-3"]
    assert walk_pages(client, url.replace("/v1/", "/v2/"), auth, page_size=2) == (thread, 3)
    post = client.post(url.replace("/v1/", "/v2/"), {"body": "V2-POST"}, content_type="application/json", **auth)
    assert post.status_code == 201 and Message.objects.filter(body="V2-POST").exists()
    assert client.get("/api/v2/marketplace/interests").status_code == 401

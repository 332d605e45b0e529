"""Permission matrix: every role x every marketplace action on the pages, asserting the exact
outcome; no detail, attachment or message reaches anyone not entitled to it."""

from typing import Any

import pytest

from silkbridge.marketplace import domain
from silkbridge.marketplace.models import Attachment, Interest, Message
from tests.conftest import client_for

ROLES = ["anonymous", "member", "owner_member", "editor", "other_editor", "party", "accepted", "moderator", "staff"]
OWNERS = {"editor", "owner_member"}


def allowed(*names: str) -> dict[str, bool]:
    return {role: role in names for role in ROLES}


MATRIX = {
    "view_summary": allowed(*ROLES),
    "view_details": allowed(*OWNERS, "accepted", "moderator", "staff"),
    "download_attachment": allowed(*OWNERS, "accepted", "moderator", "staff"),
    "edit": allowed(*OWNERS, "staff"),
    "close": allowed(*OWNERS, "staff"),
    "renew": allowed(*OWNERS),
    "express_interest": allowed("member", "other_editor", "moderator", "staff"),
    "view_pending_interest": allowed(*OWNERS, "party"),
    "read_thread": allowed(*OWNERS, "accepted"),
    "view_draft": allowed(*OWNERS, "moderator", "staff"),
    "submit_draft": allowed(*OWNERS),
    "publish_submitted": allowed("moderator", "staff"),
}


@pytest.fixture
def world(market_roles: dict[str, Any], org: Any, listing_factory: Any) -> dict[str, Any]:
    listing = listing_factory(organisation=org)
    Attachment.objects.create(listing=listing, name="plan.pdf", content_type="application/pdf", size=9,
                              data=b"%PDF-1.4\n")  # fmt: skip
    pending = Interest.objects.create(listing=listing, sender=market_roles["party"], message="PENDING-NOTE")
    accepted = Interest.objects.create(listing=listing, sender=market_roles["accepted"], message="hi")
    domain.accept_interest(accepted, actor=market_roles["editor"])
    Message.objects.create(interest=accepted, author=market_roles["accepted"], body="THREAD-TEXT")
    draft = listing_factory(organisation=org, status="draft", published_at=None)
    submitted = listing_factory(organisation=org, status="submitted", published_at=None)
    return {"listing": listing, "pending": pending, "accepted": accepted, "draft": draft, "submitted": submitted}


def expect(response: Any, ok: bool, user: Any, *, ok_status: int = 200, denied: int = 403) -> None:
    if user is None and response.status_code == 302:
        assert "/accounts/login/" in response["Location"]
        assert not ok
        return
    assert response.status_code == (ok_status if ok else denied), response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_listing_matrix(role: str, market_roles: dict[str, Any], world: dict[str, Any]) -> None:
    user, client = market_roles[role], client_for(market_roles[role])
    listing = world["listing"]
    page = client.get(f"/en/marketplace/{listing.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "solar-powered controller" in html
    assert ("SECRET-DETAILS" in html) is MATRIX["view_details"][role]
    assert ("plan.pdf" in html) is MATRIX["view_details"][role]
    # who expressed interest (the accepted party's name) is for the owning organisation only
    assert (str(market_roles["accepted"]) in html) is (role in OWNERS or role == "accepted")
    attachment = listing.attachments.get()
    download = client.get(f"/en/marketplace/attachments/{attachment.pk}/")
    assert download.status_code == (200 if MATRIX["download_attachment"][role] else 404)
    if download.status_code == 200:
        assert download.content == b"%PDF-1.4\n"
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Disposition"].startswith("attachment;")
    for action, url in (("edit", "edit"), ("close", "close"), ("renew", "renew"), ("express_interest", "interest")):
        expect(client.get(f"/en/marketplace/{listing.pk}/{url}/"), MATRIX[action][role], user)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_interest_and_thread_matrix(role: str, market_roles: dict[str, Any], world: dict[str, Any]) -> None:
    user, client = market_roles[role], client_for(market_roles[role])
    pending = client.get(f"/en/marketplace/interests/{world['pending'].pk}/")
    expect(pending, MATRIX["view_pending_interest"][role], user, denied=404)
    if pending.status_code == 200:
        assert "PENDING-NOTE" in pending.content.decode()
        # the owner does not learn the sender's name before accepting
        assert (str(market_roles["party"]) in pending.content.decode()) is (role == "party")
    thread = client.get(f"/en/marketplace/interests/{world['accepted'].pk}/")
    if MATRIX["read_thread"][role]:
        assert "THREAD-TEXT" in thread.content.decode()
    else:
        assert thread.status_code in (302, 404) and b"THREAD-TEXT" not in thread.content
    post = client.post(f"/en/marketplace/interests/{world['accepted'].pk}/messages/", {"body": "NEW-MESSAGE"})
    assert Message.objects.filter(body="NEW-MESSAGE").exists() is MATRIX["read_thread"][role]
    if user is not None and not MATRIX["read_thread"][role]:
        assert post.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_lifecycle_matrix(role: str, market_roles: dict[str, Any], world: dict[str, Any]) -> None:
    user, client = market_roles[role], client_for(market_roles[role])
    draft, submitted = world["draft"], world["submitted"]
    expect(client.get(f"/en/marketplace/{draft.pk}/"), MATRIX["view_draft"][role], user, denied=404)
    response = client.post(f"/en/marketplace/{draft.pk}/submit/")
    draft.refresh_from_db()
    assert (draft.status == "submitted") is MATRIX["submit_draft"][role]
    if user is not None and not MATRIX["submit_draft"][role]:
        assert response.status_code == (403 if MATRIX["view_draft"][role] else 404)
    client.post(f"/en/marketplace/{submitted.pk}/publish/")
    submitted.refresh_from_db()
    assert (submitted.status == "published") is MATRIX["publish_submitted"][role]
    queue = client.get("/en/marketplace/moderation/")
    expect(queue, role in {"moderator", "staff"}, user)

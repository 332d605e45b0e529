"""The marketplace end to end through its pages and domain functions: post, moderate, find,
express interest, accept, talk, reach an agreement; plus the rules on files, text and pace."""

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import Membership
from silkbridge.cooperation.domain import publish_record
from silkbridge.cooperation.models import Agreement, Project
from silkbridge.core.models import AuditEntry
from silkbridge.indicators.queries import agreements_in_force
from silkbridge.marketplace import domain
from silkbridge.marketplace.models import Interest, Listing, Message
from silkbridge.matching import index
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "offer", "language": "en", "title": "Solar drip irrigation controller",
    "summary": "Saves water on small farms.", "details": "SECRET valve timing.", "trl": "6",
    "ip_status": "patented", "keywords_text": "irrigation, solar", "sectors_text": "agriculture",
    "expires_on": (timezone.localdate() + timedelta(days=100)).isoformat(), "cooperation": ["licence"],
    "countries": ["KE", "CN"],
}  # fmt: skip


def test_whole_path_from_posting_to_an_agreement(
    market_roles: dict[str, Any], org: Any, other_org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    editor, moderator, buyer = market_roles["editor"], market_roles["moderator"], market_roles["other_editor"]
    owner = client_for(editor)
    response = owner.post("/en/marketplace/new/", {**FORM, "organisation": org.pk})
    listing = Listing.objects.get()
    assert response.status_code == 302 and listing.status == "draft" and listing.poster == editor
    assert listing.titles == {"en": "Solar drip irrigation controller"} and listing.languages == ["en"]
    assert sorted(listing.countries.values_list("code", flat=True)) == ["CN", "KE"]
    owner.post(f"/en/marketplace/{listing.pk}/submit/")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(moderator).post(f"/en/marketplace/{listing.pk}/publish/")
    listing.refresh_from_db()
    assert listing.status == "published" and listing.published_at is not None
    owners = {editor.email, market_roles["owner_member"].email}
    assert {m.to[0] for m in mail.outbox} == owners and f"/marketplace/{listing.pk}/" in mail.outbox[-1].body

    index.rebuild()
    buyer_client = client_for(buyer)
    found = buyer_client.get("/en/marketplace/", {"q": "irrigation"}).content.decode()
    assert "Solar drip irrigation controller" in found
    with django_capture_on_commit_callbacks(execute=True):
        buyer_client.post(
            f"/en/marketplace/{listing.pk}/interest/", {"message": "We make pumps.", "organisation": other_org.pk}
        )
    interest = Interest.objects.get()
    assert interest.status == "pending" and mail.outbox[-1].to[0] in owners
    assert "We make pumps" not in mail.outbox[-1].body  # the mail links back; the text stays on the site
    assert "SECRET" not in buyer_client.get(f"/en/marketplace/{listing.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(f"/en/marketplace/interests/{interest.pk}/accept/", {"share_email": "on"})
    interest.refresh_from_db()
    assert interest.status == "accepted" and interest.stage == "talking"
    assert mail.outbox[-1].to == [buyer.email]
    detail = buyer_client.get(f"/en/marketplace/{listing.pk}/").content.decode()
    assert "SECRET valve timing." in detail
    thread = buyer_client.get(f"/en/marketplace/interests/{interest.pk}/").content.decode()
    assert editor.email in thread and str(editor) in thread  # the owner chose to show the address
    assert buyer.email not in client_for(editor).get(f"/en/marketplace/interests/{interest.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        buyer_client.post(f"/en/marketplace/interests/{interest.pk}/messages/", {"body": "When can we visit?"})
    assert Message.objects.get().body == "When can we visit?"
    assert mail.outbox[-1].to[0] in owners and "When can we visit" not in mail.outbox[-1].body
    assert f"/marketplace/interests/{interest.pk}/" in mail.outbox[-1].body

    before = sum(r.value for r in agreements_in_force(timezone.localdate()))
    buyer_client.post(f"/en/marketplace/interests/{interest.pk}/stage/", {"stage": "agreement_signed"})
    interest.refresh_from_db()
    agreement = Agreement.all_records.get(pk=interest.agreement_id)
    assert interest.stage == "agreement_signed"
    assert {p.organisation_id for p in agreement.parties.all()} == {org.pk, other_org.pk}
    # the agreement goes through the registry's review like any other submission
    assert not agreement.is_published
    assert sum(r.value for r in agreements_in_force(timezone.localdate())) == before
    with django_capture_on_commit_callbacks(execute=True):
        publish_record(agreement, actor=moderator)
    assert sum(r.value for r in agreements_in_force(timezone.localdate())) == before + 1
    owner.post(f"/en/marketplace/interests/{interest.pk}/stage/", {"stage": "project_started"})
    interest.refresh_from_db()
    assert Project.all_records.get(pk=interest.project_id).partners.count() == 2
    assert Agreement.all_records.count() == 1  # made once
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    for action in ("submit", "publish", "express-interest", "accept-interest", "message", "lead-stage"):
        assert action in actions


def test_send_back_close_and_renew(market_roles: dict[str, Any], org: Any, listing_factory: Any) -> None:
    listing = listing_factory(organisation=org, status="submitted", published_at=None)
    client_for(market_roles["moderator"]).post(f"/en/marketplace/{listing.pk}/send-back/", {"comment": "Add a TRL."})
    listing.refresh_from_db()
    assert listing.status == "draft" and listing.moderation_comment == "Add a TRL."
    assert "Add a TRL." in client_for(market_roles["editor"]).get(listing.get_absolute_url()).content.decode()
    listing.status = "published"
    listing.save()
    until = timezone.localdate() + timedelta(days=200)
    client_for(market_roles["editor"]).post(f"/en/marketplace/{listing.pk}/renew/", {"until": until.isoformat()})
    listing.refresh_from_db()
    assert listing.expires_on == until
    client_for(market_roles["editor"]).post(f"/en/marketplace/{listing.pk}/close/", {"reason": "partner_found"})
    listing.refresh_from_db()
    assert listing.status == "closed" and listing.close_reason == "partner_found"
    assert client_for(None).get(listing.get_absolute_url()).status_code == 404


def test_expiry_and_reminders_are_idempotent(
    org: Any, listing_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    editor = UserFactory()
    Membership.objects.create(user=editor, organisation=org, role=MembershipRole.EDITOR)
    today = timezone.localdate()
    soon = listing_factory(organisation=org, expires_on=today + timedelta(days=5))
    past = listing_factory(organisation=org, expires_on=today - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert domain.remind_expiring(today=today) == 2
        assert domain.remind_expiring(today=today) == 0
    assert len(mail.outbox) == 2
    assert domain.expire_listings(today=today) == 1
    assert domain.expire_listings(today=today) == 0
    past.refresh_from_db()
    soon.refresh_from_db()
    assert past.status == "expired" and soon.status == "published"
    assert client_for(None).get(past.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("content", "accepted"),
    [(b"%PDF-1.7 plan", True), (b"\x89PNG\r\n\x1a\nxx", True), (b"\xff\xd8\xff\xe0jpg", True),
     (b"<html><script>alert(1)</script>", False), (b"MZ\x90\x00exe", False)],
)  # fmt: skip
def test_attachments_are_checked_by_content(
    content: bytes, accepted: bool, market_roles: dict[str, Any], org: Any, listing_factory: Any
) -> None:
    listing = listing_factory(organisation=org)
    upload = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")
    client_for(market_roles["editor"]).post(f"/en/marketplace/{listing.pk}/attachments/", {"file": upload})
    assert listing.attachments.exists() is accepted


def test_attachment_size_is_limited(market_roles: dict[str, Any], org: Any, listing_factory: Any) -> None:
    listing = listing_factory(organisation=org)
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * domain.MAX_ATTACHMENT_BYTES, content_type="application/pdf")
    response = client_for(market_roles["editor"]).post(f"/en/marketplace/{listing.pk}/attachments/", {"file": big})
    assert not listing.attachments.exists() and "larger than 5 MB" in response.content.decode()


def test_user_text_is_escaped(market_roles: dict[str, Any], org: Any, listing_factory: Any) -> None:
    listing = listing_factory(organisation=org, titles={"en": "<script>alert(1)</script>"})
    html = client_for(None).get(listing.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_messages_are_rate_limited(market_roles: dict[str, Any], org: Any, listing_factory: Any) -> None:
    listing = listing_factory(organisation=org)
    buyer = market_roles["member"]
    interest = Interest.objects.create(listing=listing, sender=buyer, message="hi", status="accepted", stage="talking")
    client = client_for(buyer)
    for n in range(domain.MESSAGES_PER_HOUR):
        assert client.post(f"/en/marketplace/interests/{interest.pk}/messages/", {"body": f"m{n}"}).status_code == 302
    response = client.post(f"/en/marketplace/interests/{interest.pk}/messages/", {"body": "one too many"})
    assert response.status_code == 429
    assert Message.objects.count() == domain.MESSAGES_PER_HOUR


def test_confidentiality_statement_acceptance_is_recorded(
    market_roles: dict[str, Any], org: Any, listing_factory: Any
) -> None:
    listing = listing_factory(organisation=org, requires_confidentiality=True, confidentiality_statement="Keep it.")
    client = client_for(market_roles["member"])
    assert "Keep it." in client.get(f"/en/marketplace/{listing.pk}/interest/").content.decode()
    client.post(f"/en/marketplace/{listing.pk}/interest/", {"message": "Hello"})
    assert not Interest.objects.exists()  # the statement must be accepted
    client.post(f"/en/marketplace/{listing.pk}/interest/", {"message": "Hello", "accept_confidentiality": "on"})
    assert Interest.objects.get().confidentiality_accepted_at is not None


def test_declining_records_the_structured_reason(
    market_roles: dict[str, Any], org: Any, listing_factory: Any, django_capture_on_commit_callbacks: Any
) -> None:
    listing = listing_factory(organisation=org)
    interest = Interest.objects.create(listing=listing, sender=market_roles["member"], message="hi")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(market_roles["owner_member"]).post(
            f"/en/marketplace/interests/{interest.pk}/decline/", {"reason": "too_early", "note": "Next year."}
        )
    interest.refresh_from_db()
    assert (interest.status, interest.decline_reason, interest.decline_note) == ("declined", "too_early", "Next year.")
    assert "Too early" in mail.outbox[-1].body
    html = client_for(market_roles["member"]).get(listing.get_absolute_url()).content.decode()
    assert "SECRET-DETAILS" not in html


@pytest.mark.parametrize("count", [1, 3])
def test_listing_page_has_constant_queries(
    org: Any, listing_factory: Any, client: Any, django_assert_num_queries: Any, count: int
) -> None:
    for _ in range(count):
        listing_factory(organisation=org)
    with django_assert_num_queries(5):  # fields and countries (filter choices), count, ids, rows
        client.get("/en/marketplace/", {"kind": "offer"})


def test_filters(org: Any, other_org: Any, listing_factory: Any, client: Any) -> None:
    listing_factory(organisation=org, titles={"en": "Kenyan offer"}, trl=8)
    listing_factory(organisation=other_org, kind="need", titles={"en": "Chinese need"}, trl=None, ip_status="")
    html = client.get("/en/marketplace/", {"kind": "need"}).content.decode()
    assert "Chinese need" in html and "Kenyan offer" not in html
    html = client.get("/en/marketplace/", {"country": "KE"}).content.decode()
    assert "Kenyan offer" in html and "Chinese need" not in html
    html = client.get("/en/marketplace/", {"trl": "7"}).content.decode()
    assert "Kenyan offer" in html and "Chinese need" not in html


def test_filter_form_keeps_the_choice_and_names_countries_in_the_page_language(client: Any, reference: Any) -> None:
    html = client.get("/fr/marketplace/", {"country": "CN", "kind": "need"}).content.decode()
    assert '<option value="CN" selected>Chine</option>' in html
    assert '<option value="need" selected>' in html
    assert len(re.findall(r'<option value="[^"]+" selected>', html)) == 2


@pytest.mark.parametrize("language", ["ar", "en", "es", "fr", "ru", "zh-hans"])
def test_pages_render_in_every_language(
    language: str, market_roles: dict[str, Any], org: Any, listing_factory: Any
) -> None:
    listing = listing_factory(organisation=org, titles={"fr": "Contrôleur pour irrigation"})
    interest = Interest.objects.create(listing=listing, sender=market_roles["member"], message="hi")
    owner = client_for(market_roles["editor"])
    for url in ("/marketplace/", f"/marketplace/{listing.pk}/", "/marketplace/mine/", "/marketplace/new/",
                f"/marketplace/interests/{interest.pk}/"):  # fmt: skip
        response = owner.get(f"/{language}{url}")
        assert response.status_code == 200, url
        assert f'lang="{language}"' in response.content.decode()
    assert "Contrôleur pour irrigation" in owner.get(f"/{language}/marketplace/").content.decode()


def test_attachment_names_in_any_script_are_served_safely(
    market_roles: dict[str, Any], org: Any, listing_factory: Any
) -> None:
    listing = listing_factory(organisation=org)
    upload = SimpleUploadedFile('方案"\r\n.pdf', b"%PDF-1.7", content_type="text/html")
    client = client_for(market_roles["editor"])
    client.post(f"/en/marketplace/{listing.pk}/attachments/", {"file": upload})
    attachment = listing.attachments.get()
    response = client.get(f"/en/marketplace/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "application/pdf"  # judged by content, not the declared type
    assert response["Content-Disposition"].startswith("attachment;") and "\n" not in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]

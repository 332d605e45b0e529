"""The marketplace's whole path in Chromium: an organisation posts an offer, a moderator
publishes it, a member of another organisation finds it by a search in Chinese, expresses
interest, the owner accepts, they exchange messages, the lead reaches "agreement signed",
a moderator publishes the agreement it records, and the indicators count it."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import Membership
from silkbridge.registry.reference import load_countries, load_fields
from tests.browser.conftest import ARTIFACTS
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def people(transactional_db: Any, settings: Any) -> dict[str, Any]:
    settings.SILKBRIDGE_EMBEDDER = "default"  # the real multilingual models: search across languages
    load_countries()
    load_fields()
    owner_org = OrganisationFactory(name="Nairobi Water Institute", country_id="KE")
    buyer_org = OrganisationFactory(name="Yunnan Farm Machinery Works", country_id="CN")
    owner, buyer = UserFactory(display_name="Amina Owner"), UserFactory(display_name="Li Buyer")
    Membership.objects.create(user=owner, organisation=owner_org, role=MembershipRole.EDITOR)
    Membership.objects.create(user=buyer, organisation=buyer_org, role=MembershipRole.EDITOR)
    return {"owner": owner, "buyer": buyer, "moderator": UserFactory(is_moderator=True)}


def signed_in(browser: Any, live_server: Any, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context.new_page()


def post_offer(page: Any, url: str, title: str, summary: str, details: str) -> None:
    page.goto(f"{url}/en/marketplace/new/")
    page.locator("#id_kind").select_option("offer")
    page.locator("#id_title").fill(title)
    page.locator("#id_summary").fill(summary)
    page.locator("#id_details").fill(details)
    page.locator("#id_trl").select_option("7")
    page.locator("#id_ip_status").select_option("patented")
    page.locator("#id_expires_on").fill((timezone.localdate() + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text(title)
    page.get_by_role("button", name="Submit for moderation").click()
    expect(page.locator(".messages")).to_contain_text("submitted")


def test_offer_to_signed_agreement(people: dict[str, Any], live_server: Any, browser: Any) -> None:
    url = live_server.url
    owner = signed_in(browser, live_server, people["owner"])
    post_offer(owner, url, "Solar drip irrigation controller",
               "A controller that opens drip irrigation lines by soil moisture, powered by a small solar panel.",
               "Valve timing algorithm and bill of materials.")  # fmt: skip
    post_offer(owner, url, "Radio telescope mirror polishing",
               "Polishing large mirrors for radio telescopes to a fine surface.", "Polishing recipe.")  # fmt: skip
    owner.screenshot(path=str(ARTIFACTS / "marketplace-posted-en.png"), full_page=True)

    moderator = signed_in(browser, live_server, people["moderator"])
    moderator.goto(f"{url}/en/marketplace/moderation/")
    for _ in range(2):
        moderator.get_by_role("button", name="Publish").first.click()
        expect(moderator.locator(".messages")).to_contain_text("published")
    expect(moderator.locator(".empty")).to_be_visible()

    buyer = signed_in(browser, live_server, people["buyer"])
    buyer.goto(f"{url}/zh-hans/marketplace/?q=太阳能滴灌")
    first = buyer.locator("ol.results li.result a").first
    expect(first).to_have_text("Solar drip irrigation controller")
    buyer.screenshot(path=str(ARTIFACTS / "marketplace-search-zh.png"), full_page=True)
    first.click()
    assert "Valve timing" not in buyer.content()
    buyer.goto(buyer.url.replace("/zh-hans/", "/en/"))
    buyer.get_by_role("link", name="Express interest").click()
    buyer.locator("#id_message").fill("We build pumps and would like to licence your controller.")
    buyer.get_by_role("button", name="Send").click()
    expect(buyer.locator(".interest-status")).to_have_text("Awaiting an answer")

    owner.goto(f"{url}/en/marketplace/mine/")
    owner.get_by_role("link", name="Solar drip irrigation controller").last.click()
    assert "Li Buyer" not in owner.content()  # the name is disclosed on acceptance
    owner.get_by_role("button", name="Accept").click()
    expect(owner.locator(".interest-status")).to_have_text("Accepted")
    assert "Li Buyer" in owner.content()

    buyer.reload()
    expect(buyer.locator(".interest-status")).to_have_text("Accepted")
    buyer.locator("#id_body").fill("When could we visit your workshop?")
    buyer.get_by_role("button", name="Send").click()
    owner.reload()
    expect(owner.locator(".thread-message")).to_contain_text("When could we visit your workshop?")
    owner.locator("#id_body").fill("Any Tuesday in March.")
    owner.get_by_role("button", name="Send").click()
    buyer.reload()
    expect(buyer.locator(".thread-message").last).to_contain_text("Any Tuesday in March.")
    buyer.get_by_role("link", name="Solar drip irrigation controller").click()
    expect(buyer.locator(".details")).to_contain_text("Valve timing algorithm")
    buyer.go_back()
    buyer.locator("#id_stage").select_option("agreement_signed")
    buyer.get_by_role("button", name="Update the stage").click()
    expect(buyer.locator(".lead-stage")).to_have_text("Agreement signed")
    buyer.screenshot(path=str(ARTIFACTS / "marketplace-thread-en.png"), full_page=True)

    # The agreement the lead records goes through the registry's review like any submission.
    buyer.goto(f"{url}/en/indicators/agreements-in-force/")
    row = buyer.locator("table.list tbody tr", has_text="Institutional agreement")
    expect(row.locator("td").last).to_have_text("0")
    moderator.goto(f"{url}/en/cooperation/review/")
    moderator.get_by_role("link", name="Solar drip irrigation controller").first.click()
    moderator.get_by_role("button", name="Publish").click()
    expect(moderator.locator(".messages")).to_contain_text("was published")

    buyer.goto(f"{url}/en/indicators/agreements-in-force/")
    row = buyer.locator("table.list tbody tr", has_text="Institutional agreement")
    expect(row.locator("td").last).to_have_text("1")
    buyer.goto(f"{url}/fr/indicators/agreements-in-force/")
    row = buyer.locator("table.list tbody tr", has_text="institution")  # the page in French counts it too
    expect(row.locator("td").last).to_have_text("1")

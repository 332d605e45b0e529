"""The review and the chain in Chromium: an organisation editor submits a joint laboratory
under an existing agreement (partners chosen by typing, fields by searching); it is not
public; a moderator sends it back, the editor fixes it, the moderator publishes; an
anonymous visitor follows agreement -> lab -> project -> output and sees the lab's status
on a past date; screenshots at 375 px and in Arabic."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from silkbridge.accounts.enums import MembershipRole
from silkbridge.accounts.models import Membership
from silkbridge.cooperation.models import Agreement, AgreementParty, JointLab
from silkbridge.registry.reference import load_countries, load_fields
from tests.browser.conftest import ARTIFACTS
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def cast(transactional_db: Any) -> dict[str, Any]:
    load_countries()
    load_fields()
    nairobi = OrganisationFactory(name="University of Nairobi", country_id="KE", city="Nairobi")
    OrganisationFactory(name="China Agricultural University", country_id="CN", city="Beijing")
    editor = UserFactory(email="editor@example.org")
    Membership.objects.create(user=editor, organisation=nairobi, role=MembershipRole.EDITOR)
    agreement = Agreement.objects.create(titles={"en": "China-Kenya S&T Cooperation Agreement"},
                                         kind="intergovernmental", signed_on=date(2014, 1, 10),
                                         in_force_from=date(2014, 3, 1))  # fmt: skip
    AgreementParty.objects.bulk_create([AgreementParty(agreement=agreement, country_id=c) for c in ("CN", "KE")])
    agreement.refresh_search_text()  # as the domain's writes do: the picker searches it
    agreement.save()
    return {"editor": editor, "moderator": UserFactory(is_moderator=True), "agreement": agreement}


def signed_in(browser: Any, live_server: Any, user: Any, **options: Any) -> Any:
    """A new page whose browser context holds `user`'s session."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context.new_page()


WIDEST = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376)
  .slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def fits_375(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_lab_goes_through_review_and_the_chain_is_followed(
    browser: Any, live_server: Any, cast: dict[str, Any]
) -> None:
    errors: list[str] = []
    editor = signed_in(browser, live_server, cast["editor"], viewport={"width": 1200, "height": 900})
    editor.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    editor.goto(f"{live_server.url}/en/cooperation/labs/new/")
    expect(editor.locator("h1")).to_have_text("Add a joint laboratory")
    editor.locator("#id_name").fill("Sino-Kenyan Joint Laboratory for Crop Molecular Biology")
    picker = editor.get_by_label("Agreement")  # searched as you type, chosen with the keyboard
    picker.fill("china-kenya")
    expect(editor.get_by_role("button", name="Choose: China-Kenya S&T Cooperation Agreement")).to_be_visible()
    picker.press("Tab")
    editor.keyboard.press("Enter")
    expect(picker).to_have_value(f"China-Kenya S&T Cooperation Agreement (#{cast['agreement'].pk})")
    finder = editor.get_by_label("Find an organisation by typing its name")
    role = editor.get_by_label("Role of the organisation you add")
    role.select_option("host")
    finder.press_sequentially("Univ. of Nairobi", delay=20)
    editor.get_by_role("button", name="Add: University of Nairobi").click()
    role.select_option("partner")
    finder.fill("")
    finder.press_sequentially("China Agricultural", delay=20)
    editor.get_by_role("button", name="Add: China Agricultural University").click()
    expect(editor.locator("#id_partners_text")).to_have_value(
        "University of Nairobi | host\nChina Agricultural University | partner"
    )
    editor.get_by_label("Search the list").fill("biotech")
    expect(editor.get_by_label("Industrial biotechnology", exact=True)).to_be_visible()
    expect(editor.get_by_label("Veterinary science", exact=True)).to_be_hidden()
    editor.get_by_label("Agricultural biotechnology", exact=True).check()
    editor.get_by_label("Established on").fill("2031-03-01")  # a typo the moderator will catch
    editor.screenshot(path=str(ARTIFACTS / "lab-form-en.png"), full_page=True)
    editor.get_by_role("button", name="Save").click()
    expect(editor.locator(".messages")).to_contain_text("was submitted for review")
    lab_url = editor.url
    lab = JointLab.all_records.get()
    assert not lab.is_published and lab.agreement == cast["agreement"]

    visitor = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    assert visitor.goto(lab_url).status == 404
    visitor.goto(f"{live_server.url}/en/cooperation/labs/")
    expect(visitor.locator("main")).not_to_contain_text("Crop Molecular Biology")

    moderator = signed_in(browser, live_server, cast["moderator"], viewport={"width": 1200, "height": 900})
    moderator.goto(f"{live_server.url}/en/cooperation/review/")
    moderator.get_by_role("link", name="Sino-Kenyan Joint Laboratory for Crop Molecular Biology").click()
    moderator.get_by_label("Comment for the submitter").fill("It was established in 2021, not 2031.")
    moderator.get_by_role("button", name="Send back").click()
    expect(moderator.locator(".messages")).to_contain_text("was sent back")

    editor.goto(lab_url)
    expect(editor.locator(".review")).to_contain_text("It was established in 2021, not 2031.")
    editor.get_by_role("link", name="Edit", exact=True).click()
    editor.get_by_label("Established on").fill("2021-03-01")
    editor.get_by_role("button", name="Save").click()
    expect(editor.locator(".messages")).to_contain_text("was submitted for review")

    moderator.goto(lab_url)
    moderator.get_by_role("button", name="Publish").click()
    expect(moderator.locator(".messages")).to_contain_text("was published")
    # a project under the lab, with a publication
    moderator.goto(f"{live_server.url}/en/cooperation/projects/new/")
    moderator.locator("#id_name").fill("Drought-tolerant maize for East Africa")
    moderator.get_by_label("Agreement").fill("China-Kenya S&T Cooperation Agreement")  # a whole name also does
    moderator.get_by_label("Joint laboratory").fill("molecular")
    moderator.get_by_role("button", name="Choose: Sino-Kenyan Joint Laboratory for Crop Molecular Biology").click()
    moderator.get_by_label("Start").fill("2022-01-01")
    moderator.get_by_role("button", name="Save").click()
    moderator.get_by_role("link", name="Add an output").click()
    moderator.get_by_label("Kind").select_option("publication")
    moderator.get_by_label("Year").fill("2024")
    moderator.get_by_label("Identifier (DOI, patent number)").fill("10.1016/j.fcr.2024.109301")
    moderator.get_by_role("button", name="Save").click()
    expect(moderator.locator(".messages")).to_contain_text("The output was saved")

    visitor.goto(f"{live_server.url}/en/cooperation/agreements/{cast['agreement'].pk}/")
    visitor.get_by_role("link", name="Sino-Kenyan Joint Laboratory for Crop Molecular Biology").click()
    expect(visitor.locator("h1")).to_have_text("Sino-Kenyan Joint Laboratory for Crop Molecular Biology")
    expect(visitor.locator(".status-on")).to_contain_text("Active")
    visitor.get_by_label("Status on", exact=True).fill("2020-06-30")
    visitor.get_by_role("button", name="Show").click()
    expect(visitor.locator(".status-on")).to_contain_text("Not yet started")
    assert fits_375(visitor)
    visitor.screenshot(path=str(ARTIFACTS / "lab-as-of-375.png"), full_page=True)
    visitor.get_by_role("link", name="Drought-tolerant maize for East Africa").click()
    doi = visitor.get_by_role("link", name="10.1016/j.fcr.2024.109301")
    assert doi.get_attribute("href") == "https://doi.org/10.1016/j.fcr.2024.109301"
    assert fits_375(visitor)
    visitor.screenshot(path=str(ARTIFACTS / "project-375.png"), full_page=True)

    for url in ("/en/organisations/", "/en/indicators/gaps/", "/en/cooperation/projects/", "/en/search/exposure/"):
        visitor.goto(f"{live_server.url}{url}")
        assert fits_375(visitor), (url, visitor.evaluate(WIDEST))
    visitor.goto(lab_url.replace("/en/", "/ar/"))
    expect(visitor.locator("html")).to_have_attribute("dir", "rtl")
    assert fits_375(visitor)
    visitor.screenshot(path=str(ARTIFACTS / "lab-ar-375.png"), full_page=True)
    visitor.set_viewport_size({"width": 1200, "height": 900})
    visitor.screenshot(path=str(ARTIFACTS / "lab-ar.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors

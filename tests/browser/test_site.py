from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from silkbridge.registry.importing import import_ror
from silkbridge.registry.reference import load_countries, load_fields
from tests.browser.conftest import ARTIFACTS

SAMPLES = Path(__file__).resolve().parents[1] / "data"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def registry(transactional_db: Any) -> None:
    load_countries()
    load_fields()
    import_ror([SAMPLES / "ror_v2_sample.jsonl", SAMPLES / "ror_v1_sample.csv"])


def test_search_open_an_organisation_and_switch_to_arabic(registry: Any, live_server: Any, page: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/en/")
    assert page.locator("h1").inner_text() == "Open science and technology cooperation between countries"
    page.screenshot(path=str(ARTIFACTS / "home-en.png"), full_page=True)

    page.get_by_label("Search organisations").fill("academy")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/organisations/?q=academy")
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 1
    page.screenshot(path=str(ARTIFACTS / "search-en.png"), full_page=True)

    page.get_by_role("link", name="Heilongjiang Academy of Sciences").click()
    # click() returns before the next page has loaded: wait for it, never read the old one
    expect(page.locator("h1")).to_have_text("Heilongjiang Academy of Sciences")
    assert "黑龙江省科学院" in page.content()

    page.get_by_role("link", name="العربيّة").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert "/ar/organisations/" in page.url
    assert page.get_by_role("link", name="المؤسسات").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "organisation-ar.png"), full_page=True)

    page.goto(f"{live_server.url}/zh-hans/organisations/?q=黑龙江")
    assert page.get_by_role("link", name="黑龙江省科学院").is_visible()
    page.screenshot(path=str(ARTIFACTS / "search-zh.png"), full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.mark.parametrize("language", ["ar", "en", "es", "fr", "ru", "zh-hans"])
def test_every_language_renders_with_its_direction(registry: Any, live_server: Any, page: Any, language: str) -> None:
    page.goto(f"{live_server.url}/{language}/organisations/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    # in a right-to-left page the brand sits at the right edge of the header
    brand = page.locator(".brand").bounding_box()
    assert (brand["x"] > 600) is (language == "ar")
    page.screenshot(path=str(ARTIFACTS / f"organisations-{language}.png"), full_page=True)


def test_admin_login_works_under_the_content_security_policy(registry: Any, live_server: Any, page: Any) -> None:
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/en/admin/login/")
    assert page.locator("#id_username").is_visible()
    assert not violations, violations


def test_indicator_page_draws_its_chart_and_map(registry: Any, live_server: Any, page: Any) -> None:
    from datetime import date

    from silkbridge.cooperation.models import Agreement, AgreementParty

    agreement = Agreement.objects.create(kind="intergovernmental", titles={"en": "A"}, in_force_from=date(2020, 1, 1))
    for code in ("CN", "KE"):
        AgreementParty.objects.create(agreement=agreement, country_id=code)
    page.goto(f"{live_server.url}/ar/indicators/partner-countries/?as_of=2021-01-01")
    assert page.locator("html").get_attribute("dir") == "rtl"
    bars = page.locator(".chart rect.bar")
    assert bars.count() == 2 and bars.first.bounding_box()["width"] > 100
    kenya = page.locator(".map path.shade5").count()
    assert kenya == 2  # China and Kenya, shaded as the maximum
    page.screenshot(path=str(ARTIFACTS / "indicator-ar.png"), full_page=True)


def test_site_search_from_the_header_explains_results_in_every_direction(
    registry: Any, live_server: Any, page: Any
) -> None:
    page.goto(f"{live_server.url}/en/")
    page.locator("#site-q").fill("Heilongjiang academy")
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/search/?q=Heilongjiang+academy")
    first = page.locator("ol.results > li").first
    assert "Heilongjiang Academy of Sciences" in first.inner_text()
    assert "Words found: Heilongjiang, academy" in first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "site-search-en.png"), full_page=True)
    first.get_by_role("link").click()
    expect(page.locator("h2", has_text="Similar organisations")).to_be_visible()
    expect(page.locator("h2", has_text="Potential partners")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "organisation-panels-en.png"), full_page=True)
    page.goto(f"{live_server.url}/ar/search/?q=黑龙江")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert "Heilongjiang Academy of Sciences" in page.locator("ol.results").inner_text()
    # the name that matched, in the query's script, is shown under the English one
    expect(page.locator("ol.results li.passage").first).to_contain_text("黑龙江省科学院")
    page.screenshot(path=str(ARTIFACTS / "site-search-ar.png"), full_page=True)


def test_sign_up_suggests_the_registry_organisation(registry: Any, live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/en/accounts/signup/")
    page.get_by_label("Your name").fill("Li Wei")
    page.get_by_label("E-mail address").fill("li.wei@example.org")
    page.locator("#id_password1").fill("a-long-passphrase-9")
    page.get_by_label("Password again").fill("a-long-passphrase-9")
    page.get_by_label("Your organisation").fill("Heilongjiang Acad. of Sciences, Harbin")
    page.keyboard.press("Enter")
    error = page.locator(".error", has_text="Did you mean")
    error.wait_for()
    assert "Did you mean “Heilongjiang Academy of Sciences”" in error.inner_text()
    page.screenshot(path=str(ARTIFACTS / "signup-suggestion-en.png"), full_page=True)


def test_staff_see_the_fair_exposure_report(registry: Any, live_server: Any, page: Any) -> None:
    from django.test import Client

    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(is_staff=True))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/fr/search/?q=university")
    page.get_by_role("link", name="Exposition équitable dans la recherche").click()
    page.wait_for_url("**/fr/search/exposure/**")
    table = page.locator("table")
    assert "Part des apparitions" in table.inner_text()
    assert table.locator("tbody tr").count() > 1
    page.screenshot(path=str(ARTIFACTS / "exposure-fr.png"), full_page=True)


def test_an_edited_organisation_is_found_by_its_new_words(registry: Any, live_server: Any, page: Any) -> None:
    from django.test import Client

    from silkbridge.registry.models import Organisation
    from tests.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(is_staff=True))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    org = Organisation.objects.get(name="Heilongjiang Academy of Sciences")
    page.goto(f"{live_server.url}/en/search/?q=permafrost+thaw+monitoring")
    expect(page.locator("p.empty")).to_be_visible()
    page.goto(f"{live_server.url}/en/organisations/{org.pk}/edit/")
    page.get_by_label("Description").fill("Permafrost thaw monitoring on the Amur.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Heilongjiang Academy of Sciences")
    page.goto(f"{live_server.url}/en/search/?q=permafrost+thaw+monitoring")
    first = page.locator("li.result").first
    expect(first.get_by_role("link", name="Heilongjiang Academy of Sciences")).to_be_visible()
    assert "Words found: permafrost, thaw, monitoring" in first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "search-after-edit-en.png"), full_page=True)

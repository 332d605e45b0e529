"""The check-in desk in Chromium: a badge code checks in online; with the network cut the
next one waits in the browser's queue and is recorded once the network is back."""

from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from silkbridge.events.models import Registration
from tests.browser.conftest import ARTIFACTS
from tests.events.conftest import make_event, participant
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_check_in_online_then_offline_then_back(browser: Any, live_server: Any, transactional_db: Any) -> None:
    organiser = UserFactory(is_event_organiser=True, display_name="Olga Organiser")
    event = make_event(organiser)
    ana, bo = participant(event, "Ana Alvarez"), participant(event, "Bo Bai")
    client = Client()
    client.force_login(organiser)
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/en/events/{event.slug}/check-in/")

    page.get_by_label("Badge code").fill(ana.badge_secret.lower())
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.locator("#check-in-log li").first).to_contain_text("Ana Alvarez")

    context.set_offline(True)
    page.get_by_label("Badge code").fill(bo.badge_secret)
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.locator("#check-in-pending")).to_contain_text(bo.badge_secret)
    assert page.evaluate("Object.values(localStorage).join()").count(bo.badge_secret) == 1
    assert Registration.objects.get(pk=bo.pk).checked_in_at is None
    page.screenshot(path=str(ARTIFACTS / "check-in-offline.png"), full_page=True)

    context.set_offline(False)  # the browser fires "online": the queue is sent
    expect(page.locator("#check-in-log li").first).to_contain_text("Bo Bai", timeout=15000)
    expect(page.locator("#check-in-pending")).to_be_hidden()
    page.get_by_label("Badge code").fill(ana.badge_secret)
    page.get_by_role("button", name="Check in", exact=True).click()
    expect(page.locator("#check-in-log li").first).to_contain_text("already checked in")
    page.screenshot(path=str(ARTIFACTS / "check-in.png"), full_page=True)
    assert set(Registration.objects.filter(checked_in_at__isnull=False).values_list("name", flat=True)) == {
        "Ana Alvarez", "Bo Bai",
    }  # fmt: skip
    assert page.evaluate("Object.values(localStorage).join()") in ("", "[]")
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()

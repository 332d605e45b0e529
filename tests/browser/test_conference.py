"""Issue #18's "done when", in Chromium: an organiser creates a small conference; ten
participants register (one through a head of delegation, one promoted from the waiting
list); they request, accept and decline meetings; one pair books itself; the organiser
schedules the rest and publishes; a participant downloads their agenda (.ics) and badge
(PDF); the desk checks people in, once with the network cut; a participant answers the
follow-up; the organiser reads the report. Screenshots in Arabic and Chinese too. Then, before
a conference: follow-up questions answered and exported, a programme published twice."""

import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from silkbridge.events.enums import MeetingState, RegistrationStatus, RequestStatus
from silkbridge.events.models import Event, Meeting, MeetingFeedback, MeetingRequest, Registration
from silkbridge.registry.reference import load_countries
from tests.browser.conftest import ARTIFACTS
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NAMES = ["Ana Alvarez", "Bo Bai", "Chen Chao", "Dina Dube", "Emil Egorov", "Fatima Farah", "Goran Gil"]


class Site:
    def __init__(self, browser: Any, url: str) -> None:
        self.browser, self.url, self.pages = browser, url, {}

    def as_user(self, user: Any) -> Any:
        """A page signed in as `user` (one browser context each, kept for the test)."""
        if user.pk not in self.pages:
            client = Client()
            client.force_login(user)
            context = self.browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
            context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.url}])
            self.pages[user.pk] = context.new_page()
        return self.pages[user.pk]

    def go(self, user: Any, path: str, language: str = "en") -> Any:
        page = self.as_user(user)
        page.goto(f"{self.url}/{language}/events/expo/{path}")
        return page


def submit(page: Any) -> None:
    page.locator("form.form button[type=submit]").last.click()


def create_event(site: Site, organiser: Any) -> Event:
    page = site.as_user(organiser)
    page.goto(f"{site.url}/en/events/new/")
    yesterday = timezone.now().date() - timedelta(days=1)
    page.locator("#id_slug").fill("expo")
    page.locator("#id_title").fill("Silk Road S&T Exchange")
    page.locator("#id_starts_on").fill(yesterday.isoformat())
    page.locator("#id_ends_on").fill((yesterday + timedelta(days=2)).isoformat())
    page.locator("#id_capacity_official").fill("10")
    page.locator("#id_capacity_scholar").fill("1")
    page.locator("#id_table_count").fill("2")
    page.locator("#id_slots_text").fill(f"{yesterday} 09:00-09:20\n{yesterday} 09:30-09:50\n{yesterday} 10:00-10:20")
    page.locator("#id_self_booking_open").check()
    submit(page)
    expect(page.locator("h1")).to_contain_text("Silk Road S&T Exchange")
    return Event.objects.get(slug="expo")


def register(site: Site, user: Any, category: str) -> None:
    page = site.go(user, "")
    page.locator("#id_category").select_option(label=category)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Your registration")).to_be_visible()


def delegation(site: Site, organiser: Any) -> Any:
    """The organiser invites Kazakhstan's head, who accepts and registers one member."""
    page = site.go(organiser, "delegations/")
    page.locator("#id_country").select_option("KZ")
    page.locator("#id_email").fill("head@example.kz")
    page.locator("#id_quota").fill("2")
    submit(page)
    link = re.search(r"http://\S+/join/\S+/", mail.outbox[-1].body)
    assert link is not None
    head = UserFactory(email="head@example.kz", display_name="Head Kaliyev")
    page = site.as_user(head)
    page.goto(site.url + urlsplit(link.group(0)).path)
    page.get_by_role("button", name="Accept and lead the delegation").click()
    page.locator("#id_name").fill("Aigerim Abenova")
    page.locator("#id_email").fill("aigerim@example.kz")
    page.locator("#id_organisation_name").fill("KazNU")
    page.locator("#id_category").select_option(label="Official")
    submit(page)
    expect(page.locator("table.list")).to_contain_text("Aigerim Abenova")
    return head


def list_in_directory(site: Site, user: Any, pitch: str) -> None:
    page = site.go(user, "directory/")
    page.locator("#id_opt_in").check()
    page.locator("#id_pitch").fill(pitch)
    page.locator("form.form button[type=submit]").first.click()


def request_meeting(site: Site, user: Any, other: str, reason: str) -> None:
    page = site.go(user, "directory/")
    card = page.locator("ul.cards li", has_text=other)
    card.locator("input[name=reason]").fill(reason)
    card.get_by_role("button", name="Request a meeting").click()


def answer(site: Site, user: Any, requester: str, accept: bool) -> None:
    page = site.go(user, "requests/")
    item = page.locator("li", has_text=requester)
    if accept:
        item.get_by_role("button", name="Accept").click()
    else:
        item.locator("select[name=decline_reason]").select_option(index=1)
        item.get_by_role("button", name="Decline").click()


def test_a_small_conference_end_to_end(browser: Any, live_server: Any, transactional_db: Any, settings: Any) -> None:
    load_countries()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    site = Site(browser, live_server.url)
    organiser = UserFactory(is_event_organiser=True, display_name="Olga Organiser")
    people = [UserFactory(display_name=name) for name in NAMES]
    scholars = [UserFactory(display_name="Sami Scholar"), UserFactory(display_name="Wen Waiting")]
    ana, bo, chen, dina = people[:4]

    event = create_event(site, organiser)
    for user in people:
        register(site, user, "Official")
    register(site, scholars[0], "Scholar")
    register(site, scholars[1], "Scholar")  # the one scholar place is taken: waiting list
    assert Registration.objects.get(user=scholars[1]).status == RegistrationStatus.WAITING
    site.go(scholars[0], "").get_by_role("button", name="Cancel my registration").click()
    assert Registration.objects.get(user=scholars[1]).status == RegistrationStatus.CONFIRMED  # promoted
    delegation(site, organiser)
    assert event.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 10

    for user, pitch in ((ana, "Soil sensors"), (bo, "Irrigation"), (chen, "Seeds"), (dina, "Drones")):
        list_in_directory(site, user, pitch)
    request_meeting(site, ana, "Bo Bai", "Soil moisture sensors")
    request_meeting(site, ana, "Chen Chao", "Seed banks")
    request_meeting(site, dina, "Bo Bai", "Drone irrigation")
    request_meeting(site, chen, "Dina Dube", "Seed drones")
    answer(site, bo, "Ana Alvarez", accept=True)
    answer(site, chen, "Ana Alvarez", accept=False)
    answer(site, bo, "Dina Dube", accept=True)
    answer(site, dina, "Chen Chao", accept=True)
    statuses = sorted(MeetingRequest.objects.values_list("status", flat=True))
    assert statuses == sorted([RequestStatus.ACCEPTED] * 3 + [RequestStatus.DECLINED])

    page = site.go(ana, "requests/")  # Ana and Bo book their meeting themselves
    page.get_by_role("link", name="Pick a time").click()
    page.locator("#id_slot").select_option(index=1)
    submit(page)
    expect(page.locator("h1")).to_contain_text("My agenda")
    assert Meeting.objects.get().state == MeetingState.PUBLISHED

    page = site.go(organiser, "schedule/")  # the scheduler places the other two
    page.get_by_role("button", name="Run the scheduler").click()
    page.goto(f"{live_server.url}/en/events/expo/schedule/")
    page.get_by_role("button", name=re.compile("Publish 2 draft meetings")).click()
    assert Meeting.objects.filter(state=MeetingState.PUBLISHED).count() == 3
    page.goto(f"{live_server.url}/en/events/expo/schedule/")
    page.screenshot(path=str(ARTIFACTS / "conference-schedule.png"), full_page=True)

    page = site.go(ana, "agenda/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Add to my calendar (.ics)").click()
    calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
    meetings = list(calendar.walk("VEVENT"))
    assert len(meetings) == 1 and "Bo Bai" in str(meetings[0]["SUMMARY"]) + str(meetings[0].get("DESCRIPTION", ""))
    page = site.go(ana, "")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my badge (PDF)").click()
    badge = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    ana_registration = Registration.objects.get(user=ana)
    assert len(badge.pages) == 1 and "Ana Alvarez" in badge.pages[0].extract_text()

    desk = site.go(organiser, "check-in/")
    desk.get_by_label("Badge code").fill(ana_registration.badge_secret)
    desk.get_by_role("button", name="Check in", exact=True).click()
    expect(desk.locator("#check-in-log li").first).to_contain_text("Ana Alvarez")
    desk.context.set_offline(True)
    desk.get_by_label("Badge code").fill(Registration.objects.get(user=bo).badge_secret)
    desk.get_by_role("button", name="Check in", exact=True).click()
    expect(desk.locator("#check-in-pending")).to_be_visible()
    desk.context.set_offline(False)
    expect(desk.locator("#check-in-log li").first).to_contain_text("Bo Bai", timeout=15000)
    assert event.registrations.filter(checked_in_at__isnull=False).count() == 2

    page = site.go(ana, "agenda/")  # the follow-up: it happened and led to an agreement
    page.locator("input[name=happened][value=yes]").check()
    page.locator("select[name=outcome]").select_option("agreement")
    page.get_by_role("button", name="Save").click()
    assert MeetingFeedback.objects.get().outcome == "agreement"

    page = site.go(organiser, "report/")
    report = page.locator("main").inner_text()
    for figure in ("Attendance", "Checked in", "An agreement"):
        assert figure in report
    page.screenshot(path=str(ARTIFACTS / "conference-report.png"), full_page=True)
    for language, prefix in (("ar", "arabic"), ("zh-hans", "chinese")):
        for user, path, name in ((organiser, "report/", "report"), (ana, "agenda/", "agenda"),
                                 (organiser, "check-in/", "check-in")):  # fmt: skip
            page = site.go(user, path, language)
            assert page.locator("html").get_attribute("lang") == language
            page.screenshot(path=str(ARTIFACTS / f"conference-{name}-{prefix}.png"), full_page=True)
    for page in site.pages.values():
        page.context.close()


def test_follow_up_answers_and_a_programme_republished_end_to_end(
    browser: Any, live_server: Any, transactional_db: Any, settings: Any
) -> None:
    """Before the conference: the organiser asks the follow-up questions; a participant opens
    the link in their confirmation e-mail and answers (visa letter, excursions); the organiser
    reads and exports the answers. The organiser publishes the programme, a participant
    bookmarks a session with the keyboard, the organiser moves it and publishes version 2: the
    changelog says so and the bookmarker gets an e-mail."""
    load_countries()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    site = Site(browser, live_server.url)
    organiser = UserFactory(is_event_organiser=True, display_name="Olga Organiser")
    ana = UserFactory(display_name="Ana Alvarez")
    page = site.as_user(organiser)
    page.goto(f"{site.url}/en/events/new/")
    first = timezone.now().date() + timedelta(days=30)
    page.locator("#id_slug").fill("expo")
    page.locator("#id_title").fill("Silk Road S&T Exchange")
    page.locator("#id_starts_on").fill(first.isoformat())
    page.locator("#id_ends_on").fill((first + timedelta(days=1)).isoformat())
    page.locator("#id_capacity_official").fill("10")
    submit(page)

    questions = [("visa", "Do you need a visa invitation letter?", ""),
                 ("choices", "Which excursions will you join?", "Terracotta Army\nCity wall")]  # fmt: skip
    for kind, text, options in questions:
        page = site.go(organiser, "follow-up/questions/new/")
        page.locator("#id_kind").select_option(kind)
        page.locator("#id_text").fill(text)
        page.locator("#id_options").fill(options)
        submit(page)
    register(site, ana, "Official")
    link = re.search(r"http://\S+/registration/", mail.outbox[-1].body)
    assert link is not None
    page = site.as_user(ana)
    page.goto(site.url + urlsplit(link.group(0)).path)
    page.get_by_label("Do you need a visa invitation letter?").check()
    page.get_by_label("Name as in the passport").fill("ANA ALVAREZ")
    page.get_by_label("Passport number").fill("P1234567")
    page.get_by_label("Nationality").select_option("ES")
    page.get_by_label("City wall").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Your answers were saved.")).to_be_visible()
    page = site.go(organiser, "follow-up/answers/")
    expect(page.locator("table.list")).to_contain_text("P1234567")
    with page.expect_download() as download:
        page.get_by_role("link", name="Answers (CSV)").click()
    assert "ANA ALVAREZ,P1234567,Spain,City wall" in Path(download.value.path()).read_text()

    for title, room, start, end in (
        ("Soil health", "Hall A", "10:00", "10:40"),
        ("Solar pumps", "Hall B", "11:00", "11:30"),
    ):
        page = site.go(organiser, "programme/new/")
        page.locator("#id_title").fill(title)
        page.locator("#id_room").fill(room)
        page.locator("#id_day").fill(first.isoformat())
        page.locator("#id_start").fill(start)
        page.locator("#id_end").fill(end)
        submit(page)
    page.get_by_role("button", name="Publish version 1").click()
    page = site.go(ana, "programme/")
    toggle = page.get_by_role("button", name="Bookmark “Soil health”")
    toggle.focus()
    page.keyboard.press("Enter")  # a plain button: the keyboard works as the mouse
    expect(page.get_by_role("button", name="Bookmark “Soil health”")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="Bookmark “Soil health”")).to_be_focused()  # htmx keeps the focus
    page = site.go(organiser, "programme/draft/")
    page.locator("tr", has_text="Soil health").get_by_role("link", name="Edit").click()
    page.locator("#id_start").fill("11:30")
    page.locator("#id_end").fill("12:10")
    page.locator("#id_room").fill("Hall C")
    submit(page)
    expect(page.locator("main")).to_contain_text("“Soil health” moved from 10:00 to 11:30.")
    page.get_by_role("button", name="Publish version 2").click()
    changes = page.locator("#version-2")
    expect(changes).to_contain_text("“Soil health” moved from 10:00 to 11:30.")
    expect(changes).to_contain_text("moved from room Hall A to room Hall C")
    notice = [m for m in mail.outbox if m.to == [ana.email] and "programme" in m.subject]
    assert len(notice) == 1 and "moved from 10:00 to 11:30" in notice[0].body
    for language, prefix in (("ar", "arabic"), ("zh-hans", "chinese")):
        for user, path, name in ((None, "programme/changes/", "changelog"), (ana, "registration/", "follow-up")):
            page = site.go(user or organiser, path, language)
            assert page.locator("html").get_attribute("lang") == language
            page.screenshot(path=str(ARTIFACTS / f"conference-{name}-{prefix}.png"), full_page=True)
    for page in site.pages.values():
        page.context.close()

"""Event pages: the permission matrix, the organiser's set-up and schedule, the participant's
registration, requests and agenda (web and .ics)."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from silkbridge.events import domain, report
from silkbridge.events.enums import MeetingState, RegistrationStatus, RequestStatus
from silkbridge.events.models import (
    Event,
    Meeting,
    MeetingFeedback,
    MeetingRequest,
    MeetingSlot,
    Registration,
    Session,
)
from tests.conftest import client_for
from tests.events.conftest import accepted, make_event, participant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roles(event: Event, organiser: Any, people: list[Registration]) -> dict[str, Any]:
    return {
        "organiser": organiser,
        "other_organiser": UserFactory(is_event_organiser=True),
        "participant": people[0].user,
        "member": UserFactory(),
        "anonymous": None,
    }


def url(name: str, event: Event, *args: Any) -> str:
    return reverse(f"events:{name}", args=[event.slug, *args])


# expected status per role: organiser, other organiser, participant, other member, anonymous
MATRIX = {
    "detail": (200, 200, 200, 200, 200),
    "edit": (200, 403, 403, 403, 302),
    "registrations": (200, 403, 403, 403, 302),
    "schedule": (200, 403, 403, 403, 302),
    "directory": (200, 403, 200, 403, 302),
    "requests": (404, 404, 200, 404, 302),
    "agenda": (404, 404, 200, 404, 302),
    "agenda_ics": (404, 404, 200, 404, 302),
    "report": (200, 403, 403, 403, 302),
    "report_csv": (200, 403, 403, 403, 302),
    "delegations": (200, 403, 403, 403, 302),
}
ROLES = ["organiser", "other_organiser", "participant", "member", "anonymous"]


@pytest.mark.parametrize("page", sorted(MATRIX))
def test_permission_matrix_of_pages(page: str, event: Event, roles: dict[str, Any]) -> None:
    for role, expected in zip(ROLES, MATRIX[page], strict=True):
        response = client_for(roles[role]).get(url(page, event))
        assert response.status_code == expected, (page, role)


@pytest.mark.parametrize(
    ("action", "args"),
    [("run_schedule", ()), ("publish", ()), ("meeting_action", ("cancel",)), ("meeting_action", ("pin",))],
)
def test_only_the_events_organisers_change_its_schedule(
    action: str, args: tuple[str, ...], event: Event, roles: dict[str, Any], people: list[Registration]
) -> None:
    meeting = domain.place_meeting(
        accepted(people[0], people[1]), slot=event.slots.first(), table=event.tables.first(), actor=None
    )
    extra = (meeting.pk, *args) if action == "meeting_action" else ()
    for role in ("other_organiser", "participant", "member"):
        assert client_for(roles[role]).post(url(action, event, *extra)).status_code == 403, role
    assert client_for(None).post(url(action, event, *extra)).status_code == 302
    assert Meeting.objects.filter(pk=meeting.pk, pinned=True, state=MeetingState.DRAFT).exists()
    assert not event.schedule_runs.exists()


def test_event_creation_is_for_the_organiser_role(roles: dict[str, Any]) -> None:
    assert client_for(roles["other_organiser"]).get(reverse("events:create")).status_code == 200
    assert client_for(roles["member"]).get(reverse("events:create")).status_code == 403
    assert client_for(None).get(reverse("events:create")).status_code == 302


def test_contact_details_reach_only_the_organiser(
    event: Event, roles: dict[str, Any], people: list[Registration]
) -> None:
    email = people[1].user.email
    assert email in client_for(roles["organiser"]).get(url("registrations", event)).content.decode()
    for role in ("participant", "member", "other_organiser"):
        assert email not in client_for(roles[role]).get(url("directory", event)).content.decode()


def test_an_unlisted_event_is_hidden_from_everybody_but_its_organisers(organiser: Any) -> None:
    event = make_event(organiser, slug="closed", is_public=False)
    assert client_for(organiser).get(url("detail", event)).status_code == 200
    assert client_for(UserFactory()).get(url("detail", event)).status_code == 404
    assert "closed" not in client_for(None).get(reverse("events:list")).content.decode()


def test_an_organiser_creates_an_event_with_its_b2b_set_up(organiser: Any) -> None:
    response = client_for(organiser).post(reverse("events:create"), {
        "slug": "fair", "title": "Technology fair", "starts_on": "2026-11-10", "ends_on": "2026-11-11",
        "time_zone": "Asia/Almaty", "main_language": "ru", "other_languages": ["en"], "venue": "Almaty",
        "is_public": "on", "request_cap": "5", "request_expiry_hours": "24", "table_count": "3",
        "slots_text": "2026-11-10 09:00-09:20\n2026-11-10 09:30-09:50", "capacity_scholar": "100",
        "capacity_media": "0",
    })  # fmt: skip
    event = Event.objects.get(slug="fair")
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    assert event.titles == {"en": "Technology fair"} and event.languages == ["ru", "en"]
    assert event.request_cap == 5 and list(event.tables.values_list("name", flat=True)) == ["1", "2", "3"]
    first = event.slots.first()
    assert first is not None and first.starts_at == datetime(2026, 11, 10, 9, tzinfo=ZoneInfo("Asia/Almaty"))
    assert dict(event.categories.values_list("category", "capacity")) == {"scholar": 100, "media": 0}
    assert list(event.organisers.all()) == [organiser]


def test_a_bad_slot_line_is_reported_and_nothing_is_saved(organiser: Any) -> None:
    response = client_for(organiser).post(reverse("events:create"), {
        "slug": "fair", "title": "Fair", "starts_on": "2026-11-10", "ends_on": "2026-11-11", "time_zone": "UTC",
        "main_language": "en", "request_expiry_hours": "24", "table_count": "1", "slots_text": "tomorrow at nine",
    })  # fmt: skip
    assert response.status_code == 200 and "is not a slot like" in response.content.decode()
    assert not Event.objects.filter(slug="fair").exists()


def test_registration_through_the_page_confirms_then_puts_on_the_waiting_list(
    organiser: Any, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(organiser, capacity=1)
    scholar = event.categories.get(category="scholar")
    first, second = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(first).post(url("register", event), {"category": scholar.pk})
        client_for(second).post(url("register", event), {"category": scholar.pk})
    statuses = dict(event.registrations.values_list("user_id", "status"))
    assert statuses == {first.pk: RegistrationStatus.CONFIRMED, second.pk: RegistrationStatus.WAITING}
    assert len(mail.outbox) == 2
    client_for(first).post(url("cancel_registration", event))
    assert event.registrations.get(user=second).status == RegistrationStatus.CONFIRMED


def test_request_accept_and_decline_through_the_pages(event: Event, people: list[Registration]) -> None:
    ana, bo, chen, _dina = people
    client_for(ana.user).post(url("request", event, bo.pk), {"reason": "Drip irrigation pilots"})
    client_for(ana.user).post(url("request", event, chen.pk), {"reason": "Seed banks"})
    to_bo, to_chen = MeetingRequest.objects.order_by("id")
    assert to_bo.reason == "Drip irrigation pilots" and to_bo.status == RequestStatus.PENDING
    assert client_for(chen.user).post(url("answer", event, to_bo.pk), {"decision": "accept"}).status_code == 404
    assert client_for(ana.user).post(url("answer", event, to_bo.pk), {"decision": "accept"}).status_code == 403
    client_for(bo.user).post(url("answer", event, to_bo.pk), {"decision": "accept"})
    client_for(chen.user).post(url("answer", event, to_chen.pk), {"decision": "decline", "decline_reason": "no_time"})
    assert MeetingRequest.objects.get(pk=to_bo.pk).status == RequestStatus.ACCEPTED
    declined = MeetingRequest.objects.get(pk=to_chen.pk)
    assert (declined.status, declined.decline_reason) == (RequestStatus.DECLINED, "no_time")
    assert "Drip irrigation pilots" in client_for(bo.user).get(url("requests", event)).content.decode()


def test_the_organiser_runs_the_scheduler_in_the_background_and_publishes(
    organiser: Any, event: Event, people: list[Registration], django_capture_on_commit_callbacks: Any
) -> None:
    ana, bo, chen, dina = people
    accepted(ana, bo), accepted(chen, dina), accepted(ana, chen)
    Registration.objects.filter(pk=dina.pk).update(available_slots=[])
    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("run_schedule", event), {"time_limit": "2"})
    run = event.schedule_runs.get()
    assert run.status == "done" and run.meetings_count == 2
    page = client.get(url("schedule", event)).content.decode()
    assert "There is no slot in which both are free." in page  # Chen and Dina
    assert "Proven upper bound" in page
    client.post(url("publish", event))
    assert set(event.meetings.values_list("state", flat=True)) == {MeetingState.PUBLISHED}


def test_a_move_that_breaks_a_rule_is_refused_on_the_page(
    organiser: Any, event: Event, people: list[Registration]
) -> None:
    ana, bo, chen, dina = people
    s9, s10, _s11 = event.slots.all()
    t1, t2 = event.tables.all()
    first = domain.place_meeting(accepted(ana, bo), slot=s9, table=t1, actor=None)
    domain.place_meeting(accepted(chen, dina), slot=s10, table=t2, actor=None)
    response = client_for(organiser).post(url("meeting", event, first.pk), {"slot": s10.pk, "table": t2.pk})
    assert response.status_code == 200 and "This table is taken in this slot." in response.content.decode()
    client_for(organiser).post(url("meeting", event, first.pk), {"slot": s10.pk, "table": t1.pk})
    assert Meeting.objects.get(pk=first.pk).slot == s10


def test_agenda_page_and_ics_show_published_meetings_with_the_other_side(
    event: Event, people: list[Registration]
) -> None:
    ana, bo, _chen, _dina = people
    slot = event.slots.order_by("starts_at")[1]  # 10:00 in Asia/Shanghai
    domain.place_meeting(accepted(ana, bo), slot=slot, table=event.tables.last(), actor=None)
    assert "Bo Institute" not in client_for(ana.user).get(url("agenda", event)).content.decode()  # draft
    domain.publish_schedule(event, actor=None)
    page = client_for(ana.user).get(url("agenda", event)).content.decode()
    assert "Bo Institute" in page and "10:00" in page
    response = client_for(ana.user).get(url("agenda_ics", event))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    [entry] = calendar.walk("VEVENT")
    start = entry.decoded("dtstart")
    assert start == datetime(2026, 11, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert str(start.tzinfo) == "Asia/Shanghai" and entry["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert entry.decoded("dtend") - start == (slot.ends_at - slot.starts_at)
    assert "Bo" in str(entry["summary"]) and str(entry["location"]) == "Table 2"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


@pytest.mark.parametrize("page", ["schedule", "registrations", "directory"])
def test_list_pages_make_a_fixed_number_of_queries(
    page: str, organiser: Any, django_assert_max_num_queries: Any
) -> None:
    event = make_event(organiser)
    people = [participant(event, f"P{n}") for n in range(8)]
    client = client_for(organiser)
    domain.place_meeting(accepted(people[0], people[1]), slot=event.slots.first(), table=event.tables.first(),
                         actor=None)  # fmt: skip
    client.get(url(page, event))
    with django_assert_max_num_queries(40) as few:
        client.get(url(page, event))
    slots, table = list(event.slots.all()), event.tables.last()
    for n in (2, 4):  # two more meetings, and one accepted request left unscheduled
        domain.place_meeting(accepted(people[n], people[n + 1]), slot=slots[n // 2], table=table, actor=None)
    accepted(people[6], people[7])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url(page, event))


def test_the_two_sides_of_an_accepted_request_book_a_free_common_slot(
    organiser: Any, people: list[Registration]
) -> None:
    event = make_event(organiser, slug="booking", self_booking_open=True)
    ana, bo, chen = (participant(event, n) for n in ("Ana", "Bo", "Chen"))
    s9, s10, s11 = event.slots.all()
    Registration.objects.filter(pk=bo.pk).update(available_slots=[s10.pk, s11.pk])
    domain.place_meeting(accepted(ana, chen), slot=s10, table=event.tables.first(), actor=None)
    request = accepted(ana, bo)
    page = client_for(bo.user).get(url("book", event, request.pk)).content.decode()
    assert f'value="{s11.pk}"' in page and f'value="{s9.pk}"' not in page and f'value="{s10.pk}"' not in page
    assert client_for(chen.user).get(url("book", event, request.pk)).status_code == 404  # not a party
    response = client_for(bo.user).post(url("book", event, request.pk), {"slot": s11.pk})
    assert response.status_code == 302
    meeting = Meeting.objects.get(request=request)
    assert (meeting.slot, meeting.state) == (s11, MeetingState.PUBLISHED)
    assert client_for(ana.user).get(url("book", event, request.pk)).status_code == 403  # booked already
    run = domain.schedule_event(domain.request_schedule(event, actor=None, time_limit=1))
    assert run.status == "done" and Meeting.objects.get(pk=meeting.pk).slot == s11


def test_booking_is_refused_while_it_is_closed(event: Event, people: list[Registration]) -> None:
    request = accepted(people[0], people[1])
    assert client_for(people[0].user).get(url("book", event, request.pk)).status_code == 403
    with pytest.raises(domain.MeetingRuleError):
        domain.self_book_meeting(request, slot=event.slots.first(), actor=None)
    assert not Meeting.objects.exists()


def test_both_sides_say_how_a_meeting_went_and_the_report_counts_it(
    organiser: Any, event: Event, people: list[Registration]
) -> None:
    ana, bo, chen, dina = people
    Registration.objects.filter(pk=ana.pk).update(country="KE")
    first = domain.place_meeting(accepted(ana, bo), slot=event.slots.first(), table=event.tables.first(), actor=None)
    later = domain.place_meeting(accepted(chen, dina), slot=event.slots.last(), table=event.tables.first(), actor=None)
    domain.send_meeting_request(requester=ana, recipient=chen, reason="x", actor=None)
    domain.publish_schedule(event, actor=None)
    MeetingSlot.objects.filter(pk=first.slot_id).update(starts_at=timezone.now() - timedelta(hours=1))
    MeetingSlot.objects.filter(pk=later.slot_id).update(starts_at=timezone.now() + timedelta(hours=1))
    client_for(ana.user).post(url("feedback", event, first.pk), {"happened": "yes", "outcome": "contact"})
    client_for(bo.user).post(url("feedback", event, first.pk), {"happened": "yes", "outcome": "agreement"})
    assert client_for(chen.user).post(url("feedback", event, first.pk), {"happened": "no"}).status_code == 404
    client_for(chen.user).post(url("feedback", event, later.pk), {"happened": "yes"})  # not begun: refused
    assert not MeetingFeedback.objects.filter(meeting=later).exists()
    assert MeetingFeedback.objects.filter(meeting=first).count() == 2
    sections = {s.key: {code: value for code, _label, value in s.rows} for s in report.event_report(event)}
    assert sections["meetings"] == {"requested": 3, "accepted": 2, "scheduled": 2, "held": 1}
    assert sections["outcomes"] == {"nothing": 0, "contact": 0, "negotiation": 0, "agreement": 1}
    assert sections["category"] == {"official": 4} and sections["country"] == {"KE": 1}
    csv_text = client_for(organiser).get(url("report_csv", event)).content.decode()
    assert "meetings,held,Held,1" in csv_text and "outcomes,agreement,An agreement,1" in csv_text
    assert "An agreement" in client_for(organiser).get(url("report", event)).content.decode()
    for user in (ana.user, UserFactory(is_event_organiser=True)):
        assert client_for(user).get(url("report", event)).status_code == 403


def test_the_agenda_makes_a_fixed_number_of_queries_and_keeps_talks_out_of_the_title(
    event: Event, people: list[Registration], django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    """One meeting or three, begun (so each row carries its feedback form) or not: the same
    queries; the agenda loads only the columns it shows and never one more per meeting."""
    ana, others = people[0], people[1:]
    slots, tables = list(event.slots.order_by("starts_at")), list(event.tables.all())
    domain.place_meeting(accepted(ana, others[0]), slot=slots[0], table=tables[0], actor=None)
    domain.publish_schedule(event, actor=None)
    zone = ZoneInfo("Asia/Shanghai")
    talk = {"titles": {"en": "Soil and water"}, "room": "Hall", "starts_at": datetime(2026, 11, 11, 14, tzinfo=zone),
            "ends_at": datetime(2026, 11, 11, 15, tzinfo=zone)}  # fmt: skip
    domain.save_session(Session(event=event), data=talk, speakers=[ana], actor=None)
    domain.publish_programme(event, actor=None)  # talks come from the published programme
    client = client_for(ana.user)
    client.get(url("agenda", event))
    with django_assert_max_num_queries(12) as one:
        page = client.get(url("agenda", event)).content.decode()
    assert "Bo Institute" in page
    for n in (1, 2):
        domain.place_meeting(accepted(others[n], ana), slot=slots[n], table=tables[0], actor=None)
    domain.publish_schedule(event, actor=None)
    MeetingSlot.objects.filter(event=event).update(starts_at=timezone.now() - timedelta(hours=2))
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url("agenda", event)).content.decode()
    assert page.count("Did this meeting happen?") == 3 and "Dina Institute" in page
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<h2>" not in title and "Soil and water" not in title and "Soil and water" in page

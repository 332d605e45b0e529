"""The programme: clashes block saving, speakers cannot meet while they speak, and the
programme is public as a page and as iCalendar."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse

from silkbridge.events import domain, queries
from silkbridge.events.models import Event, Registration, Session
from tests.conftest import client_for
from tests.events.conftest import accepted
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")


def session_post(event: Event, title: str, room: str, start: str, end: str, speakers: list[Registration]) -> dict:
    return {"title": title, "room": room, "day": "2026-11-10", "start": start, "end": end,
            "speakers": [s.pk for s in speakers]}  # fmt: skip


def add(organiser: Any, event: Event, *args: Any) -> Any:
    return client_for(organiser).post(reverse("events:session_create", args=[event.slug]), session_post(event, *args))


def publish(organiser: Any, event: Event) -> None:
    assert client_for(organiser).post(reverse("events:publish_programme", args=[event.slug])).status_code == 302


def test_an_organiser_builds_a_programme_and_clashes_are_refused(
    organiser: Any, event: Event, people: list[Registration]
) -> None:
    ana, bo, _chen, _dina = people
    assert add(organiser, event, "Drip irrigation", "Hall A", "09:00", "09:40", [ana]).status_code == 302
    session = Session.objects.get()
    assert session.starts_at == datetime(2026, 11, 10, 9, tzinfo=ZONE) and list(session.speakers.all()) == [ana]
    response = add(organiser, event, "Solar pumps", "hall a", "09:30", "10:00", [bo])
    assert "The room hall a is taken" in response.content.decode()
    response = add(organiser, event, "Seed banks", "Hall B", "09:20", "09:50", [ana])
    assert "Ana speaks in “Drip irrigation” at that time." in response.content.decode()
    assert Session.objects.count() == 1
    assert add(organiser, event, "Seed banks", "Hall B", "09:40", "10:00", [ana]).status_code == 302  # back to back


def test_a_speaker_cannot_meet_while_speaking_and_a_meeting_blocks_a_talk(
    organiser: Any, event: Event, people: list[Registration]
) -> None:
    ana, bo, chen, dina = people
    s9, s10, _s11 = event.slots.all()
    add(organiser, event, "Drip irrigation", "Hall A", "09:10", "09:30", [ana])
    view = queries.engine_view(event)
    [entry] = [p for p in view.data["participants"] if p["id"] == f"reg-{ana.pk}"]
    assert s9.label not in entry["available"] and s10.label in entry["available"]
    with pytest.raises(domain.MeetingRuleError, match="speaks in the programme"):
        domain.place_meeting(accepted(ana, bo), slot=s9, table=event.tables.first(), actor=None)
    domain.place_meeting(accepted(chen, dina), slot=s10, table=event.tables.first(), actor=None)
    response = add(organiser, event, "Seeds", "Hall C", "10:00", "10:30", [chen])
    assert "Chen has a meeting at that time." in response.content.decode()


def test_the_programme_is_public_and_only_organisers_edit_it(
    organiser: Any, event: Event, people: list[Registration]
) -> None:
    add(organiser, event, "Drip irrigation", "Hall A", "09:00", "09:40", [people[0]])
    page = client_for(None).get(reverse("events:programme", args=[event.slug])).content.decode()
    assert "Drip irrigation" not in page  # a draft until published
    publish(organiser, event)
    page = client_for(None).get(reverse("events:programme", args=[event.slug])).content.decode()
    assert "Drip irrigation" in page and "Hall A" in page and "09:00" in page
    for user in (people[1].user, UserFactory(is_event_organiser=True)):
        assert client_for(user).get(reverse("events:session_create", args=[event.slug])).status_code == 403
    calendar = icalendar.Calendar.from_ical(
        client_for(None).get(reverse("events:programme_ics", args=[event.slug])).content
    )
    [entry] = calendar.walk("VEVENT")
    assert entry.decoded("dtstart") == datetime(2026, 11, 10, 9, tzinfo=ZONE)
    assert str(entry["location"]) == "Hall A" and entry["dtstart"].params["TZID"] == "Asia/Shanghai"


def test_the_programme_is_in_the_api(organiser: Any, event: Event, people: list[Registration]) -> None:
    add(organiser, event, "Drip irrigation", "Hall A", "09:00", "09:40", [people[0]])
    assert client_for(None).get(f"/api/v1/events/{event.slug}/sessions").json() == []  # a draft
    publish(organiser, event)
    [session] = client_for(None).get(f"/api/v1/events/{event.slug}/sessions").json()
    assert session["room"] == "Hall A" and session["speakers"] == ["Ana"]
    assert session["starts_at"].startswith("2026-11-10T09:00:00") and session["starts_at"].endswith("+08:00")


def test_a_speakers_talks_are_on_their_agenda_and_in_its_ics(
    organiser: Any, event: Event, people: list[Registration]
) -> None:
    add(organiser, event, "Drip irrigation", "Hall A", "09:00", "09:40", [people[0]])
    agenda_url = reverse("events:agenda", args=[event.slug])
    assert "Drip irrigation" not in client_for(people[0].user).get(agenda_url).content.decode()  # a draft
    publish(organiser, event)
    assert "Drip irrigation" in client_for(people[0].user).get(agenda_url).content.decode()
    assert "Drip irrigation" not in client_for(people[1].user).get(agenda_url).content.decode()
    ics = client_for(people[0].user).get(reverse("events:agenda_ics", args=[event.slug])).content
    [entry] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(entry["summary"]) == "Drip irrigation" and entry.decoded("dtstart").hour == 9


def test_the_programme_walks_page_by_page_in_time_order_in_v2(
    organiser: Any, event: Event, people: list[Registration]
) -> None:
    times = [("Hall A", "11:00", "11:30"), ("Hall A", "09:00", "09:30"), ("Hall B", "09:00", "09:30"),
             ("Hall A", "10:00", "10:30"), ("Hall B", "10:00", "10:30")]  # fmt: skip
    for n, (room, start, end) in enumerate(times):
        assert add(organiser, event, f"Talk {n}", room, start, end, []).status_code == 302
    publish(organiser, event)  # the API shows the published programme
    client, url = client_for(None), f"/api/v2/events/{event.slug}/sessions"
    body, titles = client.get(url, {"page_size": 2}).json(), []
    assert body["count"] == 5 and body["previous"] is None
    while True:
        titles += [s["title"] for s in body["items"]]
        if not body["next"]:
            break
        body = client.get(body["next"]).json()
    assert titles == ["Talk 1", "Talk 2", "Talk 3", "Talk 4", "Talk 0"]  # start, then room

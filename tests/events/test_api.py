"""The events API: public events for everybody, a participant's own requests and agenda,
an event's registrations for its organisers only."""

from typing import Any

import pytest
from django.test import Client

from silkbridge.accounts.domain import create_api_token
from silkbridge.events import domain
from silkbridge.events.models import Event, Registration
from tests.events.conftest import accepted, make_event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def get(path: str, user: Any = None, version: int = 1) -> Any:
    headers = {}
    if user is not None:
        _token, key = create_api_token(user=user, name="test")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return Client().get(f"/api/v{version}{path}", **headers)


def test_public_events_are_listed_for_everybody(organiser: Any, event: Event) -> None:
    make_event(organiser, slug="hidden", is_public=False)
    body = get("/events").json()
    assert [e["slug"] for e in body["items"]] == ["expo"]
    assert [e["slug"] for e in get("/events", organiser).json()["items"]] == ["expo", "hidden"]
    detail = get("/events/expo").json()
    assert detail["time_zone"] == "Asia/Shanghai" and detail["title"] == "S&T Expo"
    assert {c["category"]: c["places_left"] for c in detail["categories"]} == {"official": None, "scholar": 10}
    assert get("/events/hidden").status_code == 404


def test_a_participant_reads_their_own_requests_and_agenda(event: Event, people: list[Registration]) -> None:
    ana, bo, chen, _dina = people
    domain.send_meeting_request(requester=ana, recipient=bo, reason="irrigation", actor=None)
    meeting = domain.place_meeting(accepted(chen, ana), slot=event.slots.first(), table=event.tables.first(),
                                   actor=None)  # fmt: skip
    domain.publish_schedule(event, actor=None)
    mine = get("/events/expo/my/requests", ana.user).json()
    assert [r["reason"] for r in mine["sent"]] == ["irrigation"]
    assert [r["requester"]["name"] for r in mine["received"]] == ["Chen"]
    [item] = get("/events/expo/my/agenda", ana.user).json()
    assert item["meeting"] == meeting.pk and item["with_name"] == "Chen" and item["starts_at"].endswith("+08:00")
    assert get("/events/expo/my/agenda", UserFactory()).status_code == 404  # not registered
    assert get("/events/expo/my/agenda").status_code == 401
    page = get("/events/expo/my/agenda", ana.user, version=2).json()
    assert page["count"] == 1 and page["next"] is None and page["items"] == [item]
    assert get("/events/expo/my/agenda", version=2).status_code == 401


def test_registrations_with_contact_details_are_for_the_organisers_only(
    organiser: Any, event: Event, people: list[Registration]
) -> None:
    rows = get("/events/expo/registrations", organiser).json()["items"]
    assert {r["email"] for r in rows} == {p.user.email for p in people}
    assert get("/events/expo/registrations", people[0].user).status_code == 403
    assert get("/events/expo/registrations", UserFactory(is_event_organiser=True)).status_code == 403
    assert get("/events/expo/registrations").status_code == 401
    sections = {s["key"]: s for s in get("/events/expo/report", organiser).json()}
    assert {r["code"]: r["value"] for r in sections["category"]["rows"]} == {"official": 4}
    assert {r["code"]: r["value"] for r in sections["attendance"]["rows"]} == {"confirmed": 4, "checked_in": 0}
    assert get("/events/expo/report", people[0].user).status_code == 403
    report = get("/events/expo/report", organiser, version=2).json()
    assert [s["key"] for s in report["items"]] == list(sections) and report["count"] == len(sections)
    assert get("/events/expo/report", people[0].user, version=2).status_code == 403


def test_the_events_list_makes_a_fixed_number_of_queries(organiser: Any, django_assert_num_queries: Any) -> None:
    make_event(organiser, slug="one")
    get("/events")
    with django_assert_num_queries(3):
        get("/events")
    make_event(organiser, slug="two")
    make_event(organiser, slug="three")
    with django_assert_num_queries(3):
        get("/events")

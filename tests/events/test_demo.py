"""The demo conference of `make run`: marked as demo data, filled enough for every page,
valid by the event's own rules, and seeded once."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from silkbridge.events.demo import SLUG, seed_conference
from silkbridge.events.enums import MeetingState, RequestStatus
from silkbridge.events.models import Event, Meeting, Registration
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_demo_conference_is_marked_and_filled(db: Any) -> None:
    member = UserFactory(email="member@demo.silkbridge.invalid", display_name="Demo member (demo)")
    UserFactory(email="editor@demo.silkbridge.invalid", display_name="Demo editor (demo)")
    event = seed_conference(today=date(2026, 12, 1))
    assert event is not None and event.slug == SLUG and event.starts_on == date(2026, 12, 31)
    assert all("(demo)" in title or "演示" in title or "демо" in title for title in event.titles.values())
    assert "(demo)" in event.venue
    assert all("(demo)" in r.name for r in event.registrations.filter(user=None))
    assert event.organisers.get().is_event_organiser
    assert event.sessions.count() == 5 and event.categories.count() == 5
    statuses = set(event.meeting_requests.values_list("status", flat=True))
    assert statuses == {RequestStatus.ACCEPTED, RequestStatus.PENDING, RequestStatus.DECLINED}
    published = Meeting.objects.filter(event=event, state=MeetingState.PUBLISHED)
    assert published.count() == 7
    mine = Registration.objects.get(event=event, user=member)
    assert published.filter(request__requester=mine).exists()
    agenda = client_for(member).get(reverse("events:agenda", args=[SLUG])).content.decode()
    assert "Amina Otieno (demo)" in agenda
    programme = client_for(None).get(reverse("events:programme", args=[SLUG])).content.decode()
    assert "Opening plenary" in programme and "Great Hall" in programme


def test_seeding_twice_keeps_the_one_conference(db: Any) -> None:
    seed_conference()
    assert seed_conference() is None
    assert Event.objects.filter(slug=SLUG).count() == 1
    assert Registration.objects.filter(event__slug=SLUG).count() == 12

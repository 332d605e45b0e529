from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from silkbridge.events import domain
from silkbridge.events.enums import RegistrationStatus, RequestStatus
from silkbridge.events.models import Event, MeetingRequest, Registration
from tests.factories import UserFactory

ZONE = ZoneInfo("Asia/Shanghai")


def slot(hour: int, minute: int = 0) -> tuple[datetime, datetime]:
    return datetime(2026, 11, 10, hour, minute, tzinfo=ZONE), datetime(2026, 11, 10, hour, minute + 20, tzinfo=ZONE)


def make_event(
    organiser: Any, *, slug: str = "expo", capacity: int | None = 10, tables: int = 2, **extra: Any
) -> Event:
    data = {"slug": slug, "titles": {"en": "S&T Expo", "zh-hans": "科技博览会"}, "starts_on": date(2026, 11, 10),
            "ends_on": date(2026, 11, 11), "time_zone": "Asia/Shanghai", "languages": ["en", "zh-hans"],
            "venue": "Xi'an", **extra}  # fmt: skip
    return domain.save_event(
        Event(),
        data=data,
        categories={"scholar": capacity, "official": None},
        slots=[slot(9), slot(10), slot(11)],
        table_count=tables,
        actor=organiser,
    )


def participant(event: Event, name: str, **extra: Any) -> Registration:
    """A confirmed participant with an account, listed in the directory."""
    user = UserFactory(display_name=name)
    registration = domain.register_for_event(
        event=event, user=user, category=event.categories.get(category="official"), actor=user
    )
    Registration.objects.filter(pk=registration.pk).update(
        b2b_opt_in=True, organisation_name=f"{name} Institute", **extra
    )
    registration.refresh_from_db()
    return registration


def accepted(a: Registration, b: Registration, weight: float = 1.0) -> MeetingRequest:
    return MeetingRequest.objects.create(
        event=a.event, requester=a, recipient=b, status=RequestStatus.ACCEPTED, weight=weight, reason="soil"
    )


@pytest.fixture
def organiser(db: Any) -> Any:
    return UserFactory(is_event_organiser=True, display_name="Olga Organiser")


@pytest.fixture
def event(organiser: Any) -> Event:
    return make_event(organiser)


@pytest.fixture
def people(event: Event) -> list[Registration]:
    return [participant(event, name) for name in ("Ana", "Bo", "Chen", "Dina")]


__all__ = ["RegistrationStatus", "accepted", "make_event", "participant", "slot"]

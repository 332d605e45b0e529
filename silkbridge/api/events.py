"""Event endpoints: public events; for the authenticated participant their requests, meetings
and agenda; for an event's organisers its registrations. The same rules (events/rules.py)
and queries as the pages."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field as SchemaField
from ninja import Router, Schema
from ninja.pagination import paginate

from silkbridge.api.auth import public, token_required
from silkbridge.api.pagination import SequencePagination
from silkbridge.api.registry import Pagination
from silkbridge.api.schemas import ERRORS
from silkbridge.api.versions import superseded
from silkbridge.events import agenda, queries, report
from silkbridge.events.models import Event, Registration, Session

router = Router(auth=public, tags=["events"])
# What v1 answers as a bare array (deprecated there) and v2 in the list shape (versions.py).
router_v1 = Router(auth=public, tags=["events"])
router_v2 = Router(auth=public, tags=["events"])


class CategoryOut(Schema):
    category: str
    capacity: int | None
    places_left: int | None


class EventOut(Schema):
    slug: str
    title: str
    titles: dict[str, str]
    starts_on: date
    ends_on: date
    time_zone: str
    venue: str
    languages: list[str]


class EventDetailOut(EventOut):
    description: str
    descriptions: dict[str, str]
    categories: list[CategoryOut]

    @staticmethod
    def resolve_categories(obj: Event) -> list[dict[str, Any]]:
        return [
            {"category": c.category, "capacity": c.capacity, "places_left": left}
            for c, left in queries.categories_with_seats(obj)
        ]


class PersonOut(Schema):
    id: int
    name: str
    organisation: str = SchemaField(..., alias="organisation_name")
    country: str


class RequestOut(Schema):
    id: int
    requester: PersonOut
    recipient: PersonOut
    reason: str
    status: str
    decline_reason: str
    created_at: datetime
    expires_at: datetime | None


class MyRequestsOut(Schema):
    sent: list[RequestOut]
    received: list[RequestOut]


class AgendaItemOut(Schema):
    meeting: int
    starts_at: datetime = SchemaField(..., description="In the event's time zone.")
    ends_at: datetime
    table: str
    with_name: str
    with_organisation: str
    reason: str


class RegistrationOut(Schema):
    id: int
    name: str
    organisation: str = SchemaField(..., alias="organisation_name")
    country: str
    email: str | None
    category: str | None
    status: str
    registered_at: datetime = SchemaField(..., alias="created_at")

    @staticmethod
    def resolve_email(obj: Registration) -> str | None:
        return obj.user.email if obj.user else None

    @staticmethod
    def resolve_category(obj: Registration) -> str | None:
        return obj.category.category if obj.category else None


class SessionOut(Schema):
    id: int
    title: str
    titles: dict[str, str]
    room: str
    starts_at: datetime = SchemaField(..., description="In the event's time zone.")
    ends_at: datetime
    track: str
    language: str
    speakers: list[str]

    @staticmethod
    def resolve_starts_at(obj: Session) -> datetime:
        return obj.starts_at.astimezone(obj.event.zone)

    @staticmethod
    def resolve_ends_at(obj: Session) -> datetime:
        return obj.ends_at.astimezone(obj.event.zone)

    @staticmethod
    def resolve_speakers(obj: Session) -> list[str]:
        return [s.name for s in obj.speakers.all()]


class ReportRowOut(Schema):
    code: str
    label: str
    value: int


class ReportSectionOut(Schema):
    key: str
    title: str
    rows: list[ReportRowOut]


@router.get("/events", response=list[EventOut])
@paginate(Pagination, page_size=50, max_page_size=200)
def list_events(request: HttpRequest) -> Any:
    return queries.events_for_user(request.user)


@router.get("/events/{slug}", response={200: EventDetailOut, **ERRORS})
def get_event(request: HttpRequest, slug: str) -> Any:
    return queries.get_event_for_user(request.user, slug)


@router_v1.get("/events/{slug}/sessions", response={200: list[SessionOut], **ERRORS}, deprecated=True)
@superseded
def event_sessions(request: HttpRequest, slug: str) -> Any:
    """The public programme: every session with room, times and speakers' names."""
    return list(queries.programme(queries.get_event_for_user(request.user, slug)))


@router_v2.get("/events/{slug}/sessions", response={200: list[SessionOut], **ERRORS})
@paginate(Pagination, page_size=100, max_page_size=500)
def event_sessions_page(request: HttpRequest, slug: str) -> Any:
    """The public programme: every session with room, times and speakers' names, in time order."""
    return queries.programme(queries.get_event_for_user(request.user, slug))


@router.get("/events/{slug}/my/requests", response={200: MyRequestsOut, **ERRORS}, auth=token_required)
def my_requests(request: HttpRequest, slug: str) -> Any:
    """The authenticated participant's sent and received meeting requests, newest first."""
    event = queries.get_event_for_user(request.user, slug)
    sent, received = queries.requests_of(queries.get_registration_for_user(request.user, event))
    return {"sent": list(sent), "received": list(received)}


@router_v1.get(
    "/events/{slug}/my/agenda", response={200: list[AgendaItemOut], **ERRORS}, auth=token_required, deprecated=True
)
@superseded
def my_agenda(request: HttpRequest, slug: str) -> Any:
    """The authenticated participant's published meetings, with table and the other side."""
    return _agenda(request, slug)


@router_v2.get("/events/{slug}/my/agenda", response={200: list[AgendaItemOut], **ERRORS}, auth=token_required)
@paginate(SequencePagination, page_size=100, max_page_size=500)
def my_agenda_page(request: HttpRequest, slug: str) -> Any:
    """The authenticated participant's published meetings, with table and the other side."""
    return _agenda(request, slug)


def _agenda(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    event = queries.get_event_for_user(request.user, slug)
    items = agenda.items_for(queries.get_registration_for_user(request.user, event))
    return [
        {"meeting": i.meeting.pk, "starts_at": i.starts_at, "ends_at": i.ends_at, "table": i.table,
         "with_name": i.other_name, "with_organisation": i.other_organisation, "reason": i.reason}
        for i in items
    ]  # fmt: skip


@router.get("/events/{slug}/registrations", response={200: list[RegistrationOut], **ERRORS}, auth=token_required)
@paginate(Pagination, page_size=100, max_page_size=500)
def event_registrations(request: HttpRequest, slug: str) -> Any:
    """Every registration, with contact e-mail: for the event's organisers only."""
    event = queries.get_event_for_user(request.user, slug, perm="events.view_registrations")
    return queries.registrations_for_organiser(event)


@router_v1.get(
    "/events/{slug}/report", response={200: list[ReportSectionOut], **ERRORS}, auth=token_required, deprecated=True
)
@superseded
def event_report(request: HttpRequest, slug: str) -> Any:
    """The organiser's report (the figures of the report page): aggregates, no personal data."""
    return _report(request, slug)


@router_v2.get("/events/{slug}/report", response={200: list[ReportSectionOut], **ERRORS}, auth=token_required)
@paginate(SequencePagination)
def event_report_page(request: HttpRequest, slug: str) -> Any:
    """The organiser's report (the figures of the report page): aggregates, no personal data."""
    return _report(request, slug)


def _report(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    event = queries.get_event_for_user(request.user, slug, perm="events.view_report")
    return [
        {"key": s.key, "title": str(s.title), "rows": [{"code": c, "label": lbl, "value": v} for c, lbl, v in s.rows]}
        for s in report.event_report(event)
    ]

"""Event endpoints: public events; for the authenticated participant their requests, meetings,
agenda and badge; for an event's organisers (and staff) its registrations, badges and
check-in. The same rules (events/rules.py), queries and domain functions as the pages."""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Router, Schema
from ninja.pagination import paginate

from silkbridge.api.auth import public, token_required
from silkbridge.api.pagination import SequencePagination
from silkbridge.api.registry import Pagination
from silkbridge.api.schemas import ERRORS
from silkbridge.api.versions import superseded
from silkbridge.events import agenda, badges, domain, queries, report
from silkbridge.events.models import Event, Registration

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
    def resolve_speakers(obj: queries.PublishedSession) -> list[str]:
        return obj.speaker_names


class CheckInIn(Schema):
    code: str = SchemaField(..., min_length=1, max_length=40, description="The badge's code, as scanned or typed.")


class CheckedInOut(Schema):
    id: int
    name: str
    organisation: str
    category: str | None


class CheckInOut(Schema):
    result: str = SchemaField(..., description="checked-in (now), already (before; recorded once) or unknown.")
    message: str
    code: str = SchemaField(..., description="The code as read (normalised).")
    registration: CheckedInOut | None


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
    """The public programme (its latest published version): every session with room, times
    in the event's zone and speakers' names."""
    return queries.published_programme(queries.get_event_for_user(request.user, slug))


@router_v2.get("/events/{slug}/sessions", response={200: list[SessionOut], **ERRORS})
@paginate(SequencePagination, page_size=100, max_page_size=500)
def event_sessions_page(request: HttpRequest, slug: str) -> Any:
    """The public programme (its latest published version): every session with room, times
    in the event's zone and speakers' names, in time order."""
    return queries.published_programme(queries.get_event_for_user(request.user, slug))


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


PDF_SCHEMA = {"schema": {"type": "string", "format": "binary"}}
PDF = {"responses": {200: {"description": "The badge as a PDF.", "content": {"application/pdf": PDF_SCHEMA}}}}


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # badge secrets
    return response


@router.get("/events/{slug}/my/badge", response=ERRORS, auth=token_required, openapi_extra=PDF)
def my_badge(request: HttpRequest, slug: str) -> Any:
    """The authenticated participant's own badge (A6 PDF); only once confirmed."""
    event = queries.get_event_for_user(request.user, slug)
    me = queries.get_confirmed_registration_for_user(request.user, event)
    return _pdf(badges.badges_pdf(event, [me]), f"{event.slug}-badge.pdf")


@router.get("/events/{slug}/registrations/{pk}/badge", response=ERRORS, auth=token_required, openapi_extra=PDF)
def registration_badge(request: HttpRequest, slug: str, pk: int) -> Any:
    """A confirmed participant's badge (A6 PDF): for the event's organisers and staff."""
    event = queries.get_event_for_user(request.user, slug)
    registration = queries.get_badge_registration_for_user(request.user, event, pk)
    return _pdf(badges.badges_pdf(event, [registration]), f"{event.slug}-badge-{registration.pk}.pdf")


@router.post("/events/{slug}/check-in", response={200: CheckInOut, **ERRORS}, auth=token_required)
def check_in(request: HttpRequest, slug: str, payload: CheckInIn) -> Any:
    """Check a badge's code in, as the check-in desk does (organisers and staff). A code
    checked in before answers `already` and changes nothing; an unknown one `unknown`."""
    event = queries.get_event_for_user(request.user, slug, perm="events.check_in")
    code = domain.normalise_code(payload.code)
    if not code:
        raise ValidationError({"code": [_("Type or scan a badge's code.")]})
    checked = domain.check_in(event=event, code=code, actor=request.user)
    result, message = domain.describe_check_in(checked, code)
    holder = checked.registration
    return {"result": result, "message": message, "code": code, "registration": holder and {
        "id": holder.pk, "name": holder.name, "organisation": holder.organisation_name,
        "category": holder.category.category if holder.category else None}}  # fmt: skip

"""A participant's personal agenda: their published meetings with slot, table and the
other side's name and organisation, as a page and as an iCalendar file (times in the
event's time zone, with its VTIMEZONE, so calendar programs show the right local times)."""

from dataclasses import dataclass
from datetime import datetime

import icalendar
from django.utils.translation import gettext as _

from silkbridge.events import queries
from silkbridge.events.models import Event, Meeting, Registration
from silkbridge.events.queries import PublishedSession


@dataclass(frozen=True)
class AgendaItem:
    meeting: Meeting
    starts_at: datetime  # in the event's time zone
    ends_at: datetime
    table: str
    other_name: str
    other_organisation: str
    reason: str


# What an agenda shows of a meeting: loading only these columns (not the two sides' whole
# registrations, the request's and slot's bookkeeping) halves the cost of the agenda's query.
SIDE = ("id", "name", "organisation_name")
AGENDA_COLUMNS = (
    "id", "state", "updated_at", "request_id", "slot__starts_at", "slot__ends_at", "table__name",
    "request__reason", "request__requester_id", "request__recipient_id",
    *(f"request__{side}__{column}" for side in ("requester", "recipient") for column in SIDE),
)  # fmt: skip


def items_for(registration: Registration) -> list[AgendaItem]:
    """The participant's published meetings, in time order (the page, the API, the .ics)."""
    zone = registration.event.zone
    items = []
    for meeting in queries.meetings_of(registration).only(*AGENDA_COLUMNS):
        request = meeting.request
        other = request.recipient if request.requester_id == registration.pk else request.requester
        items.append(
            AgendaItem(
                meeting=meeting,
                starts_at=meeting.slot.starts_at.astimezone(zone),
                ends_at=meeting.slot.ends_at.astimezone(zone),
                table=meeting.table.name,
                other_name=other.name,
                other_organisation=other.organisation_name,
                reason=request.reason,
            )
        )
    return items


def talks_for(registration: Registration, programme: list[PublishedSession] | None = None) -> list[PublishedSession]:
    """The sessions of the published programme the participant speaks in."""
    sessions = queries.published_programme(registration.event) if programme is None else programme
    return [s for s in sessions if registration.pk in s.speaker_ids]


def bookmarked_for(
    registration: Registration, programme: list[PublishedSession] | None = None
) -> list[PublishedSession]:
    """The sessions of the published programme the participant bookmarked."""
    keys = queries.bookmarked_keys(registration)
    sessions = queries.published_programme(registration.event) if programme is None else programme
    return [s for s in sessions if s.pk in keys] if keys else []


def _session_entry(event: Event, session: PublishedSession) -> icalendar.Event:
    zone = event.zone
    entry = icalendar.Event()
    entry.add("uid", f"session-{session.pk}@{event.slug}.silkbridge")
    entry.add("dtstamp", event.updated_at)
    entry.add("dtstart", session.starts_at.astimezone(zone))
    entry.add("dtend", session.ends_at.astimezone(zone))
    entry.add("summary", session.title)
    entry.add("location", session.room)
    return entry


def to_ics(event: Event, registration: Registration) -> bytes:
    """The participant's meetings, talks and bookmarked sessions (of the published programme)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Silkbridge//events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", event.title)
    calendar.add("x-wr-timezone", event.time_zone)
    for item in items_for(registration):
        entry = icalendar.Event()
        entry.add("uid", f"meeting-{item.meeting.pk}@{event.slug}.silkbridge")
        entry.add("dtstamp", item.meeting.updated_at)
        entry.add("dtstart", item.starts_at)
        entry.add("dtend", item.ends_at)
        with_whom = f"{item.other_name} ({item.other_organisation})" if item.other_organisation else item.other_name
        entry.add("summary", _("Meeting with %(name)s") % {"name": with_whom})
        entry.add("location", _("Table %(table)s") % {"table": item.table})
        if item.reason:
            entry.add("description", item.reason)
        calendar.add_component(entry)
    programme = queries.published_programme(event)
    sessions = {s.pk: s for s in talks_for(registration, programme) + bookmarked_for(registration, programme)}
    for session in sorted(sessions.values(), key=lambda s: (s.starts_at, s.pk)):
        calendar.add_component(_session_entry(event, session))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def programme_ics(event: Event) -> bytes:
    """The whole published programme as iCalendar, in the event's time zone."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Silkbridge//events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", event.title)
    for session in queries.published_programme(event):
        entry = _session_entry(event, session)
        speakers = ", ".join(session.speaker_names)
        if speakers:
            entry.add("description", speakers)
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()

"""Reads of events: lists for pages and the API, and the event's B2B part as a meeting
instance or schedule in the interchange format (shared/specs/meeting-schedule.md)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from silkbridge.core.translation import pick
from silkbridge.events.enums import MeetingState, RegistrationStatus, RequestStatus, RunStatus
from silkbridge.events.models import (
    Delegation,
    Event,
    Meeting,
    MeetingFeedback,
    MeetingRequest,
    MeetingSlot,
    MeetingTable,
    ProgrammeVersion,
    Registration,
    ScheduleRun,
    Session,
)
from silkbridge.scheduling.model import INSTANCE_FORMAT, SCHEDULE_FORMAT

NOT_YET_SCHEDULED = "The scheduler has not been run since this request was accepted."
# The engine's reason codes (scheduling/solver.py), as the organiser's page shows them.
REASON_LABELS = {
    "no_common_slot": _("There is no slot in which both are free."),
    "meeting_limit": _("The meeting limit of one of them is reached."),
    "tables_full": _("All tables are taken in the slots they share."),
    "busy": _("In every slot they share, one of them already has a meeting that weighs more."),
    "duplicate_pair": _("They already meet through another request."),
    "not_scheduled": _("Not scheduled yet: run the scheduler."),
}


def public_events() -> QuerySet[Event]:
    return Event.objects.filter(is_public=True).order_by("-starts_on", "slug")


def events_for_user(user: Any) -> QuerySet[Event]:
    """Public events, and every event the user organises."""
    if not user.is_authenticated:
        return public_events()
    return Event.objects.filter(Q(is_public=True) | Q(organisers=user)).distinct().order_by("-starts_on", "slug")


def registration_of(event: Event, user: Any) -> Registration | None:
    if not user.is_authenticated:
        return None
    return event.registrations.filter(user=user).exclude(status=RegistrationStatus.CANCELLED).first()


def participant_id(registration: Registration) -> str:
    return registration.external_id or f"reg-{registration.pk}"


def latest_run(event: Event) -> ScheduleRun | None:
    return event.schedule_runs.order_by("-created_at", "-id").first()


def latest_finished_run(event: Event) -> ScheduleRun | None:
    return event.schedule_runs.filter(status=RunStatus.DONE).order_by("-created_at", "-id").first()


def schedulable_requests(event: Event) -> QuerySet[MeetingRequest]:
    """Accepted requests between two confirmed participants: what the scheduler places."""
    return event.meeting_requests.filter(
        status=RequestStatus.ACCEPTED,
        requester__status=RegistrationStatus.CONFIRMED,
        recipient__status=RegistrationStatus.CONFIRMED,
    ).order_by("id")


@dataclass
class EngineView:
    """The event's B2B part in the engine's terms, with the maps back to the database."""

    data: dict[str, Any]
    requests: dict[str, int] = field(default_factory=dict)  # engine id -> MeetingRequest pk
    slots: dict[str, MeetingSlot] = field(default_factory=dict)  # label -> slot
    tables: dict[str, MeetingTable] = field(default_factory=dict)  # name -> table
    fixed: set[str] = field(default_factory=set)  # engine ids of the requests met in fixed meetings


def _engine_id(pk: int, external_id: str | None, prefix: str) -> str:
    return external_id or f"{prefix}-{pk}"


def engine_view(event: Event) -> EngineView:
    """The instance the scheduler solves: confirmed participants, accepted requests, and the
    published and pinned meetings as `fixed` (they never move). Read as plain values: the
    large events have tens of thousands of requests."""
    zone = event.zone
    slots = list(event.slots.order_by("starts_at", "id"))
    label_of = {s.pk: s.label for s in slots}
    tables = list(event.tables.order_by("position", "id"))
    people = list(event.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("id"))
    talks = talk_times(event)
    person = {p.pk: participant_id(p) for p in people}
    rows = schedulable_requests(event).values_list("pk", "external_id", "requester_id", "recipient_id", "weight")
    requests = [(_engine_id(pk, ext, "req"), pk, a, b, w) for pk, ext, a, b, w in rows]
    view = EngineView(
        data={
            "format": INSTANCE_FORMAT,
            "slots": [
                {
                    "id": s.label,
                    "start": s.starts_at.astimezone(zone).isoformat(),
                    "end": s.ends_at.astimezone(zone).isoformat(),
                }
                for s in slots
            ],
            "tables": [t.name for t in tables],
            "participants": [_participant(p, label_of, _busy_slots(slots, talks.get(p.pk, []))) for p in people],
            "requests": [
                {"id": rid, "from": person[a], "to": person[b], "weight": w} for rid, _pk, a, b, w in requests
            ],
        },
        requests={rid: pk for rid, pk, _a, _b, _w in requests},
        slots={s.label: s for s in slots},
        tables={t.name: t for t in tables},
    )
    view.data["fixed"] = fixed_meetings(event, set(view.requests.values()))
    view.fixed = {item["request"] for item in view.data["fixed"]}
    return view


def fixed_meetings(event: Event, request_ids: set[int]) -> list[dict[str, str]]:
    """The published and pinned meetings of the schedulable requests `request_ids`, in the
    interchange format's `fixed` form, sorted."""
    rows = event.meetings.filter(Q(pinned=True) | Q(state=MeetingState.PUBLISHED)).values_list(
        "request_id", "request__external_id", "slot__label", "table__name"
    )
    return sorted(
        ({"request": _engine_id(pk, ext, "req"), "slot": slot, "table": table}
         for pk, ext, slot, table in rows if pk in request_ids),
        key=lambda item: item["request"],
    )  # fmt: skip


def talk_times(event: Event) -> dict[int, list[tuple[Any, Any]]]:
    """registration id -> (start, end) of every session the participant speaks in."""
    times: dict[int, list[tuple[Any, Any]]] = {}
    rows = Session.speakers.through.objects.filter(session__event=event).values_list(
        "registration_id", "session__starts_at", "session__ends_at"
    )
    for registration_id, start, end in rows:
        times.setdefault(registration_id, []).append((start, end))
    return times


def _busy_slots(slots: list[MeetingSlot], talks: list[tuple[Any, Any]]) -> set[int]:
    """The slots that overlap one of the participant's talks: unavailable for meetings."""
    return {s.pk for s in slots if any(a < s.ends_at and s.starts_at < b for a, b in talks)}


def _participant(registration: Registration, label_of: dict[int, str], busy: set[int]) -> dict[str, Any]:
    item: dict[str, Any] = {"id": participant_id(registration)}
    if registration.available_slots is not None or busy:
        available = label_of if registration.available_slots is None else registration.available_slots
        item["available"] = [label_of[pk] for pk in available if pk in label_of and pk not in busy]
    if registration.max_meetings is not None:
        item["max_meetings"] = registration.max_meetings
    if registration.country:
        item["country"] = registration.country
    return item


def event_meetings(event: Event) -> QuerySet[Meeting]:
    return event.meetings.select_related("slot", "table", "request__requester", "request__recipient").order_by(
        "slot__starts_at", "table__position", "id"
    )


def unscheduled_requests(event: Event, run: ScheduleRun | None) -> list[tuple[MeetingRequest, str, str]]:
    """Every schedulable request without a meeting, with the reason code and the engine's
    reason from `run` (a request accepted after the run has no reason yet)."""
    reasons = {item["request"]: (item["code"], item["reason"]) for item in (run.unscheduled if run else [])}
    open_requests = schedulable_requests(event).filter(meeting__isnull=True).select_related("requester", "recipient")
    return [(r, *reasons.get(r.pk, ("not_scheduled", NOT_YET_SCHEDULED))) for r in open_requests]


def schedule_document(event: Event, bound: float) -> dict[str, Any]:
    """The event's meetings (published and draft) in the schedule format; requests are
    named by the ids they were imported with. `bound` is a proven upper bound. Read as
    plain values (tens of thousands of rows on large events)."""
    meetings = event.meetings.order_by("slot__starts_at", "table__position", "id").values_list(
        "request_id", "request__external_id", "request__weight", "slot__label", "table__name", "state"
    )
    run = latest_finished_run(event)
    reasons = {item["request"]: (item["code"], item["reason"]) for item in (run.unscheduled if run else [])}
    open_requests = schedulable_requests(event).filter(meeting__isnull=True).values_list("pk", "external_id")
    out = [{"request": _engine_id(pk, ext, "req"), "slot": slot, "table": table, "state": state}
           for pk, ext, _weight, slot, table, state in meetings]  # fmt: skip
    objective = sum(weight for _pk, _ext, weight, _slot, _table, _state in meetings)
    return {
        "format": SCHEDULE_FORMAT,
        "meetings": out,
        "unscheduled": [
            {
                "request": _engine_id(pk, ext, "req"),
                "reason": reasons.get(pk, ("", NOT_YET_SCHEDULED))[1],
                "code": reasons.get(pk, ("not_scheduled", ""))[0],
            }
            for pk, ext in open_requests
        ],
        "objective": round(objective, 9),
        "upper_bound": round(max(bound, objective), 9),
        "solve_seconds": round(run.solve_seconds or 0.0, 3) if run else 0.0,
    }


def registrations_for_organiser(event: Event) -> QuerySet[Registration]:
    return event.registrations.select_related("category", "user").order_by("status", "created_at", "id")


def badge_registrations(event: Event, category: str = "") -> QuerySet[Registration]:
    """Confirmed participants to print badges for, by name; of one category when given."""
    qs = event.registrations.filter(status=RegistrationStatus.CONFIRMED).select_related("category")
    if category:
        qs = qs.filter(category__category=category)
    return qs.order_by("name", "id")


def attendance(event: Event) -> dict[str, int]:
    """Confirmed participants, and how many of them have checked in."""
    return event.registrations.filter(status=RegistrationStatus.CONFIRMED).aggregate(
        confirmed=Count("id"), arrived=Count("id", filter=Q(checked_in_at__isnull=False))
    )


def request_counts(event: Event) -> dict[str, int]:
    rows = event.meeting_requests.values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(RequestStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def meetings_of(registration: Registration) -> QuerySet[Meeting]:
    """A participant's meetings (draft ones only once published: the agenda shows what holds)."""
    return (
        Meeting.objects.filter(Q(request__requester=registration) | Q(request__recipient=registration))
        .filter(state=MeetingState.PUBLISHED)
        .select_related("slot", "table", "request__requester", "request__recipient")
        .order_by("slot__starts_at", "id")
    )


# --- Access-checked getters: 404 for what the user may not see, 403 for what they may not do --


def get_event_for_user(user: Any, slug: str, *, perm: str = "") -> Event:
    event = Event.objects.filter(slug=slug).first()
    if event is None or not user.has_perm("events.view_event", event):
        raise Http404
    if perm and not user.has_perm(perm, event):
        raise PermissionDenied
    return event


def get_request_for_user(user: Any, event: Event, pk: int, *, perm: str = "events.view_request") -> MeetingRequest:
    request = event.meeting_requests.select_related("event", "requester", "recipient").filter(pk=pk).first()
    if request is None or not user.has_perm("events.view_request", request):
        raise Http404
    if not user.has_perm(perm, request):
        raise PermissionDenied
    return request


def get_meeting_for_user(user: Any, event: Event, pk: int) -> Meeting:
    """A meeting for its organisers to change (participants see meetings through their agenda)."""
    if not user.has_perm("events.manage_schedule", event):
        raise PermissionDenied
    meeting = event_meetings(event).filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def get_registration_for_user(user: Any, event: Event) -> Registration:
    """The user's own (not cancelled) registration for `event`; 404 without one."""
    registration = registration_of(event, user)
    if registration is None:
        raise Http404
    return registration


def get_confirmed_registration_for_user(user: Any, event: Event) -> Registration:
    """The user's own confirmed registration (a badge, a check-in): 404 otherwise."""
    registration = get_registration_for_user(user, event)
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    return registration


def get_badge_registration_for_user(user: Any, event: Event, pk: int) -> Registration:
    """A confirmed participant's registration whose badge `user` may print (the event's
    organisers and staff): 403 for others, 404 for no such confirmed registration."""
    if not user.has_perm("events.print_badges", event):
        raise PermissionDenied
    registration = badge_registrations(event).filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


def directory(event: Event, viewer: Registration | None) -> QuerySet[Registration]:
    """Confirmed participants who opted in to the meeting directory (the viewer excluded)."""
    qs = event.registrations.filter(status=RegistrationStatus.CONFIRMED, b2b_opt_in=True).order_by("name", "id")
    return qs.exclude(pk=viewer.pk) if viewer else qs


def requests_of(registration: Registration) -> tuple[QuerySet[MeetingRequest], QuerySet[MeetingRequest]]:
    """(sent, received) requests of a participant, newest first."""
    base = MeetingRequest.objects.select_related("requester", "recipient").order_by("-created_at", "-id")
    return base.filter(requester=registration), base.filter(recipient=registration)


def categories_with_seats(event: Event) -> list[tuple[Any, int | None]]:
    """(category, seats left or None for no limit) for the event page."""
    rows = event.categories.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED))
    )
    return [(c, None if c.capacity is None else max(0, c.capacity - c.confirmed)) for c in rows]  # type: ignore[attr-defined]


def unscheduled_with_labels(event: Event, run: ScheduleRun | None) -> list[tuple[MeetingRequest, str]]:
    """The unscheduled requests with their reason in the reader's language."""
    return [(r, str(REASON_LABELS.get(code, REASON_LABELS["not_scheduled"]))) for r, code, _reason in
            unscheduled_requests(event, run)]  # fmt: skip


def draft_count(event: Event) -> int:
    return event.meetings.filter(state=MeetingState.DRAFT).count()


def free_common_slots(request: MeetingRequest) -> list[MeetingSlot]:
    """Slots in which both sides are available and free, and a table is free: where they
    can book their meeting themselves."""
    event = request.event
    people = [request.requester, request.recipient]
    busy = set(
        Meeting.objects.filter(
            Q(request__requester__in=people) | Q(request__recipient__in=people), event=event
        ).values_list("slot_id", flat=True)
    )
    tables = event.tables.count()
    talks = talk_times(event)
    used = dict(event.meetings.values("slot_id").annotate(n=Count("id")).values_list("slot_id", "n"))
    return [
        slot
        for slot in event.slots.order_by("starts_at")
        if slot.pk not in busy
        and used.get(slot.pk, 0) < tables
        and all(p.available_slots is None or slot.pk in p.available_slots for p in people)
        and not any(slot.pk in _busy_slots([slot], talks.get(p.pk, [])) for p in people)
    ]


def booked_request_ids(registration: Registration) -> set[int]:
    """The participant's requests that already have a meeting (draft or published)."""
    mine = Q(request__requester=registration) | Q(request__recipient=registration)
    return set(Meeting.objects.filter(mine).values_list("request_id", flat=True))


def feedback_of(registration: Registration) -> dict[int, Any]:
    """meeting id -> the participant's own answer about it."""
    return {f.meeting_id: f for f in MeetingFeedback.objects.filter(registration=registration)}


def get_own_feedback(registration: Registration, meeting_pk: int) -> MeetingFeedback:
    """The participant's own answer about one of their meetings; 404 without one."""
    feedback = (
        MeetingFeedback.objects.select_related("meeting__event", "meeting__request__requester__user__organisation",
                                               "meeting__request__recipient__user__organisation")
        .filter(registration=registration, meeting_id=meeting_pk).first()
    )  # fmt: skip
    if feedback is None:
        raise Http404
    return feedback


def get_delegation_for_user(user: Any, event: Event, pk: int) -> Delegation:
    """A delegation, for its head and the event's organisers (404 for anyone else)."""
    delegation = event.delegations.select_related("event").filter(pk=pk).first()
    if delegation is None or not user.has_perm("events.manage_delegation", delegation):
        raise Http404
    return delegation


def delegation_members(delegation: Delegation) -> QuerySet[Registration]:
    return delegation.members.select_related("category").exclude(status=RegistrationStatus.CANCELLED).order_by("id")


def delegations_headed_by(event: Event, user: Any) -> QuerySet[Delegation]:
    return event.delegations.filter(head=user) if user.is_authenticated else event.delegations.none()


def programme(event: Event) -> QuerySet[Session]:
    """The organisers' draft programme (the Session rows): never shown to the public."""
    return event.sessions.select_related("event").prefetch_related("speakers").order_by("starts_at", "room", "id")


@dataclass
class PublishedSession:
    """A session as the latest published version holds it: what the public programme, its
    .ics and the API show (the same attributes as a Session that they read)."""

    pk: int
    titles: dict[str, str]
    room: str
    starts_at: datetime
    ends_at: datetime
    track: str
    language: str
    speaker_names: list[str]
    speaker_ids: list[int]
    fallback: str

    @property
    def id(self) -> int:
        return self.pk

    @property
    def title(self) -> str:
        return pick(self.titles, fallback=self.fallback)


def programme_versions(event: Event) -> QuerySet[ProgrammeVersion]:
    return event.programme_versions.order_by("-number")


def published_programme(event: Event) -> list[PublishedSession]:
    """The sessions of the latest published version (none before the first publication),
    times in the event's time zone."""
    version = programme_versions(event).only("sessions").first()
    fallback, zone = event.fallback_language, event.zone
    return [
        PublishedSession(
            pk=s["id"], titles=s["titles"], room=s["room"], track=s["track"], language=s["language"],
            starts_at=datetime.fromisoformat(s["starts_at"]).astimezone(zone),
            ends_at=datetime.fromisoformat(s["ends_at"]).astimezone(zone),
            speaker_names=[name for _pk, name in s["speakers"]], speaker_ids=[pk for pk, _name in s["speakers"]],
            fallback=fallback,
        )
        for s in (version.sessions if version else [])
    ]  # fmt: skip


def bookmarked_keys(registration: Registration | None) -> set[int]:
    if registration is None:
        return set()
    return set(registration.bookmarks.values_list("session_key", flat=True))

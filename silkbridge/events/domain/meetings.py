"""Meetings: importing an interchange instance, running the scheduler and storing its
result, hand changes checked against the validity rules, self-booking, and feedback after
a meeting."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from silkbridge.core import audit
from silkbridge.events import queries
from silkbridge.events.domain.base import BATCH, MeetingRuleError, locked_event
from silkbridge.events.enums import MeetingState, RegistrationStatus, RequestStatus, RunStatus
from silkbridge.events.models import (
    Event,
    Meeting,
    MeetingFeedback,
    MeetingRequest,
    MeetingSlot,
    MeetingTable,
    Registration,
    ScheduleRun,
)
from silkbridge.scheduling import InstanceError, parse_instance, solve
from silkbridge.scheduling.bound import matching_lp
from silkbridge.scheduling.engine import Problem
from silkbridge.scheduling.model import Instance

# --- Import of a meeting instance (interchange format) ---------------------------------------


def _zone_for(start: datetime) -> str:
    """An IANA zone for the slots' UTC offset when it is whole hours (Etc/GMT-8 is UTC+8)."""
    offset = start.utcoffset()
    if offset is None or offset.total_seconds() % 3600:
        return "UTC"
    hours = int(offset.total_seconds() // 3600)
    return "UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"


def _aware(moment: datetime, zone: str) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


def import_instance(*, slug: str, data: Any, actor: Any) -> Event:
    """Create the event `slug` (or replace its B2B part) from a meeting instance: slots,
    tables, one confirmed registration per participant, one accepted request per request
    (weight kept), fixed meetings as published ones. Raises InstanceError (and changes
    nothing) for an invalid instance. Registrations made on the site are kept; their
    requests and meetings, being part of the B2B part, are replaced."""
    instance = parse_instance(data)
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(slug=slug).first()
        created = event is None
        if event is None:
            event = _event_for_instance(slug, instance)
        _clear_b2b(event)
        slots = _create_slots(event, instance)
        tables = MeetingTable.objects.bulk_create(
            [MeetingTable(event=event, name=name, position=n) for n, name in enumerate(instance.tables)],
            batch_size=BATCH,
        )
        people = _create_participants(event, data["participants"], instance, slots)
        requests = _create_requests(event, instance, people)
        table_of = {t.name: t for t in tables}
        Meeting.objects.bulk_create(
            [
                Meeting(
                    event=event,
                    request=requests[f.request],
                    slot=slots[f.slot],
                    table=table_of[f.table],
                    state=MeetingState.PUBLISHED,
                )
                for f in instance.fixed
            ],
            batch_size=BATCH,
        )
        counts = {
            "slots": len(slots),
            "tables": len(tables),
            "participants": len(people),
            "requests": len(requests),
            "fixed": len(instance.fixed),
        }
        audit.record(actor=actor, action="import", obj=event, changes={"created": created, **counts})
    return event


def _event_for_instance(slug: str, instance: Instance) -> Event:
    starts = [s.start for s in instance.slots]
    zone = _zone_for(starts[0])
    days = [_aware(s, zone).astimezone(ZoneInfo(zone)).date() for s in starts]
    return Event.objects.create(
        slug=slug, titles={"en": slug}, starts_on=min(days), ends_on=max(days), time_zone=zone, languages=["en"]
    )


def _clear_b2b(event: Event) -> None:
    # Children first, so that each DELETE is a single statement without cascades to collect.
    Meeting.objects.filter(event=event).delete()
    ScheduleRun.objects.filter(event=event).delete()
    MeetingRequest.objects.filter(event=event).delete()
    MeetingSlot.objects.filter(event=event).delete()
    MeetingTable.objects.filter(event=event).delete()
    Registration.objects.filter(event=event, external_id__isnull=False).delete()


def _create_slots(event: Event, instance: Instance) -> dict[str, MeetingSlot]:
    zone = event.time_zone
    slots = MeetingSlot.objects.bulk_create(
        [
            MeetingSlot(event=event, label=s.id, starts_at=_aware(s.start, zone), ends_at=_aware(s.end, zone))
            for s in instance.slots
        ],
        batch_size=BATCH,
    )
    return {s.label: s for s in slots}


def _create_participants(
    event: Event, raw: list[dict[str, Any]], instance: Instance, slots: dict[str, MeetingSlot]
) -> dict[str, Registration]:
    """One confirmed registration per participant; a name, organisation and country given
    as extra keys are kept (the format allows them)."""
    every_slot = set(slots)
    rows = []
    for item in raw:
        person = instance.participants[item["id"]]
        available = None if person.available == every_slot else sorted(slots[s].pk for s in person.available)
        country = item.get("country")
        rows.append(
            Registration(
                event=event,
                external_id=person.id,
                name=str(item.get("name") or person.id)[:200],
                organisation_name=str(item.get("organisation") or "")[:300],
                country=country.upper() if isinstance(country, str) and len(country) == 2 else "",
                status=RegistrationStatus.CONFIRMED,
                b2b_opt_in=True,
                available_slots=available,
                max_meetings=person.max_meetings,
            )
        )
    return {r.external_id or "": r for r in Registration.objects.bulk_create(rows, batch_size=BATCH)}


def _create_requests(event: Event, instance: Instance, people: dict[str, Registration]) -> dict[str, MeetingRequest]:
    now = timezone.now()
    rows = [
        MeetingRequest(
            event=event,
            requester=people[r.source],
            recipient=people[r.target],
            weight=r.weight,
            status=RequestStatus.ACCEPTED,
            external_id=r.id,
            answered_at=now,
        )
        for r in instance.requests
    ]
    return {r.external_id or "": r for r in MeetingRequest.objects.bulk_create(rows, batch_size=BATCH)}


# --- Scheduling -----------------------------------------------------------------------------


def request_schedule(event: Event, *, actor: Any, time_limit: float = 8.0) -> ScheduleRun:
    """Queue a scheduler run (the organiser's button); the task runs schedule_event."""
    run = ScheduleRun.objects.create(event=event, requested_by=actor, time_limit=time_limit)
    audit.record(actor=actor, action="schedule", obj=event, changes={"run": run.pk})
    return run


def schedule_event(run: ScheduleRun) -> ScheduleRun:
    """Solve the event's accepted requests with its published and pinned meetings fixed, and
    store the result as the draft schedule (replacing the unpinned drafts).

    The solve runs without a lock, so organisers can keep working; the result is stored
    under the event's lock only if the fixed meetings are still those it was solved with,
    and only for requests that are still schedulable. Never raises for a bad state: the run
    is marked failed with the reason."""
    ScheduleRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    event = run.event
    view = queries.engine_view(event)
    try:
        instance = parse_instance(view.data)
    except InstanceError as error:
        return _fail(run, _("The published meetings break a rule: %(error)s") % {"error": error})
    schedule = solve(instance, time_limit=run.time_limit)
    with transaction.atomic():
        locked_event(event)
        still = set(queries.schedulable_requests(event).values_list("pk", flat=True))
        if queries.fixed_meetings(event, still) != view.data["fixed"]:
            return _fail(run, _("Meetings were published or pinned while the scheduler ran; run it again."))
        event.meetings.filter(state=MeetingState.DRAFT, pinned=False).delete()
        Meeting.objects.bulk_create(
            [
                Meeting(event=event, request_id=view.requests[m.request], slot=view.slots[m.slot],
                        table=view.tables[m.table])
                for m in schedule.meetings
                if m.request not in view.fixed and view.requests[m.request] in still
            ],
            batch_size=BATCH,
        )  # fmt: skip
        run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.objective, run.upper_bound = schedule.objective, schedule.upper_bound
        run.method, run.solve_seconds = schedule.method, schedule.solve_seconds
        run.meetings_count = len(schedule.meetings)
        run.unscheduled = [
            {"request": view.requests[u.request], "code": u.code, "reason": u.reason} for u in schedule.unscheduled
        ]
        run.save()
    return run


def _fail(run: ScheduleRun, message: str) -> ScheduleRun:
    run.status, run.error, run.finished_at = RunStatus.FAILED, message[:500], timezone.now()
    run.save(update_fields=["status", "error", "finished_at"])
    return run


def upper_bound(event: Event) -> float:
    """A proven upper bound on the event's best schedule: the last run's, else the
    b-matching LP of the event as it is now."""
    run = queries.latest_finished_run(event)
    if run is not None and run.upper_bound is not None:
        return run.upper_bound
    instance = parse_instance(queries.engine_view(event).data)
    problem, _duplicates = Problem.build(instance)
    if not problem.edges:
        return 0.0
    result = matching_lp(problem, 10.0)
    if result.bound is not None:
        return result.bound
    return sum(w for w, common in zip(problem.weight, problem.common, strict=True) if common)


def publish_schedule(event: Event, *, actor: Any) -> int:
    """Publish every draft meeting; returns how many. Published meetings never move by a run."""
    with transaction.atomic():
        locked_event(event)
        count = event.meetings.filter(state=MeetingState.DRAFT).update(
            state=MeetingState.PUBLISHED, updated_at=timezone.now()
        )
        audit.record(actor=actor, action="publish", obj=event, changes={"meetings": count})
    return count


# --- Hand changes to meetings (the six validity rules, under the event's lock) --------------


def _check_placement(
    request: MeetingRequest, slot: MeetingSlot, table: MeetingTable, *, moving: Meeting | None
) -> None:
    """The spec's rules for one meeting placed among the event's others; raises MeetingRuleError.

    1. a request meets at most once, a pair at most once; 2. both are available in the slot;
    3. nobody and no table twice in a slot; 4. nobody above their meeting limit; 5. fixed
    (published) meetings other than this one stay as they are (they are not touched here);
    6. the request leaves the unscheduled list by being placed."""
    if request.status != RequestStatus.ACCEPTED:
        raise MeetingRuleError(_("Only an accepted request can be scheduled."))
    if slot.event_id != request.event_id or table.event_id != request.event_id:
        raise MeetingRuleError(_("The slot or table belongs to another event."))
    others = Meeting.objects.filter(event_id=request.event_id)
    if moving is not None:
        others = others.exclude(pk=moving.pk)
    people = [request.requester, request.recipient]
    pair = Q(request__requester=people[0], request__recipient=people[1]) | Q(
        request__requester=people[1], request__recipient=people[0]
    )
    if others.filter(pair).exists():
        raise MeetingRuleError(_("These two participants already meet."))
    for person in people:
        if person.available_slots is not None and slot.pk not in person.available_slots:
            raise MeetingRuleError(_("%(name)s is not available in this slot.") % {"name": person.name})
        theirs = others.filter(Q(request__requester=person) | Q(request__recipient=person))
        if person.talks.filter(starts_at__lt=slot.ends_at, ends_at__gt=slot.starts_at).exists():
            raise MeetingRuleError(_("%(name)s speaks in the programme at that time.") % {"name": person.name})
        if theirs.filter(slot=slot).exists():
            raise MeetingRuleError(_("%(name)s already has a meeting in this slot.") % {"name": person.name})
        if moving is None and person.max_meetings is not None and theirs.count() >= person.max_meetings:
            raise MeetingRuleError(_("%(name)s has reached their meeting limit.") % {"name": person.name})
    if others.filter(slot=slot, table=table).exists():
        raise MeetingRuleError(_("This table is taken in this slot."))


def place_meeting(
    request: MeetingRequest, *, slot: MeetingSlot, table: MeetingTable, actor: Any, pinned: bool = True
) -> Meeting:
    """Schedule an accepted request by hand (pinned, so that a run keeps it)."""
    with transaction.atomic():
        locked_event(request.event)
        request = MeetingRequest.objects.select_related("requester", "recipient").get(pk=request.pk)
        if Meeting.objects.filter(request=request).exists():
            raise MeetingRuleError(_("This request is already scheduled."))
        _check_placement(request, slot, table, moving=None)
        meeting = Meeting.objects.create(event=request.event, request=request, slot=slot, table=table, pinned=pinned)
        audit.record(actor=actor, action="create", obj=meeting, changes={"slot": slot.label, "table": table.name})
    return meeting


def self_book_meeting(request: MeetingRequest, *, slot: MeetingSlot, actor: Any) -> Meeting:
    """One side of an accepted request books it in `slot` at the first free table, while the
    event's self-booking is open. The meeting is published at once (both sides agreed to
    meet), so the scheduler treats it as fixed."""
    with transaction.atomic():
        event = locked_event(request.event)
        if not event.self_booking_open:
            raise MeetingRuleError(_("Booking is closed for this event."))
        request = MeetingRequest.objects.select_related("requester", "recipient").get(pk=request.pk)
        if Meeting.objects.filter(request=request).exists():
            raise MeetingRuleError(_("This request is already scheduled."))
        taken = Meeting.objects.filter(slot=slot).values_list("table_id", flat=True)
        table = event.tables.exclude(pk__in=list(taken)).order_by("position", "id").first()
        if table is None:
            raise MeetingRuleError(_("All tables are taken in this slot."))
        _check_placement(request, slot, table, moving=None)
        meeting = Meeting.objects.create(
            event=event, request=request, slot=slot, table=table, state=MeetingState.PUBLISHED
        )
        audit.record(actor=actor, action="create", obj=meeting, changes={"self_booked": [None, slot.label]})
    return meeting


def move_meeting(meeting: Meeting, *, slot: MeetingSlot, table: MeetingTable, actor: Any) -> Meeting:
    """Move a meeting to another slot or table; it becomes pinned so that a run keeps it."""
    with transaction.atomic():
        locked_event(meeting.event)
        meeting = Meeting.objects.select_related("request__requester", "request__recipient", "slot", "table").get(
            pk=meeting.pk
        )
        _check_placement(meeting.request, slot, table, moving=meeting)
        changes = {"slot": [meeting.slot.label, slot.label], "table": [meeting.table.name, table.name]}
        meeting.slot, meeting.table, meeting.pinned = slot, table, True
        meeting.save(update_fields=["slot", "table", "pinned", "updated_at"])
        audit.record(actor=actor, action="update", obj=meeting, changes=changes)
    return meeting


def cancel_meeting(meeting: Meeting, *, actor: Any) -> None:
    """Remove a meeting; its request stays accepted and goes back to the unscheduled list."""
    with transaction.atomic():
        locked_event(meeting.event)
        audit.record(actor=actor, action="delete", obj=meeting, changes={"meeting": [str(meeting), None]})
        Meeting.objects.filter(pk=meeting.pk).delete()


def pin_meeting(meeting: Meeting, *, pinned: bool, actor: Any) -> Meeting:
    """A pinned draft meeting is passed to the scheduler as fixed, like a published one."""
    with transaction.atomic():
        locked_event(meeting.event)
        Meeting.objects.filter(pk=meeting.pk).update(pinned=pinned, updated_at=timezone.now())
        meeting.pinned = pinned
        audit.record(actor=actor, action="update", obj=meeting, changes={"pinned": [not pinned, pinned]})
    return meeting


# --- After a meeting ------------------------------------------------------------------------


def record_meeting_feedback(
    meeting: Meeting, *, registration: Registration, happened: bool, outcome: str, actor: Any
) -> MeetingFeedback:
    """One side of a published meeting says, once it has begun, whether it happened and (if
    so) what it led to; answering again replaces the answer."""
    request = meeting.request
    if registration.pk not in (request.requester_id, request.recipient_id):
        raise MeetingRuleError(_("Only the two sides of a meeting can say how it went."))
    if meeting.state != MeetingState.PUBLISHED or meeting.slot.starts_at > timezone.now():
        raise MeetingRuleError(_("You can answer once the meeting has begun."))
    feedback, _created = MeetingFeedback.objects.update_or_create(
        meeting=meeting,
        registration=registration,
        defaults={"happened": happened, "outcome": outcome if happened else ""},
    )
    changes = {"happened": [None, happened], "outcome": [None, feedback.outcome]}
    audit.record(actor=actor, action="update", obj=feedback, changes=changes)
    return feedback

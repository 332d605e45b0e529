"""The meeting-schedule interchange format, version 1 (docs/scheduling.md),
as typed data classes. No Django here: this package is plain Python."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

INSTANCE_FORMAT = "silkbridge.meeting-instance/1"
SCHEDULE_FORMAT = "silkbridge.meeting-schedule/1"


class InstanceError(ValueError):
    """An invalid instance; the message is one line a person can act on."""


@dataclass(frozen=True)
class Slot:
    id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Participant:
    id: str
    available: frozenset[str]
    max_meetings: int | None = None


@dataclass(frozen=True)
class Request:
    id: str
    source: str
    target: str
    weight: float = 1.0

    @property
    def pair(self) -> tuple[str, str]:
        return (self.source, self.target) if self.source < self.target else (self.target, self.source)


@dataclass(frozen=True)
class Meeting:
    request: str
    slot: str
    table: str


@dataclass
class Instance:
    slots: list[Slot]
    tables: list[str]
    participants: dict[str, Participant]
    requests: list[Request]
    fixed: list[Meeting] = field(default_factory=list)

    @property
    def request_by_id(self) -> dict[str, Request]:
        return {r.id: r for r in self.requests}


@dataclass(frozen=True)
class Unscheduled:
    request: str
    reason: str
    code: str


@dataclass
class Schedule:
    meetings: list[Meeting]
    unscheduled: list[Unscheduled]
    objective: float
    upper_bound: float
    solve_seconds: float
    participants_without_meeting: int = 0
    method: str = ""

    @property
    def ratio(self) -> float:
        return 1.0 if self.upper_bound <= 0 else self.objective / self.upper_bound

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": SCHEDULE_FORMAT,
            "meetings": [{"request": m.request, "slot": m.slot, "table": m.table} for m in self.meetings],
            "unscheduled": [{"request": u.request, "reason": u.reason, "code": u.code} for u in self.unscheduled],
            "objective": round(self.objective, 9),
            "upper_bound": round(self.upper_bound, 9),
            "solve_seconds": round(self.solve_seconds, 3),
            "participants_without_meeting": self.participants_without_meeting,
            "method": self.method,
        }


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise InstanceError(message)


def _str_id(value: Any, what: str) -> str:
    _require(isinstance(value, str) and value != "", f"{what} must be a non-empty string, got {value!r}")
    return str(value)


def _time(value: Any, what: str) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise InstanceError(f"{what} is not an ISO 8601 date-time: {value!r}") from None


def _unique(ids: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in ids:
        _require(item not in seen, f"duplicate {what} id {item!r}")
        seen.add(item)


def _parse_slots(raw: Any) -> list[Slot]:
    _require(isinstance(raw, list) and raw != [], "'slots' must be a non-empty list")
    slots = []
    for n, item in enumerate(raw):
        _require(isinstance(item, dict), f"slots[{n}] must be an object")
        sid = _str_id(item.get("id"), f"slots[{n}].id")
        start, end = _time(item.get("start"), f"slot {sid!r} start"), _time(item.get("end"), f"slot {sid!r} end")
        _require(start < end, f"slot {sid!r} ends before it starts")
        slots.append(Slot(sid, start, end))
    _unique([s.id for s in slots], "slot")
    return slots


def _parse_participants(raw: Any, slot_ids: set[str]) -> dict[str, Participant]:
    _require(isinstance(raw, list), "'participants' must be a list")
    people: dict[str, Participant] = {}
    for n, item in enumerate(raw):
        _require(isinstance(item, dict), f"participants[{n}] must be an object")
        pid = _str_id(item.get("id"), f"participants[{n}].id")
        _require(pid not in people, f"duplicate participant id {pid!r}")
        available = item.get("available", sorted(slot_ids))
        _require(isinstance(available, list), f"participant {pid!r}: 'available' must be a list of slot ids")
        unknown = [s for s in available if s not in slot_ids]
        _require(not unknown, f"participant {pid!r} is available in unknown slot {unknown[0]!r}" if unknown else "")
        limit = item.get("max_meetings")
        _require(
            limit is None or (isinstance(limit, int) and not isinstance(limit, bool) and limit >= 0),
            f"participant {pid!r}: 'max_meetings' must be a whole number >= 0",
        )
        people[pid] = Participant(pid, frozenset(available), limit)
    return people


def _parse_requests(raw: Any, people: dict[str, Participant]) -> list[Request]:
    _require(isinstance(raw, list), "'requests' must be a list")
    requests = []
    for n, item in enumerate(raw):
        _require(isinstance(item, dict), f"requests[{n}] must be an object")
        rid = _str_id(item.get("id"), f"requests[{n}].id")
        source, target = item.get("from"), item.get("to")
        for end in (source, target):
            _require(end in people, f"request {rid!r} names unknown participant {end!r}")
        _require(source != target, f"request {rid!r} is a request to oneself ({source!r})")
        weight = item.get("weight", 1.0)
        _require(
            isinstance(weight, int | float) and not isinstance(weight, bool) and math.isfinite(weight) and weight > 0,
            f"request {rid!r}: 'weight' must be a number > 0",
        )
        requests.append(Request(rid, source, target, float(weight)))
    _unique([r.id for r in requests], "request")
    return requests


def _parse_fixed(raw: Any, inst: Instance) -> list[Meeting]:
    _require(isinstance(raw, list), "'fixed' must be a list")
    by_id, slots, tables = inst.request_by_id, {s.id for s in inst.slots}, set(inst.tables)
    fixed = []
    for n, item in enumerate(raw):
        _require(isinstance(item, dict), f"fixed[{n}] must be an object")
        meeting = Meeting(str(item.get("request")), str(item.get("slot")), str(item.get("table")))
        _require(meeting.request in by_id, f"fixed meeting names unknown request {meeting.request!r}")
        _require(meeting.slot in slots, f"fixed meeting {meeting.request!r} names unknown slot {meeting.slot!r}")
        _require(meeting.table in tables, f"fixed meeting {meeting.request!r} names unknown table {meeting.table!r}")
        fixed.append(meeting)
    return fixed


def parse_instance(data: Any) -> Instance:
    """Validate and convert a decoded instance; raises InstanceError with one clear line.

    Fixed meetings are also checked against every validity rule (see validate.py)."""
    _require(isinstance(data, dict), "the instance must be a JSON object")
    _require(data.get("format") == INSTANCE_FORMAT, f"'format' must be {INSTANCE_FORMAT!r}")
    slots = _parse_slots(data.get("slots"))
    tables = data.get("tables")
    _require(
        isinstance(tables, list) and all(isinstance(t, str) and t for t in tables), "'tables' must be a list of ids"
    )
    _unique(tables, "table")
    people = _parse_participants(data.get("participants"), {s.id for s in slots})
    inst = Instance(
        slots=slots, tables=list(tables), participants=people, requests=_parse_requests(data.get("requests"), people)
    )
    inst.fixed = _parse_fixed(data.get("fixed", []), inst)
    from silkbridge.scheduling.validate import violations

    problems = violations(inst, inst.fixed, partial=True)
    _require(not problems, f"fixed meetings break a rule: {problems[0]}" if problems else "")
    return inst

"""The validity rules of a schedule (spec, "A schedule is valid when"), checked independently
of the solver: a schedule that breaks any rule is reported, with the rule broken."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # model.parse_instance imports this module to check fixed meetings
    from silkbridge.scheduling.model import Instance, Meeting, Schedule


def violations(inst: Instance, meetings: list[Meeting], *, partial: bool = False) -> list[str]:
    """Rules 1-5 for `meetings`; with `partial`, rule 5 (fixed meetings present) is not checked."""
    problems: list[str] = []
    requests = inst.request_by_id
    slots, tables = {s.id for s in inst.slots}, set(inst.tables)
    seen_requests: set[str] = set()
    seen_pairs: set[tuple[str, str]] = set()
    busy: set[tuple[str, str]] = set()
    used_tables: set[tuple[str, str]] = set()
    load: Counter[str] = Counter()
    for m in meetings:
        request = requests.get(m.request)
        if request is None:
            problems.append(f"rule 1: meeting names unknown request {m.request!r}")
            continue
        if m.request in seen_requests:
            problems.append(f"rule 1: request {m.request!r} is scheduled twice")
        if request.pair in seen_pairs:
            problems.append(f"rule 1: participants {request.pair[0]!r} and {request.pair[1]!r} meet twice")
        seen_requests.add(m.request)
        seen_pairs.add(request.pair)
        if m.slot not in slots or m.table not in tables:
            problems.append(f"rule 2: request {m.request!r} uses unknown slot {m.slot!r} or table {m.table!r}")
        for person in request.pair:
            if m.slot not in inst.participants[person].available:
                problems.append(f"rule 2: {person!r} is not available in slot {m.slot!r} (request {m.request!r})")
            if (person, m.slot) in busy:
                problems.append(f"rule 3: {person!r} has two meetings in slot {m.slot!r}")
            busy.add((person, m.slot))
            load[person] += 1
        if (m.table, m.slot) in used_tables:
            problems.append(f"rule 3: table {m.table!r} hosts two meetings in slot {m.slot!r}")
        used_tables.add((m.table, m.slot))
    for person, count in load.items():
        limit = inst.participants[person].max_meetings
        if limit is not None and count > limit:
            problems.append(f"rule 4: {person!r} has {count} meetings, more than max_meetings {limit}")
    if not partial:
        present = set(meetings)
        problems += [f"rule 5: fixed meeting {f.request!r} is missing or moved" for f in inst.fixed if f not in present]
    return problems


def check_schedule(inst: Instance, schedule: Schedule) -> list[str]:
    """All six rules, and that the objective is the sum of the scheduled weights."""
    problems = violations(inst, schedule.meetings)
    placed = {m.request for m in schedule.meetings}
    explained = {u.request for u in schedule.unscheduled if u.reason}
    problems += [
        f"rule 6: request {r.id!r} is neither scheduled nor explained"
        for r in inst.requests
        if r.id not in placed and r.id not in explained
    ]
    weights = inst.request_by_id
    total = sum(weights[m.request].weight for m in schedule.meetings if m.request in weights)
    if abs(total - schedule.objective) > 1e-6 * max(1.0, total):
        problems.append(f"objective {schedule.objective} is not the sum of the scheduled weights {total}")
    if schedule.upper_bound + 1e-6 < schedule.objective:
        problems.append(f"upper bound {schedule.upper_bound} is below the objective {schedule.objective}")
    return problems

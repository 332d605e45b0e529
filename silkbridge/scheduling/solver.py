"""solve(instance) -> Schedule: construct, repair, bound, and explain.

1. Greedy construction, heaviest request first (ties: fewest shared slots first, then the
   people with the fewest requests, so that nobody is left without a meeting needlessly).
2. Repair passes (engine.improve): moves of blocking meetings, Kempe-chain slot swaps, and
   exchanges that drop lighter meetings (equal weight only to give someone a first meeting).
3. Upper bound: the b-matching LP; when the gap is above 0.1 % and the model is small enough,
   the time-indexed LP, whose often integral solution seeds a second construction.
The best schedule (weight, then fewest people without a meeting) is returned."""

from __future__ import annotations

import time

from silkbridge.scheduling.bound import matching_lp, time_indexed_lp, time_indexed_size
from silkbridge.scheduling.engine import Problem, State, bits, greedy, improve
from silkbridge.scheduling.model import Instance, Meeting, Schedule, Unscheduled

DEFAULT_TIME_LIMIT = 8.0
TIME_INDEXED_MAX_COLUMNS = 400_000  # larger LPs take longer than the time limits allow here
EXACT_MAX_COLUMNS = 3_000  # up to this size the exact MIP is solved first (well under a second)
REASONS = {
    "no_common_slot": "There is no slot in which both of you are free.",
    "meeting_limit": "The meeting limit of {who} is reached.",
    "tables_full": "All tables are taken in the slots you share.",
    "busy": "In every slot you share, one of you already has a meeting that weighs more.",
    "duplicate_pair": "You already meet through request {other}.",
}


def lonely_count(state: State) -> int:
    return sum(1 for x, d in enumerate(state.degree) if d == 0 and any(state.p.common[e] for e in state.p.incident[x]))


def _quality(state: State) -> tuple[float, int]:
    return (round(state.objective, 9), -lonely_count(state))


def _initial_order(p: Problem) -> list[int]:
    requests = [len(i) for i in p.incident]
    return sorted(
        range(len(p.edges)),
        key=lambda e: (-p.weight[e], p.common[e].bit_count(), requests[p.edges[e][0]] + requests[p.edges[e][1]], e),
    )


def _from_lp(p: Problem, values: dict[tuple[int, int], float]) -> State:
    state = State(p)
    for (e, s), x in sorted(values.items(), key=lambda item: -item[1]):
        if x < 0.5 or state.slot[e] >= 0 or not state.has_room(e):
            continue
        if (state.free_slots(e) >> s) & 1 and state.load[s] < p.capacity:
            state.place(e, s)
    return state


def solve(instance: Instance, time_limit: float = DEFAULT_TIME_LIMIT) -> Schedule:
    started = time.monotonic()
    deadline = started + time_limit
    p, duplicates = Problem.build(instance)
    if 0 < time_indexed_size(p) <= EXACT_MAX_COLUMNS:
        exact = time_indexed_lp(p, min(time_limit, 5.0), integer=True)
        if exact.bound is not None:
            state = _from_lp(p, exact.values)
            bound = max(exact.bound, state.objective)
            return _schedule(instance, p, state, duplicates, bound, time.monotonic() - started, "exact MIP")
    state = State(p)
    greedy(state, _initial_order(p))
    improve(state, started + time_limit * 0.35)
    method = "greedy+repair"
    matching = matching_lp(p, max(0.5, deadline - time.monotonic())) if p.edges else None
    lp_bound = matching.bound if matching else 0.0
    # If the LP ran out of time, fall back to the weight of every pair that could meet.
    bound = lp_bound if lp_bound is not None else sum(w for w, c in zip(p.weight, p.common, strict=True) if c)
    if matching and matching.values and state.objective < bound * 0.999:
        # The b-matching LP picks which pairs meet (often integrally); give those pairs slots first.
        chosen = {e for (e, _s), y in matching.values.items() if y > 0.5}
        candidate = State(p)
        greedy(candidate, sorted(_initial_order(p), key=lambda e: e not in chosen))
        improve(candidate, started + time_limit * 0.6)
        if _quality(candidate) > _quality(state):
            state, method = candidate, "b-matching LP + repair"
    if state.objective < bound * 0.999 and time_indexed_size(p) <= TIME_INDEXED_MAX_COLUMNS:
        remaining = deadline - time.monotonic()
        if remaining > 1.0:
            lp = time_indexed_lp(p, remaining * 0.7)
            if lp.bound is not None:
                bound = min(bound, lp.bound)
                candidate = _from_lp(p, lp.values)
                greedy(candidate, _initial_order(p))
                improve(candidate, deadline)
                if _quality(candidate) > _quality(state):
                    state, method = candidate, "time-indexed LP + repair"
    bound = max(bound, state.objective)  # never report a bound below a schedule we hold
    return _schedule(instance, p, state, duplicates, bound, time.monotonic() - started, method)


def _tables(instance: Instance, p: Problem, state: State) -> list[Meeting]:
    meetings = []
    for s, slot_id in enumerate(p.slot_ids):
        edges = sorted(state.in_slot[s], key=lambda e: p.request[e])
        reserved = {p.fixed_tables[e] for e in edges if e in p.fixed_tables}
        free_tables = iter(t for t in instance.tables if t not in reserved)
        for e in edges:
            table = p.fixed_tables.get(e) or next(free_tables)
            meetings.append(Meeting(p.request[e], slot_id, table))
    return meetings


def _reason(p: Problem, state: State, e: int) -> tuple[str, str]:
    u, v = p.edges[e]
    if not p.common[e]:
        return "no_common_slot", REASONS["no_common_slot"]
    full = [x for x in (u, v) if state.degree[x] >= p.limit[x]]
    if full:
        who = " and ".join(p.people[x] for x in full)
        return "meeting_limit", REASONS["meeting_limit"].format(who=who)
    free = state.free_slots(e)
    if free and all(state.load[s] >= p.capacity for s in bits(free)):
        return "tables_full", REASONS["tables_full"]
    return "busy", REASONS["busy"]


def _schedule(
    instance: Instance, p: Problem, state: State, duplicates: dict[str, str], bound: float, seconds: float, method: str
) -> Schedule:
    unscheduled = []
    reason_of: dict[str, tuple[str, str]] = {}
    for e in range(len(p.edges)):
        if state.slot[e] < 0:
            reason_of[p.request[e]] = _reason(p, state, e)
            unscheduled.append(Unscheduled(p.request[e], reason_of[p.request[e]][1], reason_of[p.request[e]][0]))
    for rid, other in duplicates.items():
        code, text = reason_of.get(other, ("duplicate_pair", REASONS["duplicate_pair"].format(other=other)))
        unscheduled.append(Unscheduled(rid, text, code))
    order = {r.id: i for i, r in enumerate(instance.requests)}
    unscheduled.sort(key=lambda u: order[u.request])
    return Schedule(
        meetings=_tables(instance, p, state),
        unscheduled=unscheduled,
        objective=state.objective,
        upper_bound=bound,
        solve_seconds=seconds,
        participants_without_meeting=lonely_count(state),
        method=method,
    )


def first_come_first_served(instance: Instance) -> Schedule:
    """The baseline of self-booking tools: requests in order, each into the first slot both are free."""
    started = time.monotonic()
    p, duplicates = Problem.build(instance)
    state = State(p)
    edge_of = {rid: e for e, rid in enumerate(p.request)}
    for r in instance.requests:
        e = edge_of.get(r.id)
        if e is None or state.slot[e] >= 0 or not state.has_room(e):
            continue
        free = [s for s in bits(state.free_slots(e)) if state.load[s] < p.capacity]
        if free:
            state.place(e, free[0])
    return _schedule(
        instance, p, state, duplicates, float("nan"), time.monotonic() - started, "first-come-first-served"
    )

"""Construction and repair of a schedule on an integer-indexed copy of the instance.

Slots are bits of a Python int, so "slots in which both are free" is one AND. Fixed meetings
are placed first and never moved. Tables are interchangeable within a slot, so the engine
only counts them; `tables_for` names them at the end."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from silkbridge.scheduling.model import Instance

INF = 1 << 30


def bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


@dataclass
class Problem:
    """The instance as integers: people 0..P-1, slots 0..S-1, one edge per pair of people."""

    slot_ids: list[str]
    people: list[str]
    capacity: int  # tables per slot
    avail: list[int]  # bit mask of slots per person
    limit: list[int]  # meetings per person: min(max_meetings, available slots)
    edges: list[tuple[int, int]]
    weight: list[float]
    request: list[str]  # the request each edge stands for (the heaviest of the pair)
    common: list[int]  # slots both ends are available in
    fixed: dict[int, int] = field(default_factory=dict)  # edge -> slot
    fixed_tables: dict[int, str] = field(default_factory=dict)
    incident: list[list[int]] = field(default_factory=list)

    @classmethod
    def build(cls, inst: Instance) -> tuple[Problem, dict[str, str]]:
        """Returns the problem and, for requests that are not an edge, the request they repeat."""
        slot_ids = [s.id for s in inst.slots]
        slot_index = {s: i for i, s in enumerate(slot_ids)}
        people = list(inst.participants)
        person_index = {p: i for i, p in enumerate(people)}
        avail = [sum(1 << slot_index[s] for s in inst.participants[p].available) for p in people]
        limits = [inst.participants[p].max_meetings for p in people]
        limit = [min(INF if cap is None else cap, a.bit_count()) for cap, a in zip(limits, avail, strict=True)]
        fixed_requests = {f.request: f for f in inst.fixed}
        best: dict[tuple[str, str], str] = {}
        weights = inst.request_by_id
        for r in inst.requests:  # a fixed request always represents its pair
            current = best.get(r.pair)
            if current is None or (
                current not in fixed_requests and (r.id in fixed_requests or r.weight > weights[current].weight)
            ):
                best[r.pair] = r.id
        duplicates = {r.id: best[r.pair] for r in inst.requests if best[r.pair] != r.id}
        problem = cls(slot_ids, people, len(inst.tables), avail, limit, [], [], [], [])
        for pair, rid in best.items():
            u, v = person_index[pair[0]], person_index[pair[1]]
            problem.edges.append((u, v))
            problem.weight.append(weights[rid].weight)
            problem.request.append(rid)
            problem.common.append(avail[u] & avail[v])
        edge_of_request = {rid: e for e, rid in enumerate(problem.request)}
        for f in inst.fixed:
            problem.fixed[edge_of_request[f.request]] = slot_index[f.slot]
            problem.fixed_tables[edge_of_request[f.request]] = f.table
        problem.incident = [[] for _ in people]
        for e, (u, v) in enumerate(problem.edges):
            problem.incident[u].append(e)
            problem.incident[v].append(e)
        return problem, duplicates


class State:
    """A partial schedule: edge -> slot, with the derived busy masks, loads and degrees."""

    def __init__(self, problem: Problem) -> None:
        self.p = problem
        self.slot = [-1] * len(problem.edges)
        self.busy = [0] * len(problem.people)
        self.at: dict[tuple[int, int], int] = {}  # (person, slot) -> edge
        self.load = [0] * len(problem.slot_ids)
        self.in_slot: list[set[int]] = [set() for _ in problem.slot_ids]
        self.degree = [0] * len(problem.people)
        self.objective = 0.0
        for e, s in problem.fixed.items():
            self.place(e, s)

    def place(self, e: int, s: int) -> None:
        u, v = self.p.edges[e]
        self.slot[e] = s
        for x in (u, v):
            self.busy[x] |= 1 << s
            self.at[(x, s)] = e
            self.degree[x] += 1
        self.load[s] += 1
        self.in_slot[s].add(e)
        self.objective += self.p.weight[e]

    def remove(self, e: int) -> int:
        s = self.slot[e]
        u, v = self.p.edges[e]
        self.slot[e] = -1
        for x in (u, v):
            self.busy[x] &= ~(1 << s)
            del self.at[(x, s)]
            self.degree[x] -= 1
        self.load[s] -= 1
        self.in_slot[s].discard(e)
        self.objective -= self.p.weight[e]
        return s

    def open_slots(self) -> int:
        cap = self.p.capacity
        return sum(1 << s for s, n in enumerate(self.load) if n < cap)

    def free_slots(self, e: int) -> int:
        u, v = self.p.edges[e]
        return self.p.common[e] & ~self.busy[u] & ~self.busy[v]

    def has_room(self, e: int) -> bool:
        u, v = self.p.edges[e]
        return self.degree[u] < self.p.limit[u] and self.degree[v] < self.p.limit[v]

    def movable(self, e: int) -> bool:
        return e not in self.p.fixed

    def snapshot(self) -> list[int]:
        return list(self.slot)

    def meetings_of(self, x: int) -> list[int]:
        return [self.at[(x, s)] for s in bits(self.busy[x])]


def least_loaded(state: State, mask: int) -> int:
    return min(bits(mask), key=lambda s: (state.load[s], s))


def greedy(state: State, order: list[int]) -> None:
    """Place edges in the given order, each into its least-loaded slot where both are free."""
    for e in order:
        if state.slot[e] >= 0 or not state.has_room(e):
            continue
        free = state.free_slots(e) & state.open_slots()
        if free:
            state.place(e, least_loaded(state, free))


def _relocate(state: State, f: int, forbidden: int, open_mask: int) -> int:
    """A slot other than the `forbidden` ones where movable edge f could go; -1 if none."""
    if not state.movable(f):
        return -1
    u, v = state.p.edges[f]
    candidates = state.p.common[f] & ~state.busy[u] & ~state.busy[v] & open_mask & ~forbidden
    return least_loaded(state, candidates) if candidates else -1


def insert_by_moves(state: State, e: int) -> bool:
    """Place e, moving at most one blocking meeting of each end (and one meeting out of a
    full slot) to another slot. Returns whether e was placed."""
    if not state.has_room(e):
        return False
    u, v = state.p.edges[e]
    open_mask = state.open_slots()
    free = state.free_slots(e)
    if free & open_mask:
        state.place(e, least_loaded(state, free & open_mask))
        return True
    for s in bits(state.p.common[e]):
        bit = 1 << s
        blockers = [state.at[(x, s)] for x in (u, v) if state.busy[x] & bit]
        if len(blockers) == 2 and blockers[0] == blockers[1]:
            continue
        moves: list[tuple[int, int]] = []
        taken = 0
        for f in blockers:
            target = _relocate(state, f, bit | taken, open_mask)
            if target < 0:
                break
            moves.append((f, target))
            if state.load[target] + 1 >= state.p.capacity:
                taken |= 1 << target
        if len(moves) != len(blockers):
            continue
        if not blockers and state.load[s] >= state.p.capacity:
            # Both free here but the tables are taken: move one meeting out of s.
            for f in sorted(state.in_slot[s]):
                target = _relocate(state, f, bit, open_mask)
                if target >= 0:
                    moves.append((f, target))
                    break
            if not moves:
                continue
        for f, target in moves:
            state.remove(f)
            state.place(f, target)
        state.place(e, s)
        return True
    return False


def insert_by_chain(state: State, e: int, max_length: int = 40) -> bool:
    """Kempe-chain insertion: u is free in slot a, v in slot b; swap a and b along the
    alternating path of meetings that starts at v's meeting in a, so that v becomes free in a."""
    if not state.has_room(e):
        return False
    u, v = state.p.edges[e]
    common = state.p.common[e]
    for a in bits(common & ~state.busy[u]):
        for b in bits(common & ~state.busy[v] & ~(1 << a)):
            chain = _chain(state, v, a, b, u, max_length)
            if chain is None:
                continue
            delta = _load_change(state, chain, a, b)
            if state.load[a] + delta[0] + 1 > state.p.capacity or state.load[b] + delta[1] > state.p.capacity:
                continue
            for f, _slot in chain:
                state.remove(f)
            _apply_swap(state, chain, a, b)
            state.place(e, a)
            return True
    return False


def _chain(state: State, start: int, a: int, b: int, avoid: int, max_length: int) -> list[tuple[int, int]] | None:
    """The alternating a/b path from `start`'s meeting in a: [(edge, its current slot)]."""
    path: list[tuple[int, int]] = []
    person, slot = start, a
    seen: set[int] = set()
    while (state.busy[person] >> slot) & 1:
        f = state.at[(person, slot)]
        other = slot ^ a ^ b  # the slot f would move to
        if f in seen or not state.movable(f) or not (state.p.common[f] >> other) & 1 or len(path) >= max_length:
            return None
        seen.add(f)
        path.append((f, slot))
        x, y = state.p.edges[f]
        person = y if x == person else x
        if person == avoid:
            return None
        slot = other
    return path


def _load_change(state: State, chain: list[tuple[int, int]], a: int, b: int) -> tuple[int, int]:
    to_b = sum(1 for _f, s in chain if s == a)
    to_a = len(chain) - to_b
    return to_a - to_b, to_b - to_a


def _apply_swap(state: State, chain: list[tuple[int, int]], a: int, b: int) -> None:
    for f, s in chain:
        state.place(f, b if s == a else a)


def insert_by_exchange(state: State, e: int, lonely: set[int]) -> bool:
    """Make room for e by dropping lighter meetings: those of its ends in the chosen slot,
    the lightest meeting of an end whose limit is reached, or the lightest meeting of a full
    slot. The dropped weight must be smaller than e's; an equal weight is accepted only when
    e gives a first meeting to someone in `lonely` and nobody loses their last meeting."""
    u, v = state.p.edges[e]
    w = state.p.weight[e]
    fair = bool({u, v} & lonely)
    best: tuple[float, int, set[int]] | None = None
    for s in bits(state.p.common[e]):
        drop = {state.at[(x, s)] for x in (u, v) if (state.busy[x] >> s) & 1}
        for x in (u, v):
            if state.degree[x] >= state.p.limit[x] and not any(x in state.p.edges[f] for f in drop):
                lightest = _lightest(state, state.meetings_of(x))
                if lightest is None:
                    drop = set()
                    break
                drop.add(lightest)
        else:
            if not drop and state.load[s] >= state.p.capacity:
                lightest = _lightest(state, list(state.in_slot[s]))
                if lightest is None:
                    continue
                drop.add(lightest)
            elif state.load[s] - sum(1 for f in drop if state.slot[f] == s) >= state.p.capacity:
                continue
            if not drop or any(not state.movable(f) for f in drop):
                continue
            lost = sum(state.p.weight[f] for f in drop)
            gains = lost < w - 1e-9 or (fair and abs(lost - w) <= 1e-9 and _keeps_everyone(state, drop))
            if gains and (best is None or lost < best[0]):
                best = (lost, s, drop)
    if best is None:
        return False
    _lost, s, drop = best
    for f in drop:
        state.remove(f)
    state.place(e, s)
    return True


def _lightest(state: State, edges: list[int]) -> int | None:
    movable = [f for f in edges if state.movable(f)]
    return min(movable, key=lambda f: state.p.weight[f]) if movable else None


def _keeps_everyone(state: State, drop: set[int]) -> bool:
    lost: dict[int, int] = {}
    for f in drop:
        for x in state.p.edges[f]:
            lost[x] = lost.get(x, 0) + 1
    return all(state.degree[x] > n for x, n in lost.items())


def improve(state: State, deadline: float, fairness_pass: bool = True) -> None:
    """Repeated passes over unplaced edges, heaviest first, until nothing changes or time is up."""
    order = sorted(range(len(state.p.edges)), key=lambda e: -state.p.weight[e])
    for _round in range(6):
        changed = False
        for e in order:
            if state.slot[e] >= 0 or not state.p.common[e]:
                continue
            if time.monotonic() > deadline:
                return
            if insert_by_moves(state, e) or insert_by_chain(state, e):
                changed = True
        if fairness_pass:
            changed |= _exchange_pass(state, order, deadline)
        if not changed:
            return


def _exchange_pass(state: State, order: list[int], deadline: float) -> bool:
    changed = False
    lonely = {x for x, d in enumerate(state.degree) if d == 0 and state.p.incident[x]}
    for e in order:
        if state.slot[e] >= 0 or not state.p.common[e] or time.monotonic() > deadline:
            continue
        if insert_by_exchange(state, e, lonely):
            changed = True
            lonely -= set(state.p.edges[e])
    return changed

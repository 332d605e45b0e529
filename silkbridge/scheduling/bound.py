"""Proven upper bounds from linear relaxations, solved with HiGHS (highspy).

- `matching_lp`: the fractional b-matching relaxation (one variable per pair of people):
  every person at most their limit, all meetings at most slots x tables. Cheap at any size.
- `time_indexed_lp`: the LP relaxation of the exact model (one variable per pair and slot
  both are free in). Tighter, and its solution often is a schedule; used when affordable.

An LP optimum bounds every integer schedule from above. A tiny relative margin covers the
solver's feasibility tolerance, so the reported bound is never below the true optimum."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np

from silkbridge.scheduling.engine import Problem, bits

MARGIN = 1e-7
SOLVER = ["choose"]  # tests may switch it; "ipm" was measured slower to a vertex here


@dataclass
class LpResult:
    bound: float | None  # None when the LP did not reach optimality in time
    values: dict[tuple[int, int], float]  # (edge, slot) -> value, for time_indexed_lp


def _quiet_highs() -> highspy.Highs:
    """A Highs object without its start-up banner: HiGHS prints it from C++ in the
    constructor, before output_flag can be set, and it would corrupt the CLI's output."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    return h


def _solve(
    cost: list[float],
    lower: list[float],
    rows: list[list[int]],
    row_upper: list[float],
    time_limit: float,
    integer: bool = False,
) -> tuple[float | None, np.ndarray]:
    """max cost.x s.t. sum(x[rows[i]]) <= row_upper[i], lower <= x <= 1 (x binary if `integer`).
    Returns the proven optimum (with the margin) and x, or None when not proven in time."""
    h = _quiet_highs()
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", max(0.1, time_limit))
    h.setOptionValue("solver", SOLVER[0])
    lp = highspy.HighsLp()
    n = len(cost)
    lp.num_col_ = n
    lp.num_row_ = len(rows)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(lower, dtype=float)
    lp.col_upper_ = np.ones(n)
    lp.row_lower_ = np.full(len(rows), -highspy.kHighsInf)
    lp.row_upper_ = np.asarray(row_upper, dtype=float)
    starts = np.zeros(len(rows) + 1, dtype=np.int32)
    starts[1:] = np.cumsum([len(r) for r in rows])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = starts
    lp.a_matrix_.index_ = np.fromiter((c for r in rows for c in r), dtype=np.int32, count=int(starts[-1]))
    lp.a_matrix_.value_ = np.ones(int(starts[-1]))
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None, np.zeros(n)
    value = h.getInfo().objective_function_value
    return value + MARGIN * max(1.0, abs(value)), np.asarray(h.getSolution().col_value)


def matching_lp(p: Problem, time_limit: float = 30.0) -> LpResult:
    """The b-matching relaxation; `values` maps (edge, -1) to the edge's LP value."""
    edges = [e for e in range(len(p.edges)) if p.common[e]]
    reach = [0] * len(p.people)  # slots a person could meet anybody in
    for e in edges:
        for x in p.edges[e]:
            reach[x] |= p.common[e]
    rows: list[list[int]] = [[] for _ in p.people]
    for col, e in enumerate(edges):
        for x in p.edges[e]:
            rows[x].append(col)
    uppers = [float(min(p.limit[x], reach[x].bit_count())) for x in range(len(p.people))]
    keep = [i for i, r in enumerate(rows) if r and len(r) > uppers[i]]
    all_rows = [rows[i] for i in keep] + [list(range(len(edges)))]
    all_upper = [uppers[i] for i in keep] + [float(len(p.slot_ids) * p.capacity)]
    lower = [1.0 if e in p.fixed else 0.0 for e in edges]
    bound, solution = _solve([p.weight[e] for e in edges], lower, all_rows, all_upper, time_limit)
    values = (
        {(edges[i], -1): float(solution[i]) for i in np.flatnonzero(solution > 1e-6).tolist()}
        if bound is not None
        else {}
    )
    return LpResult(bound, values)


def time_indexed_size(p: Problem) -> int:
    return sum(c.bit_count() for c in p.common)


def time_indexed_lp(p: Problem, time_limit: float, integer: bool = False) -> LpResult:
    """The LP relaxation of the exact model or, with `integer`, the exact model itself (MIP),
    which is used only on small instances: HiGHS can overrun its time limit on large MIPs."""
    columns: list[tuple[int, int]] = []
    for e, mask in enumerate(p.common):
        slots = [p.fixed[e]] if e in p.fixed else bits(mask)
        columns += [(e, s) for s in slots]
    person_slot: dict[tuple[int, int], list[int]] = {}
    per_slot: list[list[int]] = [[] for _ in p.slot_ids]
    per_edge: dict[int, list[int]] = {}
    per_person: list[list[int]] = [[] for _ in p.people]
    for col, (e, s) in enumerate(columns):
        u, v = p.edges[e]
        person_slot.setdefault((u, s), []).append(col)
        person_slot.setdefault((v, s), []).append(col)
        per_slot[s].append(col)
        per_edge.setdefault(e, []).append(col)
        per_person[u].append(col)
        per_person[v].append(col)
    rows = [r for r in person_slot.values() if len(r) > 1]
    upper = [1.0] * len(rows)
    for r in per_slot:
        if len(r) > p.capacity:
            rows.append(r)
            upper.append(float(p.capacity))
    for r in per_edge.values():
        if len(r) > 1:
            rows.append(r)
            upper.append(1.0)
    for x, r in enumerate(per_person):
        if len(r) > p.limit[x]:
            rows.append(r)
            upper.append(float(p.limit[x]))
    lower = [1.0 if p.fixed.get(e) == s else 0.0 for e, s in columns]
    bound, solution = _solve([p.weight[e] for e, _s in columns], lower, rows, upper, time_limit, integer)
    values = (
        {columns[i]: float(solution[i]) for i in np.flatnonzero(solution > 1e-6).tolist()} if bound is not None else {}
    )
    return LpResult(bound, values)

import itertools
import json
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silkbridge.scheduling import Meeting, check_schedule, first_come_first_served, parse_instance, solve
from silkbridge.scheduling.model import Instance
from silkbridge.scheduling.validate import violations
from tests.scheduling.helpers import instance


def reasons(result: object) -> dict[str, str]:
    return {u.request: u.code for u in result.unscheduled}  # type: ignore[attr-defined]


def test_fixed_meetings_stay_exactly_where_they_are() -> None:
    inst = parse_instance(
        instance(
            slots=2, tables=2, requests=[("a", "b", 1.0), ("a", "c", 5.0)],
            fixed=[{"request": "r1", "slot": "s0", "table": "T2"}],
        )
    )  # fmt: skip
    result = solve(inst)
    assert Meeting("r1", "s0", "T2") in result.meetings
    assert Meeting("r2", "s1", "T1") in result.meetings
    assert check_schedule(inst, result) == []


def test_a_fixed_lighter_request_represents_its_pair() -> None:
    inst = parse_instance(
        instance(requests=[("a", "b", 1.0), ("b", "a", 3.0)], fixed=[{"request": "r1", "slot": "s1", "table": "T1"}])
    )
    result = solve(inst)
    assert [m.request for m in result.meetings] == ["r1"]
    assert reasons(result) == {"r2": "duplicate_pair"}
    assert "r1" in result.unscheduled[0].reason


def test_each_unscheduled_request_says_why() -> None:
    inst = parse_instance(
        instance(
            slots=2,
            tables=1,
            people=[
                {"id": "a", "available": ["s0"]}, {"id": "b", "available": ["s1"]}, {"id": "c", "max_meetings": 0},
                {"id": "d"}, {"id": "e"}, {"id": "f"}, {"id": "g"}, {"id": "h"}, {"id": "i"},
            ],
            requests=[("a", "b", 1.0), ("c", "d", 1.0), ("d", "e", 5.0), ("f", "g", 5.0), ("h", "i", 1.0),
                      ("e", "f", 1.0)],
        )
    )  # fmt: skip
    result = solve(inst)
    assert check_schedule(inst, result) == []
    got = reasons(result)
    assert got["r1"] == "no_common_slot"
    assert got["r2"] == "meeting_limit"
    assert got["r5"] == "tables_full"  # d-e and f-g fill the one table in both slots
    assert got["r6"] == "busy"  # e and f are each busy in the slot the other is free in
    texts = {u.request: u.reason for u in result.unscheduled}
    assert texts["r1"] == "There is no slot in which both of you are free."
    assert "c" in texts["r2"]


def test_among_equal_weights_nobody_is_left_out_needlessly() -> None:
    # One slot, one table: a-b or c-a? a is popular; b has only this request, so does c.
    # With two slots, a meets both; with a's limit of 1, a fair schedule still gives a meeting to d.
    inst = parse_instance(
        instance(
            slots=2, tables=1,
            people=[{"id": "a", "max_meetings": 1}, {"id": "b"}, {"id": "c"}, {"id": "d"}],
            requests=[("b", "a", 1.0), ("c", "a", 1.0), ("b", "d", 1.0)],
        )
    )  # fmt: skip
    result = solve(inst)
    assert result.objective == 2.0
    assert result.participants_without_meeting == 0  # c-a and b-d, not b-a (which leaves c and d out)


def test_first_come_first_served_books_in_order() -> None:
    inst = parse_instance(instance(slots=1, tables=1, requests=[("a", "b", 1.0), ("a", "c", 5.0)]))
    assert [m.request for m in first_come_first_served(inst).meetings] == ["r1"]
    assert [m.request for m in solve(inst).meetings] == ["r2"]


def brute_force(inst: Instance) -> float:
    """The best objective by trying every slot (or none) for every request."""
    options = [None, *[s.id for s in inst.slots]]
    best = 0.0
    for choice in itertools.product(options, repeat=len(inst.requests)):
        meetings, used = [], {}
        for request, slot in zip(inst.requests, choice, strict=True):
            if slot is not None:
                table_index = used.get(slot, 0)
                if table_index >= len(inst.tables):
                    break
                used[slot] = table_index + 1
                meetings.append(Meeting(request.id, slot, inst.tables[table_index]))
        else:
            if not violations(inst, meetings):
                best = max(best, sum(inst.request_by_id[m.request].weight for m in meetings))
    return best


names = ["a", "b", "c", "d"]


@st.composite
def small_instances(draw: st.DrawFn) -> dict[str, object]:
    slots = draw(st.integers(1, 3))
    people = []
    for name in names:
        person: dict[str, object] = {"id": name}
        available = draw(st.sets(st.integers(0, slots - 1), min_size=1))
        if draw(st.booleans()):
            person["available"] = [f"s{n}" for n in sorted(available)]
        if draw(st.integers(0, 3)) == 0:
            person["max_meetings"] = draw(st.integers(0, 2))
        people.append(person)
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(lambda p: p[0] != p[1]), max_size=6)
    )
    weights = draw(st.lists(st.sampled_from([1.0, 1.5, 2.0]), min_size=len(pairs), max_size=len(pairs)))
    requests = [(src, dst, w) for (src, dst), w in zip(pairs, weights, strict=True)]
    return instance(slots=slots, tables=draw(st.integers(1, 2)), people=people, requests=requests)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_solver_matches_brute_force_and_bounds_it(data: dict[str, object]) -> None:
    inst = parse_instance(data)
    result = solve(inst, time_limit=2.0)
    assert check_schedule(inst, result) == []
    optimum = brute_force(inst)
    assert result.objective == optimum
    assert result.upper_bound >= optimum - 1e-9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_instances())
def test_heuristic_path_is_valid_and_its_bound_holds(data: dict[str, object]) -> None:
    import silkbridge.scheduling.solver as solver

    inst = parse_instance(data)
    saved, solver.EXACT_MAX_COLUMNS = solver.EXACT_MAX_COLUMNS, 0  # force construction + repair
    try:
        result = solve(inst, time_limit=2.0)
    finally:
        solver.EXACT_MAX_COLUMNS = saved
    assert result.method != "exact MIP"
    assert check_schedule(inst, result) == []
    optimum = brute_force(inst)
    assert result.objective <= optimum + 1e-9 <= result.upper_bound + 2e-9


def test_command_writes_a_schedule(tmp_path: Path) -> None:
    source = tmp_path / "instance.json"
    source.write_text(json.dumps(instance(requests=[("a", "b", 1.0), ("b", "c", 1.0)])), encoding="utf-8")
    out = tmp_path / "schedule.json"
    run = subprocess.run(
        [sys.executable, "-m", "silkbridge.scheduling", str(source), "-o", str(out), "--time-limit", "5"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    schedule = json.loads(out.read_text(encoding="utf-8"))
    assert schedule["format"] == "silkbridge.meeting-schedule/1"
    assert schedule["objective"] == 2.0 and len(schedule["meetings"]) == 2
    assert run.stdout.startswith("2 meetings")


def test_command_rejects_a_bad_instance_with_one_line_and_no_file(tmp_path: Path) -> None:
    for content, expected in [
        ("{not json", "is not valid JSON"),
        (json.dumps(instance(requests=[("a", "a", 1.0)])), "request 'r1' is a request to oneself"),
    ]:
        source = tmp_path / "instance.json"
        source.write_text(content, encoding="utf-8")
        out = tmp_path / "schedule.json"
        run = subprocess.run(
            [sys.executable, "-m", "silkbridge.scheduling", str(source), "-o", str(out)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert run.returncode == 2
        assert expected in run.stderr and run.stderr.count("\n") == 1
        assert not out.exists()

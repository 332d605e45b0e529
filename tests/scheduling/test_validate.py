import pytest

from silkbridge.scheduling import Meeting, Schedule, check_schedule, parse_instance, solve
from silkbridge.scheduling.model import Unscheduled
from tests.scheduling.helpers import instance

INST = parse_instance(
    instance(
        slots=2,
        tables=1,
        people=[{"id": "a"}, {"id": "b", "available": ["s0"]}, {"id": "c", "max_meetings": 1}, {"id": "d"}],
        requests=[("a", "b", 1.0), ("b", "a", 2.0), ("a", "c", 1.0), ("c", "d", 1.0), ("a", "d", 1.0)],
        fixed=[],
    )
)


def schedule(meetings: list[tuple[str, str, str]], unscheduled: list[str] | None = None) -> Schedule:
    placed = [Meeting(*m) for m in meetings]
    weights = INST.request_by_id
    rest = (
        unscheduled
        if unscheduled is not None
        else [r.id for r in INST.requests if r.id not in {m[0] for m in meetings}]
    )
    return Schedule(
        meetings=placed,
        unscheduled=[Unscheduled(r, "because", "busy") for r in rest],
        objective=sum(weights[m.request].weight for m in placed if m.request in weights),
        upper_bound=100.0,
        solve_seconds=0.0,
    )


@pytest.mark.parametrize(
    ("meetings", "rule"),
    [
        ([("r9", "s0", "T1")], "rule 1: meeting names unknown request"),
        ([("r1", "s0", "T1"), ("r1", "s1", "T1")], "rule 1: request 'r1' is scheduled twice"),
        ([("r1", "s0", "T1"), ("r2", "s1", "T1")], "rule 1: participants 'a' and 'b' meet twice"),
        ([("r1", "s1", "T1")], "rule 2: 'b' is not available in slot 's1'"),
        ([("r3", "s0", "T1"), ("r5", "s0", "T1")], "rule 3: 'a' has two meetings in slot 's0'"),
        ([("r1", "s0", "T1"), ("r4", "s0", "T1")], "rule 3: table 'T1' hosts two meetings in slot 's0'"),
        ([("r3", "s0", "T1"), ("r4", "s1", "T1")], "rule 4: 'c' has 2 meetings, more than max_meetings 1"),
    ],
)
def test_each_broken_rule_is_reported(meetings: list[tuple[str, str, str]], rule: str) -> None:
    problems = check_schedule(INST, schedule(meetings))
    assert any(rule in p for p in problems), problems


def test_a_missing_fixed_meeting_is_reported() -> None:
    inst = parse_instance(instance(requests=[("a", "b", 1.0)], fixed=[{"request": "r1", "slot": "s1", "table": "T2"}]))
    moved = Schedule([Meeting("r1", "s0", "T1")], [], 1.0, 1.0, 0.0)
    assert "rule 5: fixed meeting 'r1' is missing or moved" in check_schedule(inst, moved)


def test_an_unexplained_request_is_reported() -> None:
    problems = check_schedule(INST, schedule([("r2", "s0", "T1")], unscheduled=["r1", "r3"]))
    assert "rule 6: request 'r4' is neither scheduled nor explained" in problems


def test_a_wrong_objective_or_bound_is_reported() -> None:
    bad = schedule([("r2", "s0", "T1")])
    bad.objective, bad.upper_bound = 5.0, 4.0
    problems = check_schedule(INST, bad)
    assert any("not the sum" in p for p in problems) and any("below the objective" in p for p in problems)


def test_the_solver_output_passes_the_validator_and_is_optimal_here() -> None:
    result = solve(INST)
    assert check_schedule(INST, result) == []
    # b only in s0 with one table: r2 (a-b, weight 2) there; c-d or a-c in s1 (c at most one)
    assert result.objective == 3.0 and result.upper_bound >= 3.0


def test_valid_schedule_has_no_problems() -> None:
    assert check_schedule(INST, schedule([("r2", "s0", "T1"), ("r4", "s1", "T1")])) == []

import copy
from typing import Any

import pytest

from silkbridge.scheduling import InstanceError, parse_instance
from tests.scheduling.helpers import instance

GOOD = instance(requests=[("a", "b", 1.0), ("b", "c", 2.0)])


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD)
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other/1"), "'format' must be 'silkbridge.meeting-instance/1'"),
        (lambda d: d.update(slots=[]), "'slots' must be a non-empty list"),
        (lambda d: d["slots"].append(dict(d["slots"][0])), "duplicate slot id 's0'"),
        (lambda d: d["slots"][0].update(end="2026-11-10T08:00:00+08:00"), "slot 's0' ends before it starts"),
        (lambda d: d["slots"][0].update(start="tomorrow"), "slot 's0' start is not an ISO 8601 date-time"),
        (lambda d: d.update(tables=["T1", "T1"]), "duplicate table id 'T1'"),
        (lambda d: d["participants"].append({"id": "a"}), "duplicate participant id 'a'"),
        (lambda d: d["participants"][0].update(available=["s9"]), "participant 'a' is available in unknown slot 's9'"),
        (lambda d: d["participants"][0].update(max_meetings=-1), "'max_meetings' must be a whole number >= 0"),
        (lambda d: d["requests"][0].update(to="zed"), "request 'r1' names unknown participant 'zed'"),
        (lambda d: d["requests"][0].update(to="a"), "request 'r1' is a request to oneself ('a')"),
        (lambda d: d["requests"][0].update(weight=0), "request 'r1': 'weight' must be a number > 0"),
        (lambda d: d["requests"].append(dict(d["requests"][0])), "duplicate request id 'r1'"),
        (lambda d: d.update(fixed=[{"request": "r9", "slot": "s0", "table": "T1"}]), "unknown request 'r9'"),
        (lambda d: d.update(fixed=[{"request": "r1", "slot": "s7", "table": "T1"}]), "unknown slot 's7'"),
        (lambda d: d.update(fixed=[{"request": "r1", "slot": "s0", "table": "T9"}]), "unknown table 'T9'"),
        (
            lambda d: d.update(
                fixed=[{"request": "r1", "slot": "s0", "table": "T1"}, {"request": "r2", "slot": "s0", "table": "T2"}]
            ),
            "fixed meetings break a rule: rule 3: 'b' has two meetings in slot 's0'",
        ),
        (
            lambda d: (
                d["participants"][0].update(available=["s1"]),
                d.update(fixed=[{"request": "r1", "slot": "s0", "table": "T1"}]),
            ),
            "fixed meetings break a rule: rule 2: 'a' is not available in slot 's0'",
        ),
    ],
)
def test_invalid_instance_gets_one_clear_message(change: Any, message: str) -> None:
    with pytest.raises(InstanceError) as error:
        parse_instance(broken(change))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_missing_availability_means_every_slot_and_extra_keys_are_ignored() -> None:
    data = broken(lambda d: d["participants"][0].update(country="KE", languages=["sw"]))
    inst = parse_instance(data)
    assert inst.participants["a"].available == {"s0", "s1"}
    assert inst.requests[1].weight == 2.0


def test_the_engine_imports_no_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys, silkbridge.scheduling, silkbridge.scheduling.__main__; "
        "print(any(m.startswith('django') for m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PATH": ""})
    assert run.stdout.strip() == "False"

"""Conference meetings through the site: import an instance, schedule it and export the
schedule with the `silkbridge events` commands, each a process of its own as a user runs
it, against a fresh SQLite database under var/bench/.

Targets (issue #18): an 800-participant conference with 6,000 accepted requests, 16 slots
and 120 tables in under 30 s in all, the exported schedule valid and at least 0.99 of its
upper bound; a 5,000-participant event with 40,000 requests, 24 slots and 800 tables in
under 150 s.

Run: make bench   (or: .venv/bin/python bench/events_bench.py [--small-only] [--seed N])
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from silkbridge.scheduling import parse_instance  # noqa: E402  (the path is set just above)
from silkbridge.scheduling.generator import generate  # noqa: E402
from silkbridge.scheduling.model import Meeting, Schedule, Unscheduled  # noqa: E402
from silkbridge.scheduling.validate import check_schedule  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
CASES = [
    # name, participants, requests, slots, tables, target seconds, solver time limit
    ("conference", 800, 6_000, 16, 120, 30.0, 8.0),
    ("fair", 5_000, 40_000, 24, 800, 150.0, 8.0),
]
MIN_RATIO = 0.99


def silkbridge(*args: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "silkbridge", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"silkbridge {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return time.monotonic() - started, result.stdout.strip()


def as_schedule(document: dict) -> Schedule:
    return Schedule(
        meetings=[Meeting(m["request"], m["slot"], m["table"]) for m in document["meetings"]],
        unscheduled=[Unscheduled(u["request"], u["reason"], u["code"]) for u in document["unscheduled"]],
        objective=document["objective"],
        upper_bound=document["upper_bound"],
        solve_seconds=document["solve_seconds"],
    )


def run_case(name: str, people: int, requests: int, slots: int, tables: int, target: float, limit: float,
             seed: int) -> bool:  # fmt: skip
    database = BENCH_DIR / f"events-{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}
    silkbridge("migrate", "--noinput", "-v0", env=env)
    data = generate(participants=people, requests=requests, slots=slots, tables=tables, seed=seed)
    instance_file, schedule_file = BENCH_DIR / f"{name}-instance.json", BENCH_DIR / f"{name}-schedule.json"
    instance_file.write_text(json.dumps(data), encoding="utf-8")
    t_import, _out = silkbridge("events", "import-instance", str(instance_file), "--event", name, env=env)
    t_schedule, printed = silkbridge("events", "schedule", name, "--time-limit", str(limit), env=env)
    t_export, _out = silkbridge("events", "export-schedule", name, "-o", str(schedule_file), env=env)
    document = json.loads(schedule_file.read_text(encoding="utf-8"))
    problems = check_schedule(parse_instance(data), as_schedule(document))
    total = t_import + t_schedule + t_export
    ratio = document["objective"] / document["upper_bound"] if document["upper_bound"] else 1.0
    ok = not problems and total < target and ratio >= MIN_RATIO
    print(f"{name}: {people} participants, {requests} requests, {slots} slots, {tables} tables (seed {seed})")
    print(f"  import {t_import:.1f} s, schedule {t_schedule:.1f} s, export {t_export:.1f} s: {total:.1f} s "
          f"in all (target < {target:.0f} s)")  # fmt: skip
    print(f"  scheduler: {printed}")
    print(f"  exported: {len(document['meetings'])} meetings, objective {document['objective']:g}, "
          f"upper bound {document['upper_bound']:g}, ratio {ratio:.4f} (target >= {MIN_RATIO})")  # fmt: skip
    print(f"  validator: {'valid' if not problems else f'{len(problems)} problems, first: {problems[0]}'}")
    print(f"  verdict: {'MET' if ok else 'NOT MET'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small-only", action="store_true", help="only the 800-participant conference")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    cases = CASES[:1] if args.small_only else CASES
    results = [run_case(*case, seed=args.seed) for case in cases]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

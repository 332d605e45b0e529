"""Meeting-scheduler benchmark (targets: ratio >= 0.99, < 10 s at 800 people, < 120 s at 5,000).

Generates three seeded instances (silkbridge/scheduling/generator.py), solves each in a fresh
process (so that peak memory is the solver's own), checks every schedule against the
validity rules, and runs the first-come-first-served baseline the same way.

Run: make bench   (or: .venv/bin/python bench/scheduling_bench.py [--seed 1])
"""

import argparse
import json
import multiprocessing
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from silkbridge.scheduling import check_schedule, first_come_first_served, parse_instance, solve  # noqa: E402
from silkbridge.scheduling.generator import generate  # noqa: E402

INSTANCES = {
    "conference": ({"participants": 800, "requests": 6000, "slots": 16, "tables": 400}, 8.0, 10.0),
    "conference-tables": ({"participants": 800, "requests": 6000, "slots": 16, "tables": 60}, 8.0, 10.0),
    "fair": ({"participants": 5000, "requests": 40000, "slots": 24, "tables": 800}, 100.0, 120.0),
}


def _run(path: str, method: str, time_limit: float, queue: Any) -> None:
    started = time.monotonic()
    instance = parse_instance(json.loads(Path(path).read_text(encoding="utf-8")))
    result = solve(instance, time_limit=time_limit) if method == "solver" else first_come_first_served(instance)
    seconds = time.monotonic() - started
    queue.put(
        {
            "objective": result.objective,
            "bound": result.upper_bound,
            "meetings": len(result.meetings),
            "lonely": result.participants_without_meeting,
            "seconds": seconds,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "problems": check_schedule(instance, result) if method == "solver" else [],
            "method": result.method,
        }
    )


def measure(path: Path, method: str, time_limit: float) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_run, args=(str(path), method, time_limit, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=list(INSTANCES), help="run one instance")
    args = parser.parse_args()
    out_dir = ROOT / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    ok = True
    print(f"Meeting scheduler benchmark (seed {args.seed}); solver and first-come-first-served baseline")
    columns = ["objective", "bound", "ratio", "meetings", "no mtg", "seconds", "peak MB"]
    print(
        f"{'instance':18} {'method':8} " + " ".join(f"{c:>{10 if c in ('objective', 'bound') else 8}}" for c in columns)
    )
    for name, (size, time_limit, target_seconds) in INSTANCES.items():
        if args.only and name != args.only:
            continue
        path = out_dir / f"meetings-{name}-{args.seed}.json"
        path.write_text(json.dumps(generate(seed=args.seed, **size)), encoding="utf-8")
        solved = measure(path, "solver", time_limit)
        baseline = measure(path, "baseline", time_limit)
        ratio = solved["objective"] / solved["bound"] if solved["bound"] else 1.0
        for label, r in (("solver", solved), ("FCFS", baseline)):
            r_ratio = r["objective"] / solved["bound"] if solved["bound"] else 1.0
            print(
                f"{name:18} {label:8} {r['objective']:10.1f} {solved['bound']:10.1f} {r_ratio:7.4f} {r['meetings']:8d} "
                f"{r['lonely']:7d} {r['seconds']:8.2f} {r['peak_mb']:8.0f}"
            )
        checks = {
            "valid": not solved["problems"],
            "ratio >= 0.99": ratio >= 0.99,
            f"time < {target_seconds:.0f} s": solved["seconds"] < target_seconds,
            "beats baseline": solved["objective"] > baseline["objective"]
            or baseline["objective"] >= solved["bound"] - 1e-9,
        }
        ok &= all(checks.values())
        verdict = ", ".join(f"{k}: {'OK' if v else 'MISSED'}" for k, v in checks.items())
        print(f"{'':18} ({solved['method']}) {verdict}")
        for problem in solved["problems"][:5]:
            print(f"{'':18} invalid: {problem}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

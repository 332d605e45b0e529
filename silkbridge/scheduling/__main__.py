"""python -m silkbridge.scheduling INSTANCE.json -o SCHEDULE.json [--time-limit SECONDS]

Exit 0 with a schedule; exit 2 with one line on standard error, and no output file, for an
invalid instance."""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from silkbridge.scheduling.model import InstanceError, parse_instance
from silkbridge.scheduling.solver import DEFAULT_TIME_LIMIT, solve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m silkbridge.scheduling", description=__doc__)
    parser.add_argument("instance", type=Path)
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="seconds (default %(default)s)")
    args = parser.parse_args(argv)
    if args.time_limit <= 0:
        parser.error("--time-limit must be positive")
    try:
        data = json.loads(args.instance.read_text(encoding="utf-8"))
        instance = parse_instance(data)
    except OSError as exc:
        print(f"error: cannot read {args.instance}: {exc.strerror}", file=sys.stderr)
        return 2
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        print(f"error: {args.instance} is not valid JSON: {exc}", file=sys.stderr)
        return 2
    except InstanceError as exc:
        print(f"error: invalid instance: {exc}", file=sys.stderr)
        return 2
    schedule = solve(instance, time_limit=args.time_limit)
    # Write atomically, so that a reader never sees half a schedule.
    handle, temporary = tempfile.mkstemp(dir=args.output.resolve().parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(schedule.to_dict(), out, ensure_ascii=False, indent=1)
    os.replace(temporary, args.output)
    print(
        f"{len(schedule.meetings)} meetings, objective {schedule.objective:g}, upper bound "
        f"{schedule.upper_bound:g} (ratio {schedule.ratio:.4f}), {len(schedule.unscheduled)} unscheduled, "
        f"{schedule.solve_seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

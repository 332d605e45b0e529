"""Partner recommendation evaluation command (docs/matching.md).

    python -m silkbridge.matching.partners_run --participations participations.csv \\
        --queries organisations.txt --out recommendations.tsv [--top 50]
"""

import argparse
import csv
import sys
from datetime import date
from pathlib import Path

from silkbridge.matching.partners import CollaborationGraph, Participation

COLUMNS = ("project", "organisation", "country", "start_date")


def read_participations(path: Path) -> list[Participation]:
    with path.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"missing columns: {', '.join(missing)}")
        return [
            Participation(
                r["project"],
                r["organisation"],
                r["country"] or "",
                date.fromisoformat(r["start_date"]) if r["start_date"] else None,
            )
            for r in reader
        ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participations", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--top", type=int, default=50)
    args = parser.parse_args(argv)
    try:
        graph = CollaborationGraph(read_participations(args.participations))
        queries = [line.strip() for line in args.queries.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as error:
        print(f"partners_run: {error}", file=sys.stderr)
        return 2
    with args.out.open("w", encoding="utf-8") as out:
        for org in queries:
            for rank, rec in enumerate(graph.recommend(org, args.top, explain=False), 1):
                out.write(f"{org}\t{rec.partner}\t{rank}\t{rec.score:.6f}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

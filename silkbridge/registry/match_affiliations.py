"""python -m silkbridge.registry.match_affiliations --registry ROR.jsonl.gz [...] \\
       --input affiliations.csv --out predictions.csv

The evaluation command for organisation matching (docs/affiliation.md): the same matcher as the
site (registry/affiliation.py), on ROR dumps, with no database."""

import argparse
import csv
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from silkbridge.registry.affiliation import AffiliationMatcher, Organisation
from silkbridge.registry.ror import collect

ROR_URL = "https://ror.org/"


def organisations_from_ror(paths: Iterable[Path]) -> list[Organisation]:
    """The organisations the matcher knows, as the site's import keeps them: a withdrawn
    record (a duplicate or an error, in ROR's terms) whose successor is in the files is not an
    organisation of its own, its names are the successor's aliases. An inactive record (an
    organisation that existed and closed) stays itself: older affiliations name it."""
    records = collect(paths)
    successor_of = {
        r.ror_id: next(s for s in r.successors if s in records)
        for r in records.values()
        if r.status == "withdrawn" and any(s in records for s in r.successors)
    }
    former: dict[str, list[str]] = {}
    for ror_id, successor in successor_of.items():
        r = records[ror_id]
        former.setdefault(successor, []).extend([r.name, *r.names.values(), *r.aliases])
    return [
        Organisation(
            id=ROR_URL + r.ror_id, name=r.name, names=[*r.names.values(), *r.aliases, *former.get(r.ror_id, [])],
            acronyms=r.acronyms, country=r.country, city=r.city, active=r.status == "active",
            parents=[ROR_URL + p for p in r.parents], kind=r.kind,
        )
        for r in records.values()
        if r.ror_id not in successor_of
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m silkbridge.registry.match_affiliations", description=__doc__)
    parser.add_argument("--registry", type=Path, nargs="+", required=True, help="ROR dumps (v2 JSON Lines or v1 CSV)")
    parser.add_argument("--input", type=Path, required=True, help="CSV with a column 'affiliation'")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    started = time.monotonic()
    matcher = AffiliationMatcher(organisations_from_ror(args.registry))
    print(
        f"registry: {len(matcher.orgs):,} organisations indexed in {time.monotonic() - started:.1f} s", file=sys.stderr
    )
    with args.input.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if "affiliation" not in (reader.fieldnames or []):
            print(f"error: {args.input} has no column 'affiliation'", file=sys.stderr)
            return 2
        rows = list(reader)
        fields = [*(reader.fieldnames or []), "predicted_id", "score"]
    started = time.monotonic()
    with args.out.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for row in rows:
            match = matcher.match(row["affiliation"])
            writer.writerow({**row, "predicted_id": match.id or "", "score": f"{match.score:.2f}" if match.id else ""})
    seconds = time.monotonic() - started
    print(
        f"{len(rows):,} affiliations matched in {seconds:.1f} s ({len(rows) / max(seconds, 1e-9):,.0f}/s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

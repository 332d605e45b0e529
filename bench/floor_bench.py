"""Relevance floor benchmark: the share of 200 nonsense or off-topic queries
(bench/floor_queries.tsv, written by bench/make_floor_queries.py) that return any result on
the demo site, through the same search as the search page. Target: at most 5%. On-topic
queries in the six languages are run too, and what they find is printed for inspection.

Uses the demo database and index of bench/cold_start_bench.py (var/bench/cold-start/),
seeding and indexing them first when they are not there.

    .venv/bin/python bench/floor_bench.py [--show]
"""

import argparse
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "var" / "bench" / "cold-start"
QUERIES = Path(__file__).resolve().parent / "floor_queries.tsv"
TARGET = 0.05
# On-topic searches of the demo data (agriculture, health, energy cooperation), each in
# another language than most records: they must still find something.
ON_TOPIC = ["疟疾防治", "水稻育种", "riego por goteo", "drip irrigation", "énergie solaire", "الري بالتنقيط", "малярия",
            "солнечная энергия", "agricultural research", "vaccins", "水稻", "energía renovable"]  # fmt: skip


def setup() -> None:
    os.environ.update(
        DATABASE_URL=f"sqlite:///{DATA / 'demo.sqlite3'}",
        DJANGO_SETTINGS_MODULE="silkbridge.settings",
        SILKBRIDGE_MATCHING_DIR=str(DATA / "matching"),
    )
    if not (DATA / "matching" / "current").exists():
        DATA.mkdir(parents=True, exist_ok=True)
        for args in (["migrate", "--noinput", "-v0"], ["seed-demo", "--if-empty"], ["reindex"]):
            subprocess.run([sys.executable, "-m", "silkbridge", *args], check=True, cwd=ROOT)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--show", action="store_true", help="print each query that found something, and what")
    args = parser.parse_args()
    setup()
    from django.contrib.auth.models import AnonymousUser

    from silkbridge.matching import domain

    user = AnonymousUser()
    rows = [line.split("\t", 1) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line]
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for kind, query in rows:
        hits = domain.search(query, user=user)
        group = kind.rsplit("-", 1)[0]
        total[group] += 1
        if hits:
            found[group] += 1
            if args.show:
                first = hits[0]
                print(f"  {kind:18} {query!r}: {len(hits)} results, first {first.key}, stands out by "
                      f"{first.standout}, words {first.coverage}: {first.reasons.matched} "
                      f"{first.reasons.translated}")  # fmt: skip
    for group in sorted(total):
        print(f"{group:10} {found[group]:3}/{total[group]:3} queries return a result")
    share = sum(found.values()) / len(rows)
    print(f"nonsense and off-topic queries that return any result: {share:.1%} (target <= {TARGET:.0%}): "
          f"{'met' if share <= TARGET else 'NOT met'}")  # fmt: skip
    hit_on_topic = 0
    for query in ON_TOPIC:
        results = domain.load_results(domain.search(query, user=user)[:3], user)
        hit_on_topic += bool(results)
        print(f"  on topic {query!r}: " + ("; ".join(str(r.obj)[:60] for r in results) or "NOTHING"))
    print(f"on-topic queries that return results: {hit_on_topic}/{len(ON_TOPIC)} (shown for inspection)")
    return 0 if share <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

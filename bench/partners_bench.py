"""Partner recommendation on CORDIS H2020: train on projects that started up to the end of
2018, then, for organisations active in both periods, measure recall@50 of the new partner
pairs that first appear in projects starting in 2019 or later (partners unknown before 2019
cannot be ranked by anyone and are left out). Baselines: popularity (most active
organisations) and Adamic-Adar on the training graph. Also checks that the evaluation
command (`partners_run`) writes the same ranking.

    .venv/bin/python bench/partners_bench.py [--limit N]
"""

import argparse
import csv
import gzip
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from silkbridge.matching.partners import CollaborationGraph, Participation, adamic_adar  # noqa: E402
from silkbridge.matching.vectors import top_k  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "cordis-h2020" / "h2020.csv.gz"
CUT = date(2018, 12, 31)
K = 50


def load() -> list[Participation]:
    with gzip.open(DATA, "rt", encoding="utf-8") as rows:
        return [
            Participation(r["rcn"], r["pic"], r["country"], date.fromisoformat(r["start_date"]))
            for r in csv.DictReader(rows)
            if r["start_date"] not in ("", "NA")
        ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="evaluate only the first N organisations")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is not here")
        return 0
    rows = load()
    train = [p for p in rows if p.start <= CUT]
    test = [p for p in rows if p.start > CUT]
    started = time.monotonic()
    graph = CollaborationGraph(train)
    print(
        f"training graph: {len(graph.ids)} organisations, {len(train)} participations, "
        f"{time.monotonic() - started:.1f} s"
    )
    members: dict[str, set[str]] = defaultdict(set)
    for p in test:
        members[p.project].add(p.organisation)
    new_pairs: dict[str, set[str]] = defaultdict(set)
    for orgs in members.values():
        known = [o for o in orgs if o in graph]
        for u in known:
            new_pairs[u].update(v for v in known if v != u)
    queries = sorted(u for u in new_pairs if u in graph)
    for u in queries:
        new_pairs[u] -= set(graph.partners(u))
    queries = [u for u in queries if new_pairs[u]]
    if args.limit:
        queries = queries[: args.limit]
    total = sum(len(new_pairs[u]) for u in queries)
    print(f"organisations active in both periods with new partners: {len(queries)}; new pairs: {total}")
    popular = np.asarray(graph.activity, dtype=np.float32)
    rankers = {
        "popularity": lambda u: _masked(graph, u, popular.copy()),
        "adamic-adar": lambda u: adamic_adar(graph, u),
        "silkbridge": graph.scores,
    }
    results = {}
    for name, scorer in rankers.items():
        started = time.monotonic()
        hits, per_org, capped = 0, [], []
        for u in queries:
            scores = scorer(u)
            best = {graph.ids[i] for i in top_k(scores, K) if np.isfinite(scores[i])}
            found = len(best & new_pairs[u])
            hits += found
            per_org.append(found / len(new_pairs[u]))
            capped.append(found / min(K, len(new_pairs[u])))
        seconds = time.monotonic() - started
        results[name] = hits / total
        print(
            f"{name:12} recall@{K} {hits / total:.4f} (per-organisation mean {np.mean(per_org):.4f}, "
            f"capped at {K} new partners {np.mean(capped):.4f}); "
            f"{1000 * seconds / len(queries):.1f} ms per organisation"
        )
    _check_command(train, queries[:20], graph)
    target = 0.22
    print(f"target recall@{K} >= {target}: {'met' if results['silkbridge'] >= target else 'NOT met'}")
    return 0


def _masked(graph: CollaborationGraph, u: str, scores: np.ndarray) -> np.ndarray:
    i = graph.index[u]
    scores[i] = -np.inf
    scores[graph.together[i].indices] = -np.inf
    return scores


def _check_command(train: list[Participation], queries: list[str], graph: CollaborationGraph) -> None:
    """partners_run must produce the ranking measured here."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with (folder / "p.csv").open("w", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["project", "organisation", "country", "start_date"])
            writer.writerows((p.project, p.organisation, p.country, p.start.isoformat()) for p in train)
        (folder / "q.txt").write_text("\n".join(queries) + "\n")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "silkbridge.matching.partners_run",
                "--participations",
                str(folder / "p.csv"),
                "--queries",
                str(folder / "q.txt"),
                "--out",
                str(folder / "r.tsv"),
                "--top",
                str(K),
            ],
            check=True,
            cwd=ROOT,
        )
        written: dict[str, list[str]] = defaultdict(list)
        for line in (folder / "r.tsv").read_text().splitlines():
            org, partner, _rank, _score = line.split("\t")
            written[org].append(partner)
    same = all(written[u] == [r.partner for r in graph.recommend(u, K, explain=False)] for u in queries)
    print(f"partners_run writes the same ranking for {len(queries)} organisations: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    sys.exit(main())

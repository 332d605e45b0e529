"""Retrieval metrics over TREC runs and BEIR qrels, shared by the matching benchmarks."""

import math
from collections import defaultdict
from pathlib import Path


def read_run(path: Path) -> dict[str, list[str]]:
    run: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for line in path.read_text().splitlines():
        qid, _, doc, rank, *_ = line.split()
        run[qid].append((int(rank), doc))
    return {q: [d for _, d in sorted(rows)] for q, rows in run.items()}


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in path.read_text().splitlines()[1:]:
        qid, doc, grade = line.split("\t")
        if int(grade) > 0:
            qrels[qid][doc] = int(grade)
    return qrels


def ndcg(ranked: list[str], relevant: dict[str, int], k: int = 10) -> float:
    dcg = sum(relevant.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(sorted(relevant.values(), reverse=True)[:k]))
    return dcg / ideal if ideal else 0.0


def recall(ranked: list[str], relevant: dict[str, int] | set[str], k: int) -> float:
    return len(set(ranked[:k]) & set(relevant)) / len(relevant) if relevant else 0.0


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def score(run: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> tuple[float, float]:
    """nDCG@10 and recall@100 averaged over the judged queries (a query with no results counts 0)."""
    return (
        mean([ndcg(run.get(q, []), rel) for q, rel in qrels.items()]),
        mean([recall(run.get(q, []), rel, 100) for q, rel in qrels.items()]),
    )

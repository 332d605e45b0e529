"""Search quality on BEIR SciFact (test queries): nDCG@10 and recall@100 for BM25 alone,
the embeddings alone and the hybrid ranking the site uses (each over the full ranking,
``--no-floor``), and the hybrid ranking with the relevance floor on ("floor"), as the site
searches (``engine.search(query, k, floor=True)``: a document below the floor counts as not
retrieved), each produced by the evaluation command `python -m silkbridge.matching.search_run`.
Published BM25 (Anserini): nDCG@10 0.679. Target for hybrid, with the floor too: nDCG@10 >= 0.72.

    .venv/bin/python bench/scifact_bench.py

The first run embeds the corpus (46,904 texts: pieces and lexicon words; 5 minutes on two quiet
cores, hours on a loaded machine) and keeps the index in
var/bench/scifact-index; later runs reuse its vectors.
"""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from ir_metrics import read_qrels, read_run, score  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "scifact"
OUT = ROOT / "var" / "bench"
TARGET = 0.72


def main() -> int:
    if not (DATA / "corpus.jsonl").exists():
        print(f"skipped: {DATA} is not here")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    qrels = read_qrels(DATA / "qrels.test.tsv")
    results = {}
    # "floor": the hybrid ranking with the relevance floor (search_run applies it unless --no-floor)
    for label, mode, floor in (("lexical", "lexical", False), ("semantic", "semantic", False),
                               ("hybrid", "hybrid", False), ("floor", "hybrid", True)):  # fmt: skip
        run = OUT / f"scifact-{label}.tsv"
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "silkbridge.matching.search_run", "--corpus", str(DATA / "corpus.jsonl"),
             "--queries", str(DATA / "queries.test.jsonl"), "--out", str(run), "--mode", mode,
             "--index", str(OUT / "scifact-index"), *([] if floor else ["--no-floor"])],
            check=True, cwd=ROOT,
        )  # fmt: skip
        results[label] = score(read_run(run), qrels)
        print(f"{label:9} nDCG@10 {results[label][0]:.4f}  recall@100 {results[label][1]:.4f}  "
              f"({time.monotonic() - started:.0f} s)")  # fmt: skip
    best_single = max(results["lexical"][0], results["semantic"][0])
    print(
        f"published BM25 nDCG@10 0.679; hybrid beats each part alone: "
        f"{'yes' if results['hybrid'][0] > best_single else 'NO'}"
    )
    met = min(results["hybrid"][0], results["floor"][0]) >= TARGET
    print(f"target hybrid nDCG@10 >= {TARGET}, with the floor too: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

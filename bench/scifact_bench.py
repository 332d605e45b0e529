"""Search quality on BEIR SciFact (test queries): nDCG@10 and recall@100 for BM25 alone,
the embeddings alone and the hybrid ranking the site uses, each produced by the evaluation
command `python -m silkbridge.matching.search_run`. Published BM25 (Anserini): nDCG@10 0.679.
Target for hybrid: nDCG@10 >= 0.72.

    .venv/bin/python bench/scifact_bench.py

The first run embeds the corpus (~17,000 chunks; long on two cores) and keeps the index in
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
    for mode in ("lexical", "semantic", "hybrid"):
        run = OUT / f"scifact-{mode}.tsv"
        started = time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "silkbridge.matching.search_run", "--corpus", str(DATA / "corpus.jsonl"),
             "--queries", str(DATA / "queries.test.jsonl"), "--out", str(run), "--mode", mode,
             "--index", str(OUT / "scifact-index")],
            check=True, cwd=ROOT,
        )  # fmt: skip
        results[mode] = score(read_run(run), qrels)
        print(f"{mode:9} nDCG@10 {results[mode][0]:.4f}  recall@100 {results[mode][1]:.4f}  "
              f"({time.monotonic() - started:.0f} s)")  # fmt: skip
    best_single = max(results["lexical"][0], results["semantic"][0])
    print(
        f"published BM25 nDCG@10 0.679; hybrid beats each part alone: "
        f"{'yes' if results['hybrid'][0] > best_single else 'NO'}"
    )
    print(f"target hybrid nDCG@10 >= {TARGET}: {'met' if results['hybrid'][0] >= TARGET else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Growth: what one app server needs as the index grows: query latency, memory and the
index's size on disk at 10,000, 100,000 and 300,000 records, and how long a build takes.

Records are those of bench/freshness_bench.py (a SciFact title as the name, the first 150
words of its abstract as the description; a copy's name carries its copy number). Their
vectors come from the 100,000-record index that bench prepares (each distinct abstract
embedded once by the packaged model; copies jittered so that no two are the same), so this
benchmark embeds nothing but the queries: run `bench/freshness_bench.py` once first. BM25
and the HNSW graph are built in full for every size; the lexicon is that of the prepared
index (the words of the 5,183 abstracts). Queries: the 300 SciFact claims, and XQuAD's
Arabic questions (read through the lexicon), one at a time, embedding included.

Without the prepared index (or with ``--random``), each piece gets a random unit vector
instead and there is no lexicon: memory, disk and build times are those of real vectors of
the same size; nearest-neighbour search over random vectors is harder than over real ones,
so its latency is pessimistic, and foreign queries are not timed.

Run: .venv/bin/python bench/growth_bench.py [--sizes 10000 100000 300000] [--random]
"""

import argparse
import gc
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "silkbridge.settings")
from silkbridge.matching.embedding import get_embedder  # noqa: E402
from silkbridge.matching.engine import Document, Engine, text_hash  # noqa: E402
from silkbridge.matching.lexical import BM25  # noqa: E402
from silkbridge.matching.text import tokenize  # noqa: E402
from silkbridge.matching.vectors import ANN_THRESHOLD, VectorIndex  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
PREPARED = ROOT / "var" / "bench" / "freshness" / "records-100000" / "matching"
QUERY_P95_TARGET_MS = 100  # issue #19's target for searches during edits


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def latency(engine: Engine, queries: list[str]) -> tuple[float, float]:
    for query in queries[:10]:
        engine.search(query, 10, floor=True)
    times = []
    for query in queries:
        started = time.perf_counter()
        engine.search(query, 10, floor=True)
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times), statistics.quantiles(times, n=100, method="inclusive")[94]


def documents(rows: list[dict], size: int) -> list[Document]:
    """The records of freshness_bench.py's database, as the registry indexes them."""
    docs = []
    for i in range(size):
        row = rows[i % len(rows)]
        name = row["title"][:280] + (f" ({i // len(rows)})" if i >= len(rows) else "")
        docs.append(Document(f"organisation:{i}", name, text=" ".join(row["text"].split()[:150])))
    return docs


def measure(
    size: int, rows: list[dict], source: Engine | None, embedder: Any, queries: list[str], foreign: list[str]
) -> dict:
    random = source is None
    before = rss_mb()
    docs = documents(rows, size)
    started = time.monotonic()
    lexical = BM25.build([tokenize(doc.lexical_text()) for doc in docs])
    bm25_s = time.monotonic() - started
    rng = np.random.default_rng(0)
    parts: list[np.ndarray] = []
    starts: list[int] = [0]
    hashes: list[str] = []
    for i, doc in enumerate(docs):
        if random:
            block = rng.normal(0, 1, (len(doc.chunk_texts()), embedder.dim)).astype(np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
        else:
            assert source is not None
            block = source.chunk_vectors(i % len(rows))
        if i >= len(rows) and not random:
            block = block + rng.normal(0, 0.01, block.shape).astype(np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
        parts.append(block)
        starts.append(starts[-1] + len(block))
        hashes.extend(text_hash(t) for t in doc.chunk_texts())
    vectors = VectorIndex(np.vstack(parts).astype(np.float32), np.asarray(starts, dtype=np.int64), ANN_THRESHOLD)
    del parts
    started = time.monotonic()
    vectors.build_ann()
    ann_s = time.monotonic() - started
    engine = Engine(docs, lexical, vectors, embedder, None if source is None else source.lexicon)
    engine.chunk_hashes = hashes
    p50, p95 = latency(engine, queries)
    foreign_p95 = latency(engine, foreign)[1] if foreign and not random else float("nan")
    memory = rss_mb() - before
    folder = Path(tempfile.mkdtemp(prefix="growth-", dir=ROOT / "var" / "bench"))
    try:
        engine.save(folder)
        disk = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    finally:
        shutil.rmtree(folder)
    pieces = len(vectors.vectors)
    del engine, vectors, lexical, docs
    gc.collect()
    return {"records": size, "pieces": pieces, "p50": p50, "p95": p95, "foreign p95": foreign_p95,
            "memory MB": memory, "disk MB": disk, "BM25 s": bm25_s, "HNSW s": ann_s}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--random", action="store_true", help="random vectors even if the prepared index exists")
    args = parser.parse_args()
    pointer = PREPARED / "current"
    random = args.random or not pointer.exists()
    import django

    django.setup()
    rows = [json.loads(line) for line in (DATA / "scifact" / "corpus.jsonl").open(encoding="utf-8")]
    queries = [json.loads(line)["text"] for line in (DATA / "scifact" / "queries.test.jsonl").open(encoding="utf-8")]
    arabic = DATA / "xquad" / "xquad.ar.json"
    foreign = []
    if arabic.exists():
        data = json.loads(arabic.read_text(encoding="utf-8"))["data"]
        foreign = [qa["question"] for article in data for p in article["paragraphs"] for qa in p["qas"]][:200]
    embedder = get_embedder("default", os.cpu_count())
    embedder.passages(["warm-up"])  # the models are loaded before memory is measured
    embedder.query("warm-up", 1.0)
    source = None
    if random:
        print("random unit vectors in place of the model's (no prepared index, or --random); no lexicon")
    else:
        started = time.monotonic()
        source = Engine.load(PREPARED / json.loads(pointer.read_text())["folder"], embedder)
        print(f"prepared index loaded in {time.monotonic() - started:.1f} s; {len(rows)} distinct abstracts")
    table = []
    for size in args.sizes:
        print(f"building {size:,} records…", flush=True)
        table.append(measure(size, rows, source, embedder, queries, foreign))
        print(f"  {table[-1]}", flush=True)
    print(f"\nGrowth of one app server's index ({os.cpu_count()} cores; queries one at a time, floor on)")
    columns = ["records", "pieces", "p50", "p95", "foreign p95", "memory MB", "disk MB", "BM25 s", "HNSW s"]
    print(" | ".join(f"{c:>11}" for c in columns))
    for row in table:
        print(" | ".join(f"{row[c]:>11,.0f}" if c in ("records", "pieces") else f"{row[c]:>11.1f}" for c in columns))
    print(f"query p95 target (issue #19, searches during edits): < {QUERY_P95_TARGET_MS} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

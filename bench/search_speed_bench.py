"""Search speed with 100,000 records: query latency of the hybrid ranking (query embedding
included), index build throughput and memory, on the machine it runs on.

Records are "typical": a title plus the first 150 words of a SciFact abstract. Embedding
100,000 of them with the packaged model takes hours on two cores, so the benchmark
(1) measures the embedding rate on a sample and projects the full re-index from it, and
(2) builds the 100,000-record index for the latency measurement from the SciFact chunk vectors
that the search benchmark already computed (var/bench/scifact-index), each copy jittered
slightly so that no two vectors are identical. BM25, the vector index and the lexicon (every
word of the 100,000 records embedded, lexicon.py) are built in full. Foreign queries (XQuAD's
Arabic questions, whose words are read as the records' words) are timed apart.

    .venv/bin/python bench/search_speed_bench.py [--records 100000] [--sample 1000] [--embedding-only e5]
"""

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from silkbridge.matching.embedding import WordModel, get_embedder  # noqa: E402
from silkbridge.matching.engine import Document, Engine  # noqa: E402
from silkbridge.matching.lexical import BM25  # noqa: E402
from silkbridge.matching.lexicon import Lexicon  # noqa: E402
from silkbridge.matching.text import tokenize  # noqa: E402
from silkbridge.matching.vectors import ANN_THRESHOLD, VectorIndex  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "scifact"
SCIFACT_INDEX = ROOT / "var" / "bench" / "scifact-index"
XQUAD_ARABIC = ROOT.parent / "shared" / "data" / "xquad" / "xquad.ar.json"
P95_TARGET_MS = 50
REINDEX_TARGET_S = 3600


def typical(rows: list[dict], n: int) -> list[Document]:
    return [
        Document(
            key=f"r{i}",
            title=rows[i % len(rows)]["title"],
            text=" ".join(rows[i % len(rows)]["text"].split()[:150]),
        )
        for i in range(n)
    ]


class ChunksOnly:
    """The embedder without its word model: the sample measures the rate of the records'
    pieces; the lexicon of the whole collection is built (and timed) apart, since its words
    grow far slower than the records (at most lexicon.MAX_WORDS)."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim  # type: ignore[attr-defined]

    def passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.passages(texts)  # type: ignore[attr-defined, no-any-return]


def latencies(engine: Engine, queries: list[str]) -> tuple[float, float]:
    for q in queries[:10]:
        engine.search(q, 10)
    times = []
    for q in queries:
        started = time.perf_counter()
        engine.search(q, 10)
        times.append(1000 * (time.perf_counter() - started))
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=1000)
    parser.add_argument(
        "--embedding-only",
        choices=["e5"],
        help="print only the embedding rate of another embedder (e5 alone), for comparison",
    )
    args = parser.parse_args()
    if not (DATA / "corpus.jsonl").exists() or not (SCIFACT_INDEX / "meta.json").exists():
        print("skipped: needs ../shared/data/scifact and var/bench/scifact-index (run bench/scifact_bench.py first)")
        return 0
    rows = [json.loads(line) for line in (DATA / "corpus.jsonl").open(encoding="utf-8")]
    queries = [json.loads(line)["text"] for line in (DATA / "queries.test.jsonl").open(encoding="utf-8")]
    embedder = get_embedder(args.embedding_only or "default")

    # 1. embedding rate on a sample of typical records (every chunk embedded, nothing cached;
    # the model is loaded first: a re-index loads it once, not once per sample)
    embedder.passages(["warm-up"])
    sample = typical(rows[1000:], args.sample)
    started = time.monotonic()
    word_model = embedder if isinstance(embedder, WordModel) else None
    built = Engine.build(sample, ChunksOnly(embedder) if word_model else embedder)  # type: ignore[arg-type]
    rate = len(sample) / (time.monotonic() - started)
    chunks = len(built.vectors.vectors) / len(sample)
    if args.embedding_only:
        print(f"embedding rate of {embedder.name} on {len(sample)} typical records: {rate:.2f} records/s")
        return 0

    # 2. the full-size index: BM25 and vectors for every record
    documents = typical(rows, args.records)
    started = time.monotonic()
    lexical = BM25.build([tokenize(d.lexical_text()) for d in documents])
    lexical_s = time.monotonic() - started
    source = Engine.load(SCIFACT_INDEX, embedder)
    rng = np.random.default_rng(0)
    parts, starts = [], [0]
    for i in range(args.records):
        j = i % source.vectors.size
        block = source.vectors.vectors[source.vectors.starts[j] : source.vectors.starts[j + 1]]
        if i >= source.vectors.size:
            block = block + rng.normal(0, 0.01, block.shape).astype(np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
        parts.append(block)
        starts.append(starts[-1] + len(block))
    vectors = VectorIndex(np.vstack(parts).astype(np.float32), np.asarray(starts, dtype=np.int64), ANN_THRESHOLD)
    started = time.monotonic()
    vectors.build_ann()
    ann_s = time.monotonic() - started
    lexicon, lexicon_s = None, 0.0
    if word_model:
        started = time.monotonic()
        vocabulary = Lexicon.vocabulary(d.lexical_text() for d in documents)
        lexicon = Lexicon.build(vocabulary, word_model.words, word_model.word_dim, {})
        lexicon_s = time.monotonic() - started
    engine = Engine(documents, lexical, vectors, embedder, lexicon)

    # 3. query latency, one query at a time, embedding included
    p50, p95 = latencies(engine, queries)
    foreign = []
    if XQUAD_ARABIC.exists():
        data = json.loads(XQUAD_ARABIC.read_text(encoding="utf-8"))["data"]
        foreign = [qa["question"] for a in data for p in a["paragraphs"] for qa in p["qas"]][:300]
    embed_ms = []
    for q in queries[:100]:
        started = time.perf_counter()
        embedder.queries([q])
        embed_ms.append(1000 * (time.perf_counter() - started))
    projected = args.records / rate + lexical_s + ann_s + lexicon_s
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(
        f"records indexed: {args.records}; vectors: {len(vectors.vectors)} ({chunks:.1f} per record); "
        f"vector search: {'HNSW (usearch)' if vectors.uses_ann else 'exact'}"
    )
    print(
        f"hybrid query latency over {len(queries)} SciFact queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
        f"(query embedding alone: median {statistics.median(embed_ms):.1f} ms); "
        f"target p95 < {P95_TARGET_MS} ms: {'met' if p95 < P95_TARGET_MS else 'NOT met'}"
    )
    if foreign:
        f50, f95 = latencies(engine, foreign)
        print(f"the same for {len(foreign)} Arabic questions (words read through the lexicon): p50 {f50:.1f} ms, "
              f"p95 {f95:.1f} ms")  # fmt: skip
    print(f"embedding rate on {len(sample)} typical records: {rate:.2f} records/s ({rate * chunks:.1f} chunks/s)")
    print(f"BM25 build for {args.records} records: {lexical_s:.1f} s; HNSW build: {ann_s:.1f} s")
    if lexicon is not None:
        print(f"lexicon of {len(lexicon.words)} words embedded and indexed: {lexicon_s:.1f} s")
    print(
        f"full re-index of {args.records} typical records, projected: {projected / 3600:.2f} h "
        f"(target < {REINDEX_TARGET_S / 3600:.0f} h): {'met' if projected < REINDEX_TARGET_S else 'NOT met'}"
    )
    print(f"peak memory of this process: {rss_mb:.0f} MB; vectors {vectors.vectors.nbytes / 2**20:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

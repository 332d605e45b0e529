"""Search evaluation command (docs/matching.md): a BEIR corpus and queries in,
a TREC run out, ranked by exactly the engine the site uses.

    python -m silkbridge.matching.search_run --corpus corpus.jsonl --queries queries.jsonl \\
        --out run.tsv [--top 100] [--embedder default|fake] [--mode hybrid|lexical|semantic] \\
        [--index DIR] [--no-floor]

``--index DIR`` keeps the built index there and reuses its vectors on the next run (only
changed texts are embedded again); ``--mode`` scores one side alone, for comparison;
``--no-floor`` also writes the hits below the relevance floor (engine.FLOOR_Z).
"""

import argparse
import json
import sys
import time
from pathlib import Path

from silkbridge.matching.embedding import get_embedder
from silkbridge.matching.engine import Document, Engine


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def progress(label: str):  # type: ignore[no-untyped-def]
    started = last = time.monotonic()

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done < total and now - last < 2:
            return
        last = now
        print(f"{label}: {done}/{total} ({done / max(now - started, 1e-9):.0f}/s)", file=sys.stderr)

    return report


def build(corpus: list[dict], embedder_name: str, index: Path | None) -> Engine:
    embedder = get_embedder(embedder_name)
    documents = [
        Document(key=str(row["_id"]), title=row.get("title") or "", text=row.get("text") or "") for row in corpus
    ]
    known = Engine.saved_vectors(index, embedder) if index is not None else None
    engine = Engine.build(documents, embedder, known=known, progress=progress("embedding"))
    if index is not None:
        engine.save(index)
    return engine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--top", type=int, default=100)
    parser.add_argument("--embedder", choices=["default", "fake"], default="default")
    parser.add_argument("--mode", choices=["hybrid", "lexical", "semantic"], default="hybrid")
    parser.add_argument("--index", type=Path, help="directory to keep the index in and reuse its vectors")
    parser.add_argument(
        "--no-floor", dest="floor", action="store_false", help="rank every candidate, below the relevance floor too"
    )
    args = parser.parse_args(argv)
    try:
        corpus, queries = read_jsonl(args.corpus), read_jsonl(args.queries)
    except (OSError, ValueError, KeyError) as error:
        print(f"search_run: cannot read input: {error}", file=sys.stderr)
        return 2
    engine = build(corpus, args.embedder, args.index)
    report = progress("queries")
    with args.out.open("w", encoding="utf-8") as out:
        for n, query in enumerate(queries, 1):
            for rank, hit in enumerate(engine.search(query["text"], args.top, mode=args.mode, floor=args.floor), 1):
                out.write(f"{query['_id']}\tQ0\t{hit.key}\t{rank}\t{hit.score:.6f}\tsilkbridge-{args.mode}\n")
            if n % 50 == 0 or n == len(queries):
                report(n, len(queries))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Cross-lingual search on XQuAD: each question in zh, ru and ar against the 240 English
paragraphs, English questions against the Chinese paragraphs (and English against English as
a reference); recall@1 and recall@10 of the question's own paragraph, for BM25 alone, the
embeddings alone, the hybrid ranking, and the hybrid ranking with the relevance floor the
site applies ("floor": a paragraph below it counts as not found).

    .venv/bin/python bench/crosslingual_bench.py
"""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from embedding_cache import CachedQueries  # noqa: E402

from silkbridge.matching.engine import Document, Engine  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "xquad"
CACHE = ROOT / "var" / "bench"
DIRECTIONS = [("zh", "en"), ("ru", "en"), ("ar", "en"), ("en", "zh"), ("en", "en")]
TARGET_R1, TARGET_R10 = 0.80, 0.95


def load(lang: str) -> tuple[list[Document], list[tuple[str, str]]]:
    data = json.loads((DATA / f"xquad.{lang}.json").read_text(encoding="utf-8"))
    documents, questions = [], []
    for a, article in enumerate(data["data"]):
        for p, paragraph in enumerate(article["paragraphs"]):
            key = f"{a}-{p}"
            documents.append(Document(key=key, title="", text=paragraph["context"]))
            questions.extend((qa["question"], key) for qa in paragraph["qas"])
    return documents, questions


def index_for(lang: str, embedder: CachedQueries) -> Engine:
    folder = CACHE / f"xquad-{lang}"
    documents, _ = load(lang)
    known = Engine.saved_vectors(folder, embedder)
    engine = Engine.build(documents, embedder, known=known)
    engine.save(folder)
    return engine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--floor-only", action="store_true", help="only the ranking with the floor (the site's)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions of each direction")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"skipped: {DATA} is not here")
        return 0
    embedder = CachedQueries(CACHE / "xquad-queries.npz")
    engines = {lang: index_for(lang, embedder) for lang in ("en", "zh")}
    print(f"{'direction':10} {'mode':9} {'R@1':>6} {'R@10':>6} {'ms/query':>9}")
    met = True
    for source, target in DIRECTIONS:
        _, questions = load(source)
        questions = questions[: args.limit] if args.limit else questions
        engine = engines[target]
        embedder.queries([q for q, _ in questions])  # embed (or load) all at once
        modes = [("lexical", False), ("semantic", False), ("hybrid", False), ("hybrid", True)]
        for mode, floor in modes[3:] if args.floor_only else modes:
            started = time.monotonic()
            r1 = r10 = 0
            for question, key in questions:
                ranked = [h.key for h in engine.search(question, 10, mode=mode, floor=floor)]
                r1 += ranked[:1] == [key]
                r10 += key in ranked
            ms = 1000 * (time.monotonic() - started) / len(questions)
            n = len(questions)
            label = "floor" if floor else mode  # "floor": hybrid with the relevance floor, as the site
            print(f"{source}->{target:6} {label:9} {r1 / n:6.3f} {r10 / n:6.3f} {ms:9.1f}")
            if floor and source != target:
                met &= r1 / n >= TARGET_R1 and r10 / n >= TARGET_R10
    print(
        f"target R@1 >= {TARGET_R1} and R@10 >= {TARGET_R10} in every cross-lingual direction: "
        f"{'met' if met else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

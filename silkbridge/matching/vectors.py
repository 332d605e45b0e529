"""Nearest documents by cosine similarity. A document has one or more chunk vectors (a long
text is embedded sentence by sentence) and its similarity to a query is that of its best
chunk. Small collections are searched exactly; above ``ann_threshold`` chunks an HNSW graph
(usearch) answers in well under a millisecond and exact similarities are then computed for
the few documents it returns."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ANN_THRESHOLD = 200_000


@dataclass
class VectorIndex:
    vectors: np.ndarray  # chunks x dim, L2-normalised float32
    starts: np.ndarray  # documents + 1 offsets into vectors; document i owns starts[i]:starts[i+1]
    ann_threshold: int = ANN_THRESHOLD
    _ann: Any = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.starts) - 1

    @property
    def uses_ann(self) -> bool:
        return len(self.vectors) > self.ann_threshold

    def build_ann(self, threads: int = 0) -> None:
        """The HNSW graph, above the threshold. ``threads`` 0: every core; a graph built by
        several threads is not the same from one build to the next and a little less exact
        (of 40 near-copies among 3,000 random vectors, up to 5 were missed; built by one
        thread, none, every time)."""
        if not self.uses_ann or self._ann is not None:
            return
        index = _usearch_index()(ndim=self.vectors.shape[1], metric="cos", dtype="f16", connectivity=16)
        index.add(np.arange(len(self.vectors), dtype=np.uint64), self.vectors, log=False, threads=threads)
        self._ann = index

    def save_ann(self, path: Path) -> None:
        if self._ann is not None:
            self._ann.save(str(path))

    def load_ann(self, path: Path) -> None:
        if self.uses_ann and path.exists():
            self._ann = _usearch_index().restore(str(path), view=True)

    def _chunk_owner(self, chunks: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.starts, chunks, side="right") - 1

    def similarity(self, query: np.ndarray, docs: np.ndarray | None = None) -> np.ndarray:
        """Best-chunk cosine similarity of ``docs`` (all documents when None)."""
        if docs is None:
            sims = self.vectors @ query
            if len(self.vectors) == self.size:
                return sims
            return np.maximum.reduceat(sims, self.starts[:-1]) if self.size else sims[:0]
        if not len(docs):
            return np.zeros(0, dtype=np.float32)
        # every document owns at least one chunk: gather the chunks of all, one product, the
        # best per document
        first, lengths = self.starts[docs], self.starts[docs + 1] - self.starts[docs]
        offsets = np.cumsum(lengths) - lengths
        chunks = np.repeat(first - offsets, lengths) + np.arange(int(lengths.sum()))
        return np.maximum.reduceat(self.vectors[chunks] @ query, offsets).astype(np.float32)

    def nearest(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` most similar documents (of those ``allowed``, a boolean mask), best first,
        with their similarities."""
        if not self.size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if self._ann is None:
            sims = self.similarity(query)
            if allowed is not None:
                sims = np.where(allowed, sims, -np.inf)
            top = top_k(sims, k)
            top = top[np.isfinite(sims[top])]
            return top, sims[top]
        # HNSW: ask for more neighbours than needed, since chunks share documents and some
        # documents may be filtered out.
        found = self._ann.search(query, min(len(self.vectors), k * (4 if allowed is None else 16)))
        docs = np.unique(self._chunk_owner(np.asarray(found.keys, dtype=np.int64)))
        if allowed is not None:
            docs = docs[allowed[docs]]
        sims = self.similarity(query, docs)
        order = np.argsort(-sims, kind="stable")[:k]
        return docs[order], sims[order]

    def nearest_each(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """For an index of one vector per document (the lexicon's words): the ``k`` nearest
        documents of each query at once, best first, and their similarities (rows of ``k``;
        fewer columns when there are fewer documents)."""
        k = min(k, self.size)
        if self._ann is not None:
            found = self._ann.search(queries, k)
            keys = np.asarray(found.keys, dtype=np.int64).reshape(len(queries), -1)
            return keys, (1.0 - np.asarray(found.distances, dtype=np.float32)).reshape(len(queries), -1)
        sims = queries @ self.vectors.T
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top = np.take_along_axis(top, np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1), axis=1)
        return top, np.take_along_axis(sims, top, axis=1)


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first (ties by index)."""
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k)[:k]
    return part[np.lexsort((part, -scores[part]))]


def _usearch_index() -> Any:
    """usearch's Index class. usearch's extension carries its own C++ runtime: loaded before
    ONNX Runtime's, it makes the later import of ONNX Runtime (the embedder) crash the
    process (segmentation fault, seen here). ONNX Runtime is therefore loaded first."""
    import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index

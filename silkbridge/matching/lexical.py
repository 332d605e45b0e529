"""BM25 (Robertson/Sparck Jones, Lucene's variant of idf) over pre-tokenised documents.

The index stores, for every term, the BM25 weight of each document that contains it, in one
compressed sparse matrix (terms x documents): a query sums the rows of its terms, so it costs
time proportional to the postings it touches, not to the collection.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass
class BM25:
    vocabulary: dict[str, int]
    weights: sparse.csr_matrix  # terms x documents
    idf: np.ndarray
    k1: float = 0.9
    b: float = 0.4

    @classmethod
    def build(cls, documents: Sequence[Sequence[str]], k1: float = 0.9, b: float = 0.4) -> "BM25":
        """``documents`` are token lists; k1 and b default to Anserini's BEIR settings."""
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        lengths = np.zeros(len(documents), dtype=np.float32)
        for doc, tokens in enumerate(documents):
            lengths[doc] = len(tokens)
            for term, count in Counter(tokens).items():
                rows.append(vocabulary.setdefault(term, len(vocabulary)))
                cols.append(doc)
                tfs.append(count)
        n = max(len(documents), 1)
        tf = np.asarray(tfs, dtype=np.float32)
        col = np.asarray(cols, dtype=np.int64)
        average = float(lengths.mean()) if len(documents) else 1.0
        norm = k1 * (1 - b + b * lengths[col] / max(average, 1e-9))
        df = np.bincount(np.asarray(rows, dtype=np.int64), minlength=len(vocabulary)).astype(np.float32)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        values = idf[np.asarray(rows, dtype=np.int64)] * tf * (k1 + 1) / (tf + norm)
        weights = sparse.csr_matrix((values, (rows, cols)), shape=(len(vocabulary), len(documents)))
        weights.sort_indices()
        return cls(vocabulary, weights, idf, k1, b)

    @property
    def size(self) -> int:
        return int(self.weights.shape[1])

    def term_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.vocabulary[t] for t in dict.fromkeys(tokens) if t in self.vocabulary]

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document (a dense vector; zero where no term matches).
        A term repeated in the query counts once."""
        ids = self.term_ids(tokens)
        if not ids:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self.weights[ids].sum(axis=0), dtype=np.float32).ravel()

    def matches(self, tokens: Sequence[str], doc: int) -> list[str]:
        """The tokens (of those given) that occur in document ``doc``."""
        found = []
        for term in dict.fromkeys(tokens):
            tid = self.vocabulary.get(term)
            if tid is None:
                continue
            postings = self.weights.indices[self.weights.indptr[tid] : self.weights.indptr[tid + 1]]
            at = int(np.searchsorted(postings, doc))
            if at < len(postings) and postings[at] == doc:
                found.append(term)
        return found

"""BM25 (Robertson/Sparck Jones, Lucene's variant of idf) over pre-tokenised documents, in
two segments: the documents it was built with and those added since (``add``).

The index stores, for every term, the term-frequency part of the BM25 weight of each
document that contains it, in one compressed sparse matrix per segment (terms x documents);
a query sums the rows of its terms, weighed by their idf, so it costs time proportional to
the postings it touches, not to the collection. Document frequencies are kept, so that an
added or removed document updates the idf of its own terms and nothing else is recomputed.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import sparse


def _idf(n: int, df: np.ndarray) -> np.ndarray:
    return np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)


@dataclass
class BM25:
    vocabulary: dict[str, int]
    weights: sparse.csr_matrix  # terms x documents: tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg))
    idf: np.ndarray
    k1: float = 0.9
    b: float = 0.4
    df: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # documents per term
    average: float = 1.0  # mean document length (in terms) of the built segment
    recent: sparse.csr_matrix | None = None  # terms x documents added since the build (``add``)
    live: int = -1  # documents counted in ``df`` (built ones not removed, and added ones)

    def __post_init__(self) -> None:
        if self.live < 0:
            self.live = int(self.weights.shape[1])

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
        tf = np.asarray(tfs, dtype=np.float32)
        col = np.asarray(cols, dtype=np.int64)
        average = max(float(lengths.mean()), 1e-9) if len(documents) else 1.0
        norm = k1 * (1 - b + b * lengths[col] / average)
        df = np.bincount(np.asarray(rows, dtype=np.int64), minlength=len(vocabulary)).astype(np.float32)
        values = tf * (k1 + 1) / (tf + norm)
        weights = sparse.csr_matrix((values, (rows, cols)), shape=(len(vocabulary), len(documents)))
        weights.sort_indices()
        return cls(vocabulary, weights, _idf(len(documents), df), k1, b, df, average)

    @property
    def built(self) -> int:
        """Documents of the built segment (the first ``built`` positions)."""
        return int(self.weights.shape[1])

    @property
    def size(self) -> int:
        return self.built + (int(self.recent.shape[1]) if self.recent is not None else 0)

    def term_ids(self, tokens: Sequence[str]) -> list[int]:
        return [self.vocabulary[t] for t in dict.fromkeys(tokens) if t in self.vocabulary]

    # -- updates ---------------------------------------------------------------------------
    def _count(self, counts: Sequence[Counter[str]], sign: int) -> set[int]:
        """Add (``sign`` 1) or remove (-1) documents' terms to the document frequencies;
        the ids of the terms touched."""
        ids = [[self.vocabulary.setdefault(term, len(self.vocabulary)) for term in terms] for terms in counts]
        if len(self.vocabulary) > len(self.df):
            self.df = np.concatenate([self.df, np.zeros(len(self.vocabulary) - len(self.df), np.float32)])
        for terms in ids:
            self.df[terms] += sign
        self.live += sign * len(counts)
        return {tid for terms in ids for tid in terms}

    def updated(self, removed: Sequence[Counter[str]], recent: Sequence[Counter[str]], added: int) -> "BM25":
        """This index without the documents whose term counts are ``removed``, and with
        ``recent`` (term counts, the last ``added`` of which are new) as its recent segment;
        the idf of every term they hold brought up to date. A new index: the built segment's
        matrix is shared, and searches on this one are not disturbed."""
        new = replace(self, vocabulary=self.vocabulary, df=self.df.copy())
        if any(term not in self.vocabulary for terms in recent[len(recent) - added :] for term in terms):
            new.vocabulary = dict(self.vocabulary)
        touched = new._count(removed, -1) | new._count(recent[len(recent) - added :], +1)
        new.idf = np.concatenate([self.idf, np.zeros(len(new.df) - len(self.idf), np.float32)])
        ids = np.fromiter(touched, dtype=np.int64, count=len(touched))
        new.idf[ids] = _idf(new.live, np.maximum(new.df[ids], 0))
        rows, cols, tfs, lengths = [], [], [], []
        for doc, terms in enumerate(recent):
            lengths.extend([sum(terms.values())] * len(terms))
            for term, count in terms.items():
                rows.append(new.vocabulary[term])
                cols.append(doc)
                tfs.append(count)
        tf = np.asarray(tfs, dtype=np.float32)
        norm = self.k1 * (1 - self.b + self.b * np.asarray(lengths, np.float32) / self.average)
        values = tf * (self.k1 + 1) / (tf + norm)
        new.recent = sparse.csr_matrix((values, (rows, cols)), shape=(len(new.vocabulary), len(recent)))
        new.recent.sort_indices()
        return new

    # -- reading ---------------------------------------------------------------------------
    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every document (a dense vector; zero where no term matches).
        A term repeated in the query counts once."""
        ids = self.term_ids(tokens)
        scores = np.zeros(self.size, dtype=np.float32)
        if not ids:
            return scores
        built = [i for i in ids if i < self.weights.shape[0]]
        if built:
            scores[: self.built] = self.weights[built].T @ self.idf[built]
        if self.recent is not None:
            scores[self.built :] = self.recent[ids].T @ self.idf[ids]
        return scores

    def matches(self, tokens: Sequence[str], doc: int) -> list[str]:
        """The tokens (of those given) that occur in document ``doc``."""
        matrix = self.weights
        if doc >= self.built and self.recent is not None:
            matrix, doc = self.recent, doc - self.built
        found = []
        for term in dict.fromkeys(tokens):
            tid = self.vocabulary.get(term)
            if tid is None or tid >= matrix.shape[0]:
                continue
            postings = matrix.indices[matrix.indptr[tid] : matrix.indptr[tid + 1]]
            at = int(np.searchsorted(postings, doc))
            if at < len(postings) and postings[at] == doc:
                found.append(term)
        return found

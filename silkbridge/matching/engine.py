"""Hybrid ranking: BM25 and sentence embeddings, fused, with the reasons for each result.

Fusion: both scores are min-max normalised over the union of the two candidate lists and
mixed half and half, the lexical half scaled by the share of the query's terms that occur in
the index at all. A query in the records' language keeps its full lexical half; a query in
another language, whose words the index has never seen, is ranked by meaning alone, so a
stray shared name or number cannot pose as a strong match (see docs/matching.md). Such a
query's words are also read as the index's own words nearest in meaning (lexicon.py), and
those are searched with BM25 for a third, smaller part of the score.
"""

import copy
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from silkbridge.matching.embedding import Embedder, WordModel
from silkbridge.matching.lexical import BM25
from silkbridge.matching.lexicon import Lexicon
from silkbridge.matching.text import chunks, is_cjk, tokenize, words
from silkbridge.matching.vectors import ANN_THRESHOLD, VectorIndex, top_k

CANDIDATES = 100
LEXICAL_WEIGHT = 0.5
# The weight of the index words that a query's unknown words are read as (lexicon.py), times
# the share of the query's words the index does not know
TRANSLATED_WEIGHT = 0.15
# A query less foreign than this is ranked without readings: their weight would be under
# 0.04, and reading its words costs a USE call (46 of SciFact's 300 English claims have a word
# the corpus lacks; 5 are a quarter foreign; every XQuAD question across languages is)
READINGS_FROM = 0.25
CHUNK_WORDS = 80
# The relevance floor: a hit is kept when it holds every word of the query as written, or
# when its similarity stands out from the query's similarity to the collection at large
# (standard deviations above its mean over a fixed sample of the collection's pieces) by
# enough for the share of the query's words it holds (``coverage``, weighed by rarity: idf, a
# word no record uses weighing most; directly or as a reading, the lexicon's translation): by
# ``FLOOR_Z`` holding none, down in a straight line to ``READ_Z`` holding every word (some only
# through readings). A query that means nothing is about as close to every record; of 200
# nonsense and off-topic queries on the demo site (bench/floor_bench.py) the best record that
# holds none of their words stood out by at most 6.71 ("wedding dress sale"); of those holding
# half their words ("макияж глаз", eye make-up, read "глаз" as "eye" in the name of an eye
# hospital) by up to 5.97, while an on-topic one holding half stood out by 5.6-6.0 ("الري
# بالتنقيط", drip irrigation) and one holding 0.7 by 5.0 ("疟疾防治", malaria control). A string of
# common Chinese characters ("方家") is read as something ("house") but means nothing here:
# holding every word through readings is not enough on its own.
FLOOR_Z = 6.75
READ_Z = 4.0
# A query of this many words or more is a phrase (a short question, "Кто выиграл Суперкубок
# XLIX?"), whose vector carries more of its meaning than one or two words do: a hit need only
# stand out this much. Of XQuAD's cross-lingual questions of four or five words (not sentences)
# whose paragraph is among the ten best, it stands out by 4.7 (median; 3.0 to 6.7 from the
# 10th to the 90th percentile); of the 13 off-topic queries of four or five words the best
# record by 3.9-6.4, 5.0 or more for three of them.
PHRASE_TOKENS = 4
PHRASE_Z = 5.0
# A query of this many words or more is a sentence, whose vector carries its meaning (a
# string of one to four words is embedded mostly by its surface): a hit need only stand out
# this much. Of XQuAD's cross-lingual questions that are sentences and whose paragraph is
# among the ten best, it stands out by 5.1 (median; 10th percentile 3.5), by 2.0 or more for
# 99.8%. None of the 200 nonsense and off-topic queries is a sentence: a long query that means
# nothing is not held back as well.
SENTENCE_WORDS = 5
SENTENCE_TOKENS = 6  # or this many words with the short ones ("في", "de", "to") counted
SENTENCE_PAIRS = 7  # in Chinese or Japanese: pairs of characters (8 characters)
SENTENCE_Z = 2.0
FLOOR_SAMPLE = 2048
# Among n pieces, one piece's similarity can stand out by at most (n - 1) / sqrt(n) standard
# deviations, so a small collection (a new site, a handful of listings) could never reach
# FLOOR_Z: below about 150 pieces the standouts are scaled up so that the best this share of
# that most still passes, and the floor then keeps what stands out there.
FLOOR_SMALL_SHARE = 0.6
# A query word is read through the lexicon only when it looks like a word: the model's
# sentence pieces cover at least this many characters each on average (a real word in any
# of the six languages is one to three pieces; "xyzzyqq" is four, "zqdqgml" six)
WORD_CHARS_PER_PIECE = 1.9
# 3: BM25 weights without idf (applied at query time, so that updates change it), the chunk
# vectors in a file of their own (chunks.npy, memory-mapped); those of formats 1 and 2 are
# the same and are reused
FORMAT = 3
REUSABLE_FORMATS = (1, 2, 3)
WORD_KEY = "word "  # ``known`` holds the lexicon's vectors under "word <word>" (text hashes have no space)

Progress = Callable[[int, int], None]


@dataclass
class Document:
    key: str  # "organisation:42": kind and id
    title: str
    names: list[str] = field(default_factory=list)  # other names, in any language
    text: str = ""
    keywords: list[str] = field(default_factory=list)
    # identifiers and programme codes ("demo:project:KE", "H2020-EU.3.2"): found by their
    # words, never embedded (to a model they are noise that differs from record to record)
    codes: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    audience: str = "public"  # or "members": who may see it in results

    @property
    def kind(self) -> str:
        return self.key.split(":", 1)[0]

    def lexical_text(self) -> str:
        return " \n".join([self.title, *self.names, *self.keywords, *self.codes, self.text])

    def chunk_texts(self) -> list[str]:
        """What is embedded: the names (when there are others than the title), then the
        description sentence by sentence, each piece led by the title for context."""
        pieces = chunks(" ".join([", ".join(self.keywords), self.text]).strip(), CHUNK_WORDS)
        texts = ["; ".join(dict.fromkeys([self.title, *self.names]))] if self.names or not pieces else []
        return texts + [f"{self.title}: {piece}" if self.title else piece for piece in pieces]


@dataclass
class Added:
    """A record indexed since the build (``Engine.apply``): its document, terms and vectors."""

    document: Document
    terms: Counter[str]
    vectors: np.ndarray  # its chunk vectors, in the order of ``document.chunk_texts()``
    hashes: list[str]


@dataclass(frozen=True)
class Reading:
    word: str  # a query word that no record uses
    read_as: str  # the record's word nearest in meaning that it was read as (lexicon.py)


@dataclass
class Reasons:
    matched: list[str] = field(default_factory=list)  # query words found in the record
    semantic: float = 0.0  # cosine similarity of query and record
    fields: list[str] = field(default_factory=list)  # shared fields of science
    countries: list[str] = field(default_factory=list)  # shared countries
    partners: list[str] = field(default_factory=list)  # shared partners (similar, recommendations)
    same_kind: bool = False  # of the same kind as the source record (similar)
    translated: list[Reading] = field(default_factory=list)  # query words read as the record's words
    # the passage is worked out when first read: of a hundred hits, only those shown pay for it
    _find_passage: Callable[[], str] | None = field(default=None, repr=False, compare=False)
    _passage_text: str | None = field(default=None, repr=False, compare=False)

    @property
    def passage(self) -> str:
        """The record's piece of text closest in meaning to the query ("" if none is telling)."""
        if self._passage_text is None:
            self._passage_text = self._find_passage() if self._find_passage else ""
        return self._passage_text

    @passage.setter
    def passage(self, value: str) -> None:
        self._passage_text = value


@dataclass
class Hit:
    key: str
    score: float
    lexical: float
    semantic: float
    reasons: Reasons
    # how far the similarity stands out from the query's similarity to the collection, in
    # standard deviations (the relevance floor; 0 without a query vector)
    standout: float = 0.0
    coverage: float = 0.0  # the share of the query's words (by idf) found, directly or read
    literal: float = 0.0  # the share found as they are written
    sentence: bool = False  # the query has at least SENTENCE_WORDS words
    phrase: bool = False  # the query has at least PHRASE_TOKENS words

    @property
    def relevant(self) -> bool:
        """Above the relevance floor: it holds every word of the query as written, or its
        meaning stands out by ``FLOOR_Z`` less what the share of the words it holds (directly
        or read) earns, down to ``READ_Z`` for all of them, or by ``PHRASE_Z`` for a phrase,
        ``SENTENCE_Z`` for a sentence."""
        return (
            self.literal >= 0.999
            or self.standout >= FLOOR_Z - (FLOOR_Z - READ_Z) * self.coverage
            or (self.phrase and self.standout >= PHRASE_Z)
            or (self.sentence and self.standout >= SENTENCE_Z)
        )


class IncompatibleIndex(ValueError):
    """A saved index made by another embedder or in another format (the code was upgraded)."""


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()


def _chunks(directory: Path, arrays: Any) -> np.ndarray:
    """A saved index's chunk vectors, memory-mapped (the app servers of a host then share one
    copy in the page cache); in ``vectors.npz`` in the formats before 3."""
    path = directory / "chunks.npy"
    return np.load(path, mmap_mode="r") if path.exists() else arrays["vectors"]


def _minmax(values: np.ndarray) -> np.ndarray:
    if not len(values):
        return values
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.ones_like(values) * (1.0 if high > 0 else 0.0)


class Engine:
    def __init__(
        self,
        documents: list[Document],
        lexical: BM25,
        vectors: VectorIndex,
        embedder: Embedder,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.documents = documents
        self.lexical = lexical
        self.vectors = vectors
        self.embedder = embedder
        self.lexicon = lexicon  # None where the embedder has no word model (e5 alone, tests)
        self.word_model = embedder if isinstance(embedder, WordModel) else None
        self.positions = {doc.key: i for i, doc in enumerate(documents)}
        # the mean chunk vector: foreign queries are centred on it (embedding.CENTRING)
        self.centre = vectors.vectors.mean(axis=0) if len(vectors.vectors) else None
        self._masks: dict[tuple[frozenset[str], frozenset[str]], np.ndarray | None] = {}
        self._built_masks: dict[tuple[frozenset[str], frozenset[str]], np.ndarray] = {}
        self.chunk_hashes: list[str] = []
        self._sample: np.ndarray | None = None
        # The built segment is ``documents`` as given; records changed since (``apply``) are
        # removed from it (``alive``) and kept, in their new versions, in a small added
        # segment that follows it, until the next build merges both.
        self.built = len(documents)
        self.added: list[Added] = []
        self.added_vectors: VectorIndex | None = None
        self.alive: np.ndarray | None = None  # which positions hold a current record (None: all)

    def _background(self, qvec: np.ndarray) -> tuple[float, float]:
        """Mean and standard deviation of the query's similarity to a fixed sample of the
        collection's pieces (the same sample for every query); the deviation is scaled down for
        a collection too small to stand out from (``FLOOR_SMALL_SHARE``)."""
        if self._sample is None:
            pool = self.vectors.vectors
            if len(pool) < FLOOR_SAMPLE and self.added_vectors is not None:  # a small site: its added records too
                pool = np.concatenate([pool, self.added_vectors.vectors])
            rows = len(pool)
            chosen = np.random.default_rng(19).choice(rows, min(rows, FLOOR_SAMPLE), replace=False)
            self._sample = pool[np.sort(chosen)]
        sims = self._sample @ qvec
        n = len(sims)
        reachable = FLOOR_SMALL_SHARE * (n - 1) / np.sqrt(n) if n > 1 else 0.0
        scale = max(1.0, FLOOR_Z / reachable) if reachable else 1.0
        return float(sims.mean()), max(float(sims.std()), 1e-6) / scale

    # -- building -------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        embedder: Embedder,
        *,
        known: dict[str, np.ndarray] | None = None,
        progress: Progress | None = None,
        batch: int = 512,
        ann_threshold: int = ANN_THRESHOLD,
    ) -> "Engine":
        """Index ``documents``. ``known`` maps chunk-text hashes (and words, ``WORD_KEY``) to
        vectors already computed (a previous index): only new or changed texts are embedded.
        ``progress`` is told the texts embedded so far (words included) and how many."""
        documents = list(documents)
        lexical_texts = [doc.lexical_text() for doc in documents]
        lexical = BM25.build([tokenize(text) for text in lexical_texts])
        texts: list[str] = []
        starts = [0]
        for doc in documents:
            texts.extend(doc.chunk_texts())
            starts.append(len(texts))
        hashes = [text_hash(t) for t in texts]
        vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
        known = known or {}
        todo = []  # one position per distinct text to embed; its copies take its vector
        copies: dict[str, list[int]] = {}
        for i, h in enumerate(hashes):
            if h in known and len(known[h]) == embedder.dim:
                vectors[i] = known[h]
            elif h in copies:
                copies[h].append(i)
            else:
                copies[h] = []
                todo.append(i)
        word_model = embedder if isinstance(embedder, WordModel) else None
        vocabulary = Lexicon.vocabulary(lexical_texts) if word_model else []
        known_words = {k.removeprefix(WORD_KEY): v for k, v in known.items() if k.startswith(WORD_KEY)}
        total = len(todo) + sum(w not in known_words for w in vocabulary)
        done = 0

        def embedded(count: int) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, total)

        for begin in range(0, len(todo), batch):
            part = todo[begin : begin + batch]
            vectors[part] = embedder.passages([texts[i] for i in part])
            for i in part:
                vectors[copies[hashes[i]]] = vectors[i]
            embedded(len(part))
        lexicon = None
        if word_model:
            lexicon = Lexicon.build(vocabulary, word_model.words, word_model.word_dim, known_words, embedded, batch)
        index = VectorIndex(vectors, np.asarray(starts, dtype=np.int64), ann_threshold)
        index.build_ann()
        engine = cls(documents, lexical, index, embedder, lexicon)
        engine.chunk_hashes = hashes
        return engine

    @staticmethod
    def saved_vectors(directory: Path, embedder: Embedder) -> dict[str, np.ndarray]:
        """The chunk vectors of a saved index by text hash and its words' vectors (``WORD_KEY``),
        for a rebuild to reuse, without loading the rest; empty when there is none or it was
        made by another embedder."""
        try:
            meta = json.loads((directory / "meta.json").read_text())
            if meta.get("format") not in REUSABLE_FORMATS or meta.get("embedder") != embedder.name:
                return {}
            arrays = np.load(directory / "vectors.npz")
            known = dict(zip((str(h) for h in arrays["hashes"]), _chunks(directory, arrays), strict=True))
            if (directory / "lexicon.npz").exists():
                lexicon = np.load(directory / "lexicon.npz")
                known.update(zip((WORD_KEY + str(w) for w in lexicon["words"]), lexicon["vectors"], strict=True))
            return known
        except (OSError, ValueError, KeyError):
            return {}

    # -- persistence ----------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self.added or self.alive is not None:
            raise ValueError("an index with records applied since its build is saved by building it anew")
        meta = {
            "format": FORMAT,
            "embedder": self.embedder.name,
            "k1": self.lexical.k1,
            "b": self.lexical.b,
            "average": self.lexical.average,
        }
        (directory / "meta.json").write_text(json.dumps(meta))
        with (directory / "documents.jsonl").open("w", encoding="utf-8") as out:
            for doc in self.documents:
                out.write(json.dumps(asdict(doc), ensure_ascii=False) + "\n")
        vocabulary = sorted(self.lexical.vocabulary, key=self.lexical.vocabulary.__getitem__)
        (directory / "vocabulary.json").write_text(json.dumps(vocabulary, ensure_ascii=False))
        sparse.save_npz(directory / "bm25.npz", self.lexical.weights)
        np.save(directory / "chunks.npy", np.ascontiguousarray(self.vectors.vectors, dtype=np.float32))
        np.savez(
            directory / "vectors.npz",
            starts=self.vectors.starts,
            idf=self.lexical.idf,
            df=self.lexical.df,
            hashes=np.asarray(self.chunk_hashes),
        )
        self.vectors.save_ann(directory / "ann.usearch")
        if self.lexicon is not None:
            np.savez(
                directory / "lexicon.npz", words=np.asarray(self.lexicon.words), vectors=self.lexicon.index.vectors
            )
            self.lexicon.index.save_ann(directory / "lexicon.usearch")

    @classmethod
    def load(cls, directory: Path, embedder: Embedder, ann_threshold: int = ANN_THRESHOLD) -> "Engine":
        meta = json.loads((directory / "meta.json").read_text())
        if meta.get("format") != FORMAT or meta.get("embedder") != embedder.name:
            raise IncompatibleIndex(f"index in {directory} was built with another format or embedder; reindex")
        with (directory / "documents.jsonl").open(encoding="utf-8") as lines:
            documents = [Document(**json.loads(line)) for line in lines]
        vocabulary = {t: i for i, t in enumerate(json.loads((directory / "vocabulary.json").read_text()))}
        arrays = np.load(directory / "vectors.npz")
        weights = sparse.load_npz(directory / "bm25.npz").tocsr()
        lexical = BM25(vocabulary, weights, arrays["idf"], meta["k1"], meta["b"], arrays["df"], meta["average"])
        vectors = VectorIndex(_chunks(directory, arrays), arrays["starts"], ann_threshold)
        vectors.load_ann(directory / "ann.usearch")
        vectors.build_ann()
        lexicon = None
        if (directory / "lexicon.npz").exists():
            saved = np.load(directory / "lexicon.npz")
            lexicon = Lexicon.of([str(w) for w in saved["words"]], saved["vectors"], directory / "lexicon.usearch")
        engine = cls(documents, lexical, vectors, embedder, lexicon)
        engine.chunk_hashes = [str(h) for h in arrays["hashes"]]
        return engine

    # -- updates --------------------------------------------------------------------------
    def applied(
        self,
        keys: Iterable[str],
        documents: Sequence[Document],
        vectors: np.ndarray,
        starts: Sequence[int],
        hashes: Sequence[str],
        words: Sequence[str] = (),
        word_vectors: np.ndarray | None = None,
    ) -> "Engine":
        """This index with the records ``keys`` brought up to date, without rebuilding the
        rest (a new engine that shares what did not change: a search running on this one is
        not disturbed, as readers of a Lucene index keep their point in time). Each is removed
        (a tombstone in the built segment), and those of ``documents`` (their current
        versions; a key without one was deleted) join the added segment, with their chunk
        vectors (``vectors[starts[i]:starts[i + 1]]`` for the i-th document, hashes alike);
        the BM25 statistics of their terms, the vector search and the lexicon (``words``, the
        records' words it lacks, with their vectors) follow. Cost: that of the added segment."""
        new = copy.copy(self)
        built = self.built
        alive = np.ones(built, dtype=bool) if self.alive is None else self.alive[:built].copy()
        new.positions = positions = dict(self.positions)
        removed: list[Counter[str]] = []
        dropped: set[int] = set()
        for key in dict.fromkeys(keys):
            position = positions.pop(key, None)
            if position is None:
                continue
            if position < built:
                alive[position] = False
                removed.append(Counter(tokenize(self.documents[position].lexical_text())))
            else:
                dropped.add(position - built)
                removed.append(self.added[position - built].terms)
        added = [entry for i, entry in enumerate(self.added) if i not in dropped]
        for i, doc in enumerate(documents):
            begin, end = int(starts[i]), int(starts[i + 1])
            terms = Counter(tokenize(doc.lexical_text()))
            added.append(Added(doc, terms, np.asarray(vectors[begin:end], np.float32), list(hashes[begin:end])))
        new.added = added
        new.lexical = self.lexical.updated(removed, [entry.terms for entry in added], len(documents))
        pieces = [entry.vectors for entry in added]
        stacked = np.concatenate(pieces) if pieces else np.zeros((0, self.embedder.dim), np.float32)
        offsets = np.concatenate([[0], np.cumsum([len(p) for p in pieces], dtype=np.int64)]).astype(np.int64)
        new.added_vectors = VectorIndex(stacked, offsets, len(stacked) + 1)  # searched exactly
        new.documents = self.documents[:built] + [entry.document for entry in added]
        positions.update((entry.document.key, built + i) for i, entry in enumerate(added))
        new.alive = np.concatenate([alive, np.ones(len(added), dtype=bool)])
        new._masks = {}
        if len(self.vectors.vectors) < FLOOR_SAMPLE:  # a small site: its added records count
            new._sample = None
            every = np.concatenate([self.vectors.vectors, stacked])
            new.centre = every.mean(axis=0) if len(every) else None
        if self.lexicon is not None and len(words) and word_vectors is not None:
            new.lexicon = self.lexicon.with_words(list(words), word_vectors)
        return new

    def live_documents(self) -> Iterator[Document]:
        """The documents of current records (not those removed or replaced since the build)."""
        for i, doc in enumerate(self.documents):
            if self.alive is None or self.alive[i]:
                yield doc

    def chunk_vectors(self, doc: int) -> np.ndarray:
        """The chunk vectors of the document at position ``doc``."""
        if doc >= self.built and self.added_vectors is not None:
            return self.added[doc - self.built].vectors
        return self.vectors.vectors[int(self.vectors.starts[doc]) : int(self.vectors.starts[doc + 1])]

    def chunk_hashes_of(self, doc: int) -> list[str]:
        """The text hashes of the document's chunk vectors (``chunk_vectors``)."""
        if doc >= self.built:
            return self.added[doc - self.built].hashes
        return self.chunk_hashes[int(self.vectors.starts[doc]) : int(self.vectors.starts[doc + 1])]

    def _similarity(self, qvec: np.ndarray, docs: np.ndarray) -> np.ndarray:
        """Best-chunk cosine similarity of the documents at positions ``docs``."""
        if self.added_vectors is None:
            return self.vectors.similarity(qvec, docs)
        sims = np.zeros(len(docs), dtype=np.float32)
        old = docs < self.built
        sims[old] = self.vectors.similarity(qvec, docs[old])
        sims[~old] = self.added_vectors.similarity(qvec, docs[~old] - self.built)
        return sims

    def _nearest(self, qvec: np.ndarray, k: int, allowed: np.ndarray | None) -> np.ndarray:
        """Positions of the ``k`` documents nearest in meaning (of those ``allowed``), best first."""
        built = self.built
        docs, sims = self.vectors.nearest(qvec, k, None if allowed is None else allowed[:built])
        if self.added_vectors is None or not self.added_vectors.size:
            return docs
        more, more_sims = self.added_vectors.nearest(qvec, k, None if allowed is None else allowed[built:])
        docs, sims = np.concatenate([docs, more + built]), np.concatenate([sims, more_sims])
        return docs[np.argsort(-sims, kind="stable")[:k]]

    # -- ranking --------------------------------------------------------------------------
    def _mask(self, kinds: Iterable[str] | None, audiences: Iterable[str] | None) -> np.ndarray | None:
        """Which positions may be found (None: every one)."""
        if kinds is None and audiences is None:
            return self.alive
        wanted = (frozenset(kinds or ()), frozenset(audiences or ()))
        if wanted not in self._masks:

            def mask(documents: list[Document]) -> np.ndarray:
                return np.array(
                    [
                        (kinds is None or doc.kind in wanted[0]) and (audiences is None or doc.audience in wanted[1])
                        for doc in documents
                    ],
                    dtype=bool,
                )

            # the built segment's part is worked out once and shared by the engines updates make
            if wanted not in self._built_masks:
                self._built_masks[wanted] = mask(self.documents[: self.built])
            full = np.concatenate([self._built_masks[wanted], mask(self.documents[self.built :])])
            self._masks[wanted] = full if self.alive is None else full & self.alive
        return self._masks[wanted]

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        kinds: Iterable[str] | None = None,
        audiences: Iterable[str] | None = None,
        mode: str = "hybrid",
        floor: bool = False,
    ) -> list[Hit]:
        """The ``k`` best documents for a free-text query, best first, with reasons; with
        ``floor``, only those above the relevance floor (``Hit.relevant``), so a query that
        matches nothing meaningful finds nothing."""
        tokens = tokenize(query)
        if not query.strip() or not self.documents:
            return []
        known = self._known(tokens)
        qvec = None
        if mode != "lexical":
            qvec = self.embedder.query(query, 1.0 - known, self.centre)
        translated = self._translate(query) if mode == "hybrid" and 1 - known >= READINGS_FROM else {}
        hits = self._rank(
            tokens, known, qvec, k, self._mask(kinds, audiences), mode, query=query, translated=translated
        )
        return [hit for hit in hits if hit.relevant] if floor else hits

    def _translate(self, query: str) -> dict[str, list[str]]:
        """The query's words that no record uses, each with the index words nearest in meaning."""
        if self.lexicon is None or self.word_model is None:
            return {}
        unknown = [w for w in words(query) if not self._word_terms(w)[1] and self._wordlike(w)]
        if not unknown:
            return {}
        return self.lexicon.translate(unknown, self.word_model.words(unknown))

    def _word_terms(self, word: str) -> tuple[list[str], list[int]]:
        """A query word's index terms, and the ids of those the index knows. A pair of CJK
        characters is its pair alone: that its single characters occur says little."""
        terms = [word] if is_cjk(word[0]) and len(word) > 1 else tokenize(word)
        return terms, self.lexical.term_ids(terms)

    def _floor_words(self, query: str) -> list[tuple[str, list[str], float]]:
        """The query's words (as the lexicon reads them), each with its terms and its weight
        for the floor: the mean idf of its terms, or the highest idf for a word no record uses."""
        unknown = float(np.log(1 + (self.lexical.size + 0.5) / 0.5))
        found = []
        for word in words(query):
            terms, ids = self._word_terms(word)
            if terms:
                found.append((word, terms, float(np.mean(self.lexical.idf[ids])) if ids else unknown))
        # codes and numbers ("H2020", a grant number) are no words to the lexicon, but a record
        # that holds them holds what was asked
        for code in dict.fromkeys(t.strip(".,;:!?()[]\"'") for t in query.split() if any(c.isdigit() for c in t)):
            terms = tokenize(code)
            ids = self.lexical.term_ids(terms)
            if terms:
                found.append((code, terms, float(np.mean(self.lexical.idf[ids])) if ids else unknown))
        return found

    def _coverage(self, words: list[tuple[str, list[str], float]], doc: int, read: set[str]) -> float:
        """The share of the query's word weight that the document holds, directly or read."""
        total = sum(weight for _w, _t, weight in words)
        held = sum(weight for word, terms, weight in words if word in read or self.lexical.matches(terms, doc))
        return held / total if total else 0.0

    def _wordlike(self, word: str) -> bool:
        """Whether a query word looks like a word of some language rather than a string of
        letters (``WORD_CHARS_PER_PIECE``); CJK text and embedders without pieces: always."""
        pieces = getattr(self.embedder, "pieces", None)
        if pieces is None or is_cjk(word[0]):
            return True
        return len(word) / max(pieces(word), 1) >= WORD_CHARS_PER_PIECE

    def _lexical(self, tokens: list[str], mask: np.ndarray | None, exclude: int | None) -> np.ndarray:
        scores = self.lexical.scores(tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        if exclude is not None:
            scores[exclude] = 0.0
        return scores

    def _rank(
        self,
        tokens: list[str],
        known: float,
        qvec: np.ndarray | None,
        k: int,
        mask: np.ndarray | None,
        mode: str,
        *,
        query: str = "",
        exclude: int | None = None,
        translated: dict[str, list[str]] | None = None,
    ) -> list[Hit]:
        depth = max(CANDIDATES, k)
        candidates: list[np.ndarray] = []
        lex_all = tra_all = None
        if mode != "semantic" and tokens:
            lex_all = self._lexical(tokens, mask, exclude)
            top = top_k(lex_all, depth)
            candidates.append(top[lex_all[top] > 0])
        # (query word, index word it is read as, that word's terms)
        readings = [(word, w, tokenize(w)) for word, ws in (translated or {}).items() for w in ws]
        if readings:
            tra_all = self._lexical([t for _word, _w, terms in readings for t in terms], mask, exclude)
            top = top_k(tra_all, depth)
            candidates.append(top[tra_all[top] > 0])
        if qvec is not None:
            allowed = mask
            if exclude is not None:
                allowed = np.ones(len(self.documents), dtype=bool) if mask is None else mask.copy()
                allowed[exclude] = False
            candidates.append(self._nearest(qvec, depth, allowed))
        if not candidates:
            return []
        docs = np.unique(np.concatenate(candidates)).astype(np.int64)
        if not len(docs):
            return []
        lex = lex_all[docs] if lex_all is not None else np.zeros(len(docs), np.float32)
        sem = self._similarity(qvec, docs) if qvec is not None else np.zeros(len(docs), np.float32)
        if mode == "lexical":
            score = lex
        elif mode == "semantic":
            score = sem
        else:
            score = (1 - LEXICAL_WEIGHT) * _minmax(sem) + LEXICAL_WEIGHT * known * _minmax(lex)
            if tra_all is not None:
                score = score + TRANSLATED_WEIGHT * (1 - known) * _minmax(tra_all[docs])
        order = np.lexsort((docs, -score))[:k]
        standout = np.zeros(len(docs), np.float32)
        if qvec is not None:  # reported as a cosine: of the query as weighed and centred
            mean, deviation = self._background(qvec)
            standout = ((sem - mean) / deviation).astype(np.float32)
            sem = sem / max(float(np.linalg.norm(qvec)), 1e-9)
        query_words = self._query_words(query)
        floor_words = self._floor_words(query)
        pairs = sum(is_cjk(w[0]) for w, _t, _weight in floor_words)
        spaced = len(query.split())
        sentence = len(floor_words) - pairs >= SENTENCE_WORDS or spaced >= SENTENCE_TOKENS or pairs >= SENTENCE_PAIRS
        phrase = spaced >= PHRASE_TOKENS
        hits = [
            self._hit(int(docs[i]), float(score[i]), float(lex[i]), float(sem[i]), query_words, qvec, readings)
            for i in order
        ]
        for hit, i in zip(hits, order, strict=True):
            hit.standout = round(float(standout[i]), 3)
            read = {reading.word for reading in hit.reasons.translated}
            hit.coverage = round(self._coverage(floor_words, int(docs[i]), read), 3)
            hit.literal = round(self._coverage(floor_words, int(docs[i]), set()), 3) if read else hit.coverage
            hit.sentence = sentence
            hit.phrase = phrase
        return hits

    def _known(self, tokens: list[str]) -> float:
        """The share of the query's distinct terms that occur in the index at all."""
        return len(self.lexical.term_ids(tokens)) / len(set(tokens)) if tokens else 0.0

    def _hit(
        self,
        doc: int,
        score: float,
        lex: float,
        sem: float,
        query_words: list[tuple[str, list[str], bool]],
        qvec: np.ndarray | None,
        readings: list[tuple[str, str, list[str]]] | None = None,
    ) -> Hit:
        reasons = Reasons(self._matched(query_words, doc) if lex > 0 else [], round(sem, 4))
        explained: set[str] = set()
        for word, read_as, terms in readings or []:
            # the first of a word's readings that the record uses ("الري" read as "irrigation")
            if word not in explained and self.lexical.matches(terms, doc):
                reasons.translated.append(Reading(word, read_as))
                explained.add(word)
        if qvec is not None and query_words:
            reasons._find_passage = lambda: self._passage(doc, qvec)
        return Hit(self.documents[doc].key, score, lex, sem, reasons)

    def _passage(self, doc: int, qvec: np.ndarray) -> str:
        """The embedded piece of the record (its other names, or a piece of its description)
        whose vector is closest to the query: what the similarity was measured on. Empty when
        that piece is the title alone, or when the index was built with another chunking."""
        document = self.documents[doc]
        texts = document.chunk_texts()
        vectors = self.chunk_vectors(doc)
        if len(texts) != len(vectors):
            return ""
        text = texts[int(np.argmax(vectors @ qvec))]
        if document.title:  # the title leads every piece (chunk_texts); the page shows it already
            text = text.removeprefix(f"{document.title}: ").removeprefix(f"{document.title}; ")
        return "" if text == document.title else text

    @staticmethod
    def _query_words(query: str) -> list[tuple[str, list[str], bool]]:
        """Each distinct word of the query with its index terms and whether it is CJK text:
        worked out once per query, not once per hit."""
        return [(word, tokenize(word), any(is_cjk(ch) for ch in word)) for word in dict.fromkeys(query.split())]

    def _matched(self, words: list[tuple[str, list[str], bool]], doc: int) -> list[str]:
        """The query words the record contains. Text without spaces (Chinese, Japanese) is
        reported by the character pairs it shares: a single shared character says little."""
        matched: list[str] = []
        for word, terms, cjk in words:
            if cjk:
                matched.extend(t for t in self.lexical.matches(terms, doc) if len(t) > 1 or len(word) == 1)
            elif terms and self.lexical.matches(terms, doc):
                matched.append(word.strip(".,;:!?()[]\"'«»“”„"))
        return matched

    def similar(
        self,
        key: str,
        k: int = 10,
        *,
        kinds: Iterable[str] | None = None,
        audiences: Iterable[str] | None = None,
    ) -> list[Hit]:
        """Documents that do what the given one does: the vectors of its description (not of
        its names: a name that looks alike is no evidence) and its keywords as the query,
        itself excluded, best first. Shared fields and countries are added to the reasons;
        ``reasons.semantic`` is kept only where the description's similarity stands out
        (``FLOOR_Z``). Empty for a record with neither description nor keywords."""
        position = self.positions.get(key)
        if position is None:
            return []
        source = self.documents[position]
        vectors = self.chunk_vectors(position)
        described = bool(chunks(" ".join([", ".join(source.keywords), source.text]).strip(), CHUNK_WORDS))
        vectors = vectors[1:] if described and source.names else vectors  # the names piece leads (chunk_texts)
        qvec = vectors.mean(axis=0) if described and len(vectors) else None
        if qvec is not None:
            qvec = qvec / max(float(np.linalg.norm(qvec)), 1e-9)
        tokens = tokenize(" ".join(source.keywords))
        if qvec is None and not tokens:
            return []
        mode = "hybrid" if qvec is not None and tokens else "semantic" if qvec is not None else "lexical"
        hits = self._rank(
            tokens, self._known(tokens), qvec, k, self._mask(kinds, audiences), mode,
            query=" ".join(source.keywords), exclude=position,
        )  # fmt: skip
        for hit in hits:
            other = self.documents[self.positions[hit.key]]
            hit.reasons.fields = sorted(set(source.fields) & set(other.fields))
            hit.reasons.countries = sorted(set(source.countries) & set(other.countries))
            hit.reasons.matched = [] if mode == "semantic" else hit.reasons.matched
            if hit.standout < FLOOR_Z:
                hit.reasons.semantic = 0.0
            hit.reasons.passage = ""  # the query is a whole record: no one piece of it is meant
        return hits

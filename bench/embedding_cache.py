"""A disk cache in front of the packaged model, so that re-running a benchmark does not embed
the same queries again (passages are cached by the engine's own index folder)."""

import hashlib
from pathlib import Path

import numpy as np

from silkbridge.matching.embedding import Embedder, OneModel, WordModel, get_embedder


class CachedQueries(OneModel):  # its query(): the cached vector, weighed as the engine would
    def __init__(self, path: Path, name: str = "default") -> None:
        self.inner: Embedder = get_embedder(name)
        self.name, self.dim = self.inner.name, self.inner.dim
        self.path = path.with_name(f"{path.stem}.{self.name}.npz")  # one file per model
        self.cache: dict[str, np.ndarray] = {}
        if self.path.exists():
            data = np.load(self.path)
            self.cache = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        if isinstance(self.inner, WordModel):  # the lexicon's word model (a few words a query: not cached)
            self.words, self.word_dim = self.inner.words, self.inner.word_dim

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

    def queries(self, texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if self._key(t) not in self.cache]
        for begin in range(0, len(missing), 64):
            part = missing[begin : begin + 64]
            for text, vector in zip(part, self.inner.queries(part), strict=True):
                self.cache[self._key(text)] = vector
        if missing:
            self.save()
        return np.array([self.cache[self._key(t)] for t in texts], dtype=np.float32).reshape(len(texts), self.dim)

    def passages(self, texts: list[str]) -> np.ndarray:
        return self.inner.passages(texts)

    def weigh(self, query: np.ndarray, foreign: float, centre: np.ndarray | None = None) -> np.ndarray:
        return self.inner.weigh(query, foreign, centre)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.cache)
        np.savez(self.path, keys=np.asarray(keys), vectors=np.array([self.cache[k] for k in keys], dtype=np.float32))

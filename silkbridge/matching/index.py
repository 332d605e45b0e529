"""The site's index: a built segment, rebuilt from the database now and then, plus a log of
updates applied on top of it, as search engines keep theirs (Lucene's segments and
deletions).

- **Updates.** A committed change to a searchable record queues its key only
  (``request_update``). The updater reads those records, embeds their texts (only those that
  changed), and writes one numbered update to ``deltas/`` under SILKBRIDGE_MATCHING_DIR:
  which records it replaces, their new documents and vectors, and the words the lexicon
  lacks. Every app server on the host applies new updates to the index it holds
  (``Engine.apply``: the old versions become tombstones, the new ones join a small added
  segment), checking at most once a second; no request waits for it.
- **Builds.** ``rebuild`` reads every record, reusing the vectors of unchanged texts, writes
  a new folder and switches the ``current`` pointer to it, so a reader never sees a
  half-written index. It runs on ``silkbridge reindex``, after bulk imports, when the
  embedder or the index format changed, and in the background when the added segment
  has grown past ``MERGE_SHARE`` of the built one (a merge). Updates numbered after the
  moment a build started reading are applied on top of it. Builds are serialised by a
  file lock of their own; writing an update takes another, held briefly.
"""

import fcntl
import json
import logging
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import close_old_connections, connections
from django_tasks import task

from silkbridge.matching.embedding import Embedder, WordModel, get_embedder
from silkbridge.matching.engine import Document, Engine, IncompatibleIndex, text_hash
from silkbridge.matching.lexicon import Lexicon
from silkbridge.matching.partners import CollaborationGraph, Participation
from silkbridge.matching.sources import all_documents, collaboration_rows, documents_for

# A merge (a build in the background) starts when the records updated since the build
# number more than this share of those it holds, and at least MERGE_MIN: searching the added
# segment is exact, so it must stay small.
MERGE_SHARE = 0.05
MERGE_MIN = 2000

Progress = Callable[[str], None]


@dataclass
class Loaded:
    folder: str
    engine: Engine
    graph: CollaborationGraph
    checked_at: float
    seq: int = 0  # the last update applied
    built_at: float = 0.0


_loaded: dict[Path, Loaded] = {}
_lock = threading.Lock()
_outdated: set[Path] = set()  # indexes of another embedder whose rebuild this process queued
log = logging.getLogger("silkbridge.matching")


def _embedder() -> Embedder:
    return get_embedder(settings.SILKBRIDGE_EMBEDDER, settings.SILKBRIDGE_EMBED_THREADS)


def _root() -> Path:
    return Path(settings.SILKBRIDGE_MATCHING_DIR)


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: object) -> None:
    """Write atomically: readers see the old file or the new one, never a part."""
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False))
    temporary.replace(path)


def _pointer() -> dict | None:
    return _read_json(_root() / "current")


def _deltas() -> Path:
    return _root() / "deltas"


def updates_written() -> int:
    """The number of the last update written (0 before the first)."""
    return _last_seq()


def _last_seq() -> int:
    try:
        return int((_deltas() / "last").read_text())
    except (OSError, ValueError):
        return 0


@contextmanager
def _file_lock(name: str, *, wait: bool = True) -> Iterator[bool]:
    """An exclusive lock shared by every process on the host; yields False when ``wait`` is
    off and another holds it."""
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / name).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True


def built_at() -> float:
    """When the current build started reading the database (0 when there is none)."""
    pointer = _pointer()
    return float(pointer["built_at"]) if pointer else 0.0


def _graph(path: Path) -> CollaborationGraph:
    with path.open() as source:
        rows = json.load(source)
    return CollaborationGraph(Participation(p, o, c, date.fromisoformat(s) if s else None) for p, o, c, s in rows)


def _collaboration_json() -> str:
    return json.dumps([[p, o, c, s.isoformat() if s else ""] for p, o, c, s in collaboration_rows()])


def _empty() -> Loaded:
    embedder = _embedder()
    return Loaded("", Engine.build([], embedder), CollaborationGraph([]), time.monotonic())


def current(*, fresh: bool = False) -> Loaded:
    """The index this process searches, with the updates written since applied; reloaded when
    another process switched to a new build (at most once a second, or now with ``fresh``).
    When there is none yet it is built: right away where tasks run in the request (the
    embedded default), else by a worker (queued once per process), searching an empty index
    meanwhile."""
    root = _root()
    with _lock:
        loaded = _loaded.get(root)
        now = time.monotonic()
        if loaded and not fresh and now - loaded.checked_at < 1.0:
            return loaded
        pointer = _pointer()
        if pointer is None and loaded is None:
            request_refresh(time.time())
            pointer = _pointer()
        if pointer is None:
            loaded = _loaded[root] = _empty()
        elif loaded is not None and loaded.folder and loaded.folder != pointer["folder"] and _requests is not None:
            _load_in_background(root, pointer)  # an app server goes on searching what it has meanwhile
        elif loaded is None or loaded.folder != pointer["folder"]:
            try:
                loaded = _loaded[root] = _load(root, pointer)
            except IncompatibleIndex:
                loaded = _loaded[root] = _replace_outdated(root, pointer, loaded)
        if loaded.folder:
            _catch_up(loaded)
        loaded.checked_at = now
        return loaded


def _replace_outdated(root: Path, pointer: dict, loaded: Loaded | None) -> Loaded:
    """The index the pointer names was made by another embedder or format (the code was
    upgraded): it is rebuilt as if there were none, right away where tasks run in the
    request, else by a worker (queued once per process); meanwhile this process searches
    what it had loaded, or an empty index."""
    outdated = root / pointer["folder"]
    if outdated not in _outdated:
        _outdated.add(outdated)
        request_refresh(time.time())
        replaced = _pointer()
        if replaced and replaced["folder"] != pointer["folder"]:
            return _load(root, replaced)
    return loaded or _empty()


def _load(root: Path, pointer: dict) -> Loaded:
    """Load the build the pointer names; if a newer build removed it meanwhile, the one that
    replaced it."""
    for _attempt in range(3):
        folder = pointer["folder"]
        try:
            engine = Engine.load(root / folder, _embedder(), settings.SILKBRIDGE_ANN_THRESHOLD)
            graph = _graph(root / folder / "participations.json")
            return Loaded(folder, engine, graph, time.monotonic(), int(pointer.get("seq", 0)), pointer["built_at"])
        except FileNotFoundError:
            pointer = _pointer() or pointer
    raise RuntimeError(f"the search index under {root} keeps changing; is a rebuild looping?")


_loading: set[str] = set()  # builds this process is loading in the background (or could not)


def _load_in_background(root: Path, pointer: dict) -> None:
    """Load a new build on a thread of its own, with the updates since, then switch to it:
    a build of a large site takes seconds to load, which no request should wait for."""
    folder = pointer["folder"]
    if folder in _loading:
        return
    _loading.add(folder)

    def load() -> None:
        try:
            fresh = _load(root, pointer)
            with _lock:
                _catch_up(fresh)
                _loaded[root] = fresh
            _loading.discard(folder)
        except Exception:  # another format (a newer release built it): not tried again
            log.exception("loading the search index %s failed", folder)

    threading.Thread(target=load, name="index-load", daemon=True).start()


def _catch_up(loaded: Loaded) -> None:
    """Apply the updates written since ``loaded.seq``, in order."""
    last = _last_seq()
    for seq in range(loaded.seq + 1, last + 1):
        delta = _read_json(_deltas() / f"{seq:010d}.json")
        if delta is None:  # removed by a build that already holds it
            continue
        try:
            arrays = np.load(_deltas() / f"{seq:010d}.npz")
            loaded.engine = loaded.engine.applied(
                delta["keys"],
                [Document(**d) for d in delta["documents"]],
                arrays["vectors"],
                arrays["starts"],
                [str(h) for h in arrays["hashes"]],
                [str(w) for w in arrays["words"]],
                arrays["word_vectors"],
            )
            if delta.get("graph"):
                loaded.graph = _graph(_deltas() / f"{seq:010d}.graph.json")
        except FileNotFoundError:
            continue
        loaded.seq = seq


def _throttled(progress: Progress) -> Callable[[int, int], None]:
    """Embedding progress at most every five seconds, and at the end."""
    last = 0.0

    def report(done: int, total: int) -> None:
        nonlocal last
        if done == total or time.monotonic() - last >= 5:
            last = time.monotonic()
            progress(f"embedded {done}/{total} new or changed texts")

    return report


def _known_vectors(root: Path, pointer: dict | None, embedder: Embedder) -> dict[str, np.ndarray]:
    """The vectors a build may reuse: those of the current build and of the updates since."""
    if pointer is None:
        return {}
    known = Engine.saved_vectors(root / pointer["folder"], embedder)
    if known:
        for path in sorted(_deltas().glob("*.npz")):
            try:
                arrays = np.load(path)
                known.update(zip((str(h) for h in arrays["hashes"]), arrays["vectors"], strict=True))
            except (OSError, ValueError, KeyError):
                continue
    return known


def rebuild(
    progress: Progress | None = None,
    *,
    requested_at: float | None = None,
    fresh: bool = False,
    known: dict[str, np.ndarray] | None = None,
) -> bool:
    """Build the index anew from the database and switch to it. With ``requested_at``, does
    nothing (returns False) when the current build started after that moment: it already
    holds every change committed before it. ``fresh`` embeds every text again; ``known``:
    more vectors to reuse (by text hash, ``Engine.build``; benchmarks)."""
    root = _root()
    with _file_lock(".build"):
        if requested_at is not None and built_at() > requested_at:
            return False
        started = time.time()
        seq = _last_seq()  # the updates written so far are in what is read now
        embedder = _embedder()
        pointer = _pointer()
        known = {**(_known_vectors(root, pointer, embedder) if not fresh else {}), **(known or {})}
        documents = list(all_documents())
        if progress:
            progress(f"{len(documents)} records read")
        report = _throttled(progress) if progress else None
        engine = Engine.build(
            documents, embedder, known=known, progress=report, ann_threshold=settings.SILKBRIDGE_ANN_THRESHOLD
        )
        folder = f"index-{int(started * 1000)}"
        engine.save(root / folder)
        (root / folder / "participations.json").write_text(_collaboration_json())
        with _file_lock(".lock"):
            _write_json(root / "current", {"folder": folder, "built_at": started, "seq": seq})
        _loaded.pop(root, None)  # this process sees the new build at once, others within a second
        for old in root.glob("index-*"):
            if old.name != folder and (pointer is None or old.name != pointer["folder"]):
                shutil.rmtree(old, ignore_errors=True)
        for path in _deltas().glob("0*"):  # updates the new build holds
            if int(path.name.split(".")[0]) <= seq:
                path.unlink(missing_ok=True)
        if progress:
            progress(f"index {folder}: {len(documents)} records, {len(engine.vectors.vectors)} vectors")
        return True


def update(keys: list[str], *, graph: bool = False) -> int:
    """Bring the records ``keys`` ("organisation:42") up to date in the index, without
    rebuilding the rest: write one update and apply it here (other processes apply it within
    a second). Only their texts that changed are embedded. Builds the index when there is none.
    Returns the update's number (0 when a build did it)."""
    if _pointer() is None:
        rebuild()
        return 0
    with _file_lock(".lock"):
        loaded = current(fresh=True)
        if not loaded.folder:  # no usable build (another embedder's): a build does it
            return 0
        engine = loaded.engine
        documents = list(documents_for(keys))
        texts: list[str] = []
        starts = [0]
        for doc in documents:
            texts.extend(doc.chunk_texts())
            starts.append(len(texts))
        hashes = [text_hash(t) for t in texts]
        known: dict[str, np.ndarray] = {}
        for key in keys:  # the vectors of the versions replaced, for the texts that did not change
            position = engine.positions.get(key)
            if position is not None:
                known.update(zip(engine.chunk_hashes_of(position), engine.chunk_vectors(position), strict=False))
        embedder = engine.embedder
        vectors = np.zeros((len(texts), embedder.dim), dtype=np.float32)
        todo = [i for i, h in enumerate(hashes) if h not in known]
        for i, h in enumerate(hashes):
            if h in known:
                vectors[i] = known[h]
        if todo:
            vectors[todo] = embedder.passages([texts[i] for i in todo])
        words: list[str] = []
        word_vectors = np.zeros((0, 1), dtype=np.float32)
        if engine.lexicon is not None and isinstance(embedder, WordModel):
            vocabulary = Lexicon.vocabulary(doc.lexical_text() for doc in documents)
            words = [w for w in vocabulary if not engine.lexicon.knows(w)]
            if words:
                word_vectors = embedder.words(words)
        seq = _last_seq() + 1
        _deltas().mkdir(exist_ok=True)
        name = _deltas() / f"{seq:010d}"
        with open(f"{name}.npz", "wb") as out:
            np.savez(out, vectors=vectors, starts=np.asarray(starts), hashes=np.asarray(hashes, dtype=str),
                     words=np.asarray(words, dtype=str), word_vectors=word_vectors)  # fmt: skip
        if graph:
            Path(f"{name}.graph.json").write_text(_collaboration_json())
        _write_json(Path(f"{name}.json"), {"keys": keys, "documents": [asdict(d) for d in documents], "graph": graph})
        (_deltas() / "last.tmp").write_text(str(seq))
        (_deltas() / "last.tmp").replace(_deltas() / "last")
        with _lock:
            _catch_up(loaded)
        merge = _needs_merge(loaded.engine)
    if merge:
        request_merge()
    return seq


def _needs_merge(engine: Engine) -> bool:
    """Whether the records changed since the build (added or removed) have grown past
    ``MERGE_SHARE`` of it, and ``MERGE_MIN``."""
    removed = engine.built - int(engine.alive[: engine.built].sum()) if engine.alive is not None else 0
    return len(engine.added) + removed > max(MERGE_MIN, MERGE_SHARE * engine.built)


@task()
def refresh_index(requested_at: float) -> bool:
    """Build the index anew, holding every change committed before ``requested_at``; a no-op
    when a newer build already does (many requests cost one build)."""
    return rebuild(requested_at=requested_at)


@task()
def update_index(keys: list[str], graph: bool = False) -> int:
    """Bring these records up to date in the index (``update``)."""
    return update(keys, graph=graph)


@task()
def merge_index() -> bool:
    """A build in the background, unless another is running or one already merged."""
    if not _needs_merge(current(fresh=True).engine):
        return False
    with _file_lock(".merging", wait=False) as mine:
        return bool(mine) and rebuild()


# Where tasks run in the process that queues them (the embedded default), an app server runs
# updates and builds on a thread of its own (``start_background``, from gunicorn.conf.py), and
# merges on another, so the request that saved a record never waits for the index, and an
# update never waits for a merge. Tests and commands have none and update in place.
_requests: "queue.Queue[tuple[str, Any]] | None" = None
_merging = threading.Lock()


def _in_place() -> bool:
    return "Immediate" in settings.TASKS["default"]["BACKEND"]


def start_background() -> None:
    """Start this process's index thread (once); ``request_update`` hands it the work."""
    global _requests
    if _requests is None:
        _requests = queue.Queue()
        threading.Thread(target=_index_forever, args=(_requests,), name="index-updates", daemon=True).start()


def background_started() -> bool:
    return _requests is not None


def request_update(keys: list[str], *, graph: bool = False) -> None:
    """Queue an update of these records: on this process's index thread where it has one and
    tasks run in place, else as a task (a worker's, or in place)."""
    if _requests is not None and _in_place():
        _requests.put(("update", (keys, graph)))
    else:
        update_index.enqueue(keys, graph)


def request_refresh(requested_at: float) -> None:
    """Queue a build of the whole index, like ``request_update``."""
    if _requests is not None and _in_place():
        _requests.put(("build", requested_at))
    else:
        refresh_index.enqueue(requested_at)


def request_merge() -> None:
    """Merge in the background: on a thread of this process where tasks run in place and it
    serves requests, else as a task."""
    if _requests is None or not _in_place():
        merge_index.enqueue()
    elif _merging.acquire(blocking=False):

        def merge() -> None:
            try:
                close_old_connections()
                merge_index.call()
            except Exception:
                log.exception("search index merge failed")
            finally:
                connections.close_all()
                _merging.release()

        threading.Thread(target=merge, name="index-merge", daemon=True).start()


def stop_background() -> None:
    """Finish what is queued and stop the index thread (tests)."""
    global _requests
    if _requests is not None:
        requests, _requests = _requests, None
        requests.put(("stop", None))
        requests.join()


def wait_background() -> None:
    """Return when the index thread has done everything queued so far (tests, benchmarks)."""
    if _requests is not None:
        _requests.join()


def _index_forever(requests: "queue.Queue[tuple[str, Any]]") -> None:
    """Do what is waiting, together: one update for every record queued, one build for the
    newest build request."""
    while True:
        waiting = [requests.get()]
        while not requests.empty():
            waiting.append(requests.get_nowait())
        builds: list[float] = [arg for what, arg in waiting if what == "build"]
        updates: list[tuple[list[str], bool]] = [arg for what, arg in waiting if what == "update"]
        try:
            close_old_connections()
            if builds:
                rebuild(requested_at=max(builds))
            if updates:
                keys = sorted({key for batch, _graph in updates for key in batch})
                update(keys, graph=any(graph for _keys, graph in updates))
        except Exception:  # the thread must outlive a failed update; the next change retries
            log.exception("search index update failed")
        finally:
            connections.close_all()
            for _ in waiting:
                requests.task_done()
        if any(what == "stop" for what, _arg in waiting):
            return


def warm() -> float:
    """Load the models and the index and run one search through them (the models' sessions,
    the lexicon, the tokenisers' caches), so that a fresh app server's first search is as fast
    as the next. Returns the seconds it took. Called when a worker starts (``gunicorn.conf.py``)."""
    started = time.monotonic()
    loaded = current()
    engine = loaded.engine
    # a foreign word too, so the word model and the lexicon are loaded and used once
    for query in ("warm", "تسخين 预热"):
        engine.search(query, 10)
    first = next(engine.live_documents(), None)
    if first is not None:
        engine.similar(first.key, 5)
    if loaded.graph.ids:
        loaded.graph.recommend(loaded.graph.ids[0], 5)
    return time.monotonic() - started

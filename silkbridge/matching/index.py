"""The site's index: built from the database into a new folder under
SILKBRIDGE_MATCHING_DIR, then switched to by rewriting the ``current`` pointer file, so every
app server on the host picks it up on its next search (it checks the pointer at most once a
second) and a reader never sees a half-written index.

Rebuilds reuse the vectors of texts that did not change, so after the first build only
edited records are embedded again. Concurrent rebuilds are serialised by a file lock.
"""

import fcntl
import json
import logging
import queue
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections
from django_tasks import task

from silkbridge.matching.embedding import Embedder, get_embedder
from silkbridge.matching.engine import Engine, IncompatibleIndex
from silkbridge.matching.partners import CollaborationGraph, Participation
from silkbridge.matching.sources import all_documents, collaboration_rows

Progress = Callable[[str], None]


@dataclass
class Loaded:
    folder: str
    engine: Engine
    graph: CollaborationGraph
    checked_at: float


_loaded: dict[Path, Loaded] = {}
_lock = threading.Lock()
_outdated: set[Path] = set()  # indexes of another embedder whose rebuild this process queued


def _embedder() -> Embedder:
    return get_embedder(settings.SILKBRIDGE_EMBEDDER, settings.SILKBRIDGE_EMBED_THREADS)


def _root() -> Path:
    return Path(settings.SILKBRIDGE_MATCHING_DIR)


def _pointer() -> dict | None:
    try:
        return json.loads((_root() / "current").read_text())
    except (OSError, ValueError):
        return None


def built_at() -> float:
    """When the current index started reading the database (0 when there is none)."""
    pointer = _pointer()
    return float(pointer["built_at"]) if pointer else 0.0


def _graph(root: Path, folder: str) -> CollaborationGraph:
    with (root / folder / "participations.json").open() as source:
        rows = json.load(source)
    return CollaborationGraph(Participation(p, o, c, date.fromisoformat(s) if s else None) for p, o, c, s in rows)


def _empty() -> Loaded:
    embedder = _embedder()
    return Loaded("", Engine.build([], embedder), CollaborationGraph([]), time.monotonic())


def current() -> Loaded:
    """The index this process searches, (re)loaded when another process switched it. When
    there is none yet it is built: right away where tasks run in the request (the embedded
    default), else by a worker (queued once per process), searching an empty index meanwhile."""
    root = _root()
    with _lock:
        loaded = _loaded.get(root)
        now = time.monotonic()
        if loaded and now - loaded.checked_at < 1.0:
            return loaded
        pointer = _pointer()
        if pointer is None and loaded is None:
            request_refresh(time.time())
            pointer = _pointer()
        if pointer is None:
            loaded = _loaded[root] = _empty()
        elif loaded is None or loaded.folder != pointer["folder"]:
            try:
                loaded = _loaded[root] = _load(root, pointer)
            except IncompatibleIndex:
                loaded = _loaded[root] = _replace_outdated(root, pointer, loaded)
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
    """Load the index the pointer names; if a newer rebuild removed it meanwhile, the one
    that replaced it."""
    for _attempt in range(3):
        folder = pointer["folder"]
        try:
            engine = Engine.load(root / folder, _embedder(), settings.SILKBRIDGE_ANN_THRESHOLD)
            return Loaded(folder, engine, _graph(root, folder), time.monotonic())
        except FileNotFoundError:
            pointer = _pointer() or pointer
    raise RuntimeError(f"the search index under {root} keeps changing; is a rebuild looping?")


def _throttled(progress: Progress) -> Callable[[int, int], None]:
    """Embedding progress at most every five seconds, and at the end."""
    last = 0.0

    def report(done: int, total: int) -> None:
        nonlocal last
        if done == total or time.monotonic() - last >= 5:
            last = time.monotonic()
            progress(f"embedded {done}/{total} new or changed texts")

    return report


def rebuild(progress: Progress | None = None, *, requested_at: float | None = None, fresh: bool = False) -> bool:
    """Build a fresh index from the database and switch to it. With ``requested_at``, does
    nothing (returns False) when the current index started after that moment: it already
    holds every change committed before it. ``fresh`` embeds every text again."""
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if requested_at is not None and built_at() > requested_at:
            return False
        started = time.time()
        embedder = _embedder()
        pointer = _pointer()
        known = Engine.saved_vectors(root / pointer["folder"], embedder) if pointer and not fresh else None
        documents = list(all_documents())
        if progress:
            progress(f"{len(documents)} records read")
        report = _throttled(progress) if progress else None
        engine = Engine.build(
            documents, embedder, known=known, progress=report, ann_threshold=settings.SILKBRIDGE_ANN_THRESHOLD
        )
        folder = f"index-{int(started * 1000)}"
        engine.save(root / folder)
        rows = [[p, o, c, s.isoformat() if s else ""] for p, o, c, s in collaboration_rows()]
        (root / folder / "participations.json").write_text(json.dumps(rows))
        temporary = root / "current.tmp"
        temporary.write_text(json.dumps({"folder": folder, "built_at": started}))
        temporary.replace(root / "current")
        _loaded.pop(root, None)  # this process sees the new index at once, others within a second
        for old in root.glob("index-*"):
            if old.name != folder and (pointer is None or old.name != pointer["folder"]):
                shutil.rmtree(old, ignore_errors=True)
        if progress:
            progress(f"index {folder}: {len(documents)} records, {len(engine.vectors.vectors)} vectors")
        return True


@task()
def refresh_index(requested_at: float) -> bool:
    """Bring the index up to date with every change committed before ``requested_at``;
    a no-op when a newer rebuild already did (many edits cost one rebuild)."""
    return rebuild(requested_at=requested_at)


# Where tasks run in the process that queues them (the embedded default), an app server runs
# refreshes on a thread of its own (``start_background``, from gunicorn.conf.py), so the
# request that saved a record never waits for the index. Tests and commands have none and
# refresh in place.
_requests: "queue.Queue[float] | None" = None
log = logging.getLogger("silkbridge.matching")


def start_background() -> None:
    """Start this process's refresh thread (once); ``request_refresh`` hands it requests."""
    global _requests
    if _requests is None:
        _requests = queue.Queue()
        threading.Thread(target=_refresh_forever, args=(_requests,), name="index-refresh", daemon=True).start()


def background_started() -> bool:
    return _requests is not None


def request_refresh(requested_at: float) -> None:
    """Queue a refresh: on this process's refresh thread where it has one and tasks run in
    place, else as a task (a worker's, or in place)."""
    if _requests is not None and "Immediate" in settings.TASKS["default"]["BACKEND"]:
        _requests.put(requested_at)
    else:
        refresh_index.enqueue(requested_at)


def stop_background() -> None:
    """Finish what is queued and stop the refresh thread (tests)."""
    global _requests
    if _requests is not None:
        requests, _requests = _requests, None
        requests.put(_STOP)
        requests.join()


_STOP = -1.0


def wait_background() -> None:
    """Return when the refresh thread has done everything queued so far (tests, benchmarks)."""
    if _requests is not None:
        _requests.join()


def _refresh_forever(requests: "queue.Queue[float]") -> None:
    """Refresh for the newest request waiting; those it covers are done at the same time."""
    while True:
        waiting = [requests.get()]
        while not requests.empty():
            waiting.append(requests.get_nowait())
        newest, taken = max(waiting), len(waiting)
        if _STOP in waiting:
            newest = max([w for w in waiting if w != _STOP], default=_STOP)
        try:
            close_old_connections()
            if newest != _STOP:
                rebuild(requested_at=newest)
        except Exception:  # the thread must outlive a failed refresh; the next edit retries
            log.exception("search index refresh failed")
        finally:
            connections.close_all()
            for _ in range(taken):
                requests.task_done()
        if _STOP in waiting:
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
    if engine.documents:
        engine.similar(engine.documents[0].key, 5)
    if loaded.graph.ids:
        loaded.graph.recommend(loaded.graph.ids[0], 5)
    return time.monotonic() - started

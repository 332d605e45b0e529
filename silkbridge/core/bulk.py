"""Bulk writes (imports, demo data): per-record reactions pause while they run, and one
reaction follows at the end.

Apps that react to changes (the search index) check ``is_paused()`` before reacting to a
single save, and listen to ``bulk_finished`` to catch up once. ``core`` knows none of them.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.dispatch import Signal

_state = threading.local()

# Sent after bulk writes, with ``command``: the management command that made them (receivers
# may write progress to its ``stdout``), or None for other bulk work (a background import).
bulk_finished = Signal()


def is_paused() -> bool:
    return bool(getattr(_state, "paused", 0))


@contextmanager
def paused() -> Iterator[None]:
    """No per-record reactions in this thread while the block runs (nestable)."""
    _state.paused = getattr(_state, "paused", 0) + 1
    try:
        yield
    finally:
        _state.paused -= 1


@contextmanager
def bulk_writes(command: Any = None) -> Iterator[None]:
    """Runs the block paused, then (unless it raised) sends ``bulk_finished`` once."""
    with paused():
        yield
    bulk_finished.send(sender=type(command), command=command)


def bulk(handle: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for a bulk command's handle(): runs it as ``bulk_writes``."""

    @wraps(handle)
    def wrapper(command: Any, *args: Any, **kwargs: Any) -> Any:
        with bulk_writes(command):
            return handle(command, *args, **kwargs)

    return wrapper

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

# Sent after a bulk command's handle() returned, with ``command`` (the management command,
# whose ``stdout`` receivers may write progress to).
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


def bulk(handle: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for a bulk command's handle(): runs it paused, then sends ``bulk_finished``."""

    @wraps(handle)
    def wrapper(command: Any, *args: Any, **kwargs: Any) -> Any:
        with paused():
            result = handle(command, *args, **kwargs)
        bulk_finished.send(sender=type(command), command=command)
        return result

    return wrapper

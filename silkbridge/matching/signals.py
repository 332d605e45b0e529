"""Keep the index fresh: any committed change to a searchable record, or to who worked with
whom, queues one index refresh after the transaction commits."""

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from silkbridge.cooperation.models import Partnership, Project
from silkbridge.registry.models import Expert, Organisation

_state = threading.local()


def schedule_refresh(**_: Any) -> None:
    """Queue a refresh once the current transaction commits. The moment is taken now, inside
    the transaction, so that one rebuild after the commit satisfies every change in it."""
    if getattr(_state, "paused", 0):
        return
    requested_at = time.time()

    def enqueue() -> None:
        from silkbridge.matching.tasks import refresh_index

        refresh_index.enqueue(requested_at)

    transaction.on_commit(enqueue)


@contextmanager
def paused() -> Iterator[None]:
    """No refresh per record while bulk writes (imports, demo data) run."""
    _state.paused = getattr(_state, "paused", 0) + 1
    try:
        yield
    finally:
        _state.paused -= 1


def bulk(handle: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for a bulk command's handle(): runs it with refreshes paused, then refreshes
    the index once: right there, with progress, where tasks run immediately; else queued."""

    @wraps(handle)
    def wrapper(command: Any, *args: Any, **kwargs: Any) -> Any:
        with paused():
            result = handle(command, *args, **kwargs)
        if "Immediate" in settings.TASKS["default"]["BACKEND"]:
            from silkbridge.matching import index
            from silkbridge.matching.embedding import get_embedder

            get_embedder(settings.SILKBRIDGE_EMBEDDER, os.cpu_count())  # a command, not an app server: every core
            command.stdout.write("Refreshing the search index (new and changed records are embedded)…")
            index.rebuild(lambda line: command.stdout.write(f"  {line}"))
        else:
            schedule_refresh()
            command.stdout.write("Search index refresh queued for the background workers.")
        return result

    return wrapper


def connect() -> None:
    for model in (Organisation, Expert, Project, Partnership):
        post_save.connect(schedule_refresh, sender=model, dispatch_uid=f"matching-save-{model.__name__}")
        post_delete.connect(schedule_refresh, sender=model, dispatch_uid=f"matching-delete-{model.__name__}")
    for through in (Organisation.fields.through, Expert.fields.through, Project.fields.through):
        m2m_changed.connect(schedule_refresh, sender=through, dispatch_uid=f"matching-m2m-{through.__name__}")

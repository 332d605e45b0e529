"""Keep the index fresh: a committed change to a searchable record, or to who worked with
whom, queues an update of the records it alters once the transaction commits (``index``);
which models count, and which records a change of theirs alters, is what the domain apps
registered (``sources``)."""

import os
import time
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save

from silkbridge.core import bulk
from silkbridge.matching import index, sources
from silkbridge.matching.embedding import get_embedder


def schedule_refresh(**_: Any) -> None:
    """Queue a build of the whole index once the current transaction commits. The moment is
    taken now, inside the transaction, so that one build after the commit satisfies every
    change in it."""
    if bulk.is_paused():
        return
    requested_at = time.time()

    transaction.on_commit(lambda: index.request_refresh(requested_at))


def record_changed(
    instance: Model, model: type[Model] | None = None, pk_set: set[Any] | None = None, action: str = "", **_: Any
) -> None:
    """Queue an update of the records a saved, deleted or re-linked ``instance`` alters, once
    the transaction commits (nothing when it rolls back)."""
    if bulk.is_paused() or action.startswith("pre_"):
        return
    keys = sources.changed_keys(instance, model, pk_set or ())
    graph = sources.changes_collaboration(instance)
    if keys or graph:
        transaction.on_commit(lambda: index.request_update(keys, graph=graph))


def refresh_after_bulk(command: Any, **_: Any) -> None:
    """After bulk writes, refresh the index once. After a command: right there, with
    progress, where tasks run immediately; else queued for the workers. After other bulk
    work: queued like any change."""
    if command is None:
        with transaction.atomic():
            schedule_refresh()
    elif "Immediate" in settings.TASKS["default"]["BACKEND"]:
        get_embedder(settings.SILKBRIDGE_EMBEDDER, os.cpu_count())  # a command, not an app server: every core
        command.stdout.write("Refreshing the search index (new and changed records are embedded)…")
        index.rebuild(lambda line: command.stdout.write(f"  {line}"))
    else:
        schedule_refresh()
        command.stdout.write("Search index refresh queued for the background workers.")


def _connect(models: tuple[type[Model], ...], m2m: tuple[Any, ...]) -> None:
    for model in models:
        post_save.connect(record_changed, sender=model, dispatch_uid=f"matching-save-{model._meta.label}")
        post_delete.connect(record_changed, sender=model, dispatch_uid=f"matching-delete-{model._meta.label}")
    for relation in m2m:
        through = relation.through
        m2m_changed.connect(record_changed, sender=through, dispatch_uid=f"matching-m2m-{through._meta.label}")


def _on_registered(models: tuple[type[Model], ...], m2m: tuple[Any, ...], **_: Any) -> None:
    _connect(models, m2m)


def connect() -> None:
    """Watch what was registered before this app was ready, and whatever is registered later."""
    for models, m2m in sources.watched():
        _connect(models, m2m)
    sources.registered.connect(_on_registered, dispatch_uid="matching-registered")
    bulk.bulk_finished.connect(refresh_after_bulk, dispatch_uid="matching-after-bulk")

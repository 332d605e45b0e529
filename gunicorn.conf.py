"""Gunicorn settings for `make run` and deployments (gunicorn reads ./gunicorn.conf.py by
default; `--config` names it explicitly). Each worker loads the search models and the index
before it accepts its first request, so the first search it serves is as fast as the next,
and refreshes the index on a thread of its own, so a request that saves a record does not
wait for it (with SILKBRIDGE_TASKS=database the workers of `silkbridge db_worker` do)."""

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Runs in each worker once the application is loaded, before it accepts connections."""
    from silkbridge.matching import index

    index.start_background()  # index refreshes off the request path, in this worker
    seconds = index.warm()
    worker.log.info("Worker %s: search models and index loaded in %.1f s", worker.pid, seconds)

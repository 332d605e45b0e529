"""Gunicorn settings for `make run` and deployments (gunicorn reads ./gunicorn.conf.py by
default; `--config` names it explicitly). Each worker loads the search models and the index
before it accepts its first request, so the first search it serves is as fast as the next."""

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Runs in each worker once the application is loaded, before it accepts connections."""
    from silkbridge.matching import index

    seconds = index.warm()
    worker.log.info("Worker %s: search models and index loaded in %.1f s", worker.pid, seconds)

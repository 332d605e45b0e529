"""Gunicorn settings for `make run` and deployments (gunicorn reads ./gunicorn.conf.py by
default; `--config` names it explicitly). Each worker loads the search models and the index
before it accepts its first request, and serves one search page to itself (URL routes,
templates, translations, the database connection), so the first search it serves is as fast
as the next. It refreshes the index on a thread of its own, so a request that saves a record
does not wait for it (with SILKBRIDGE_TASKS=database the `silkbridge db_worker` processes do)."""

import io
import sys
from typing import Any

# A search that finds nothing (the relevance floor), so that the warm-up counts no exposure
WARM_UP_QUERY = "q=zqxjvkw"


def _serve_to_itself(application: Any, path: str, query: str) -> int:
    """Run one GET request through the WSGI application; its status code."""
    from django.conf import settings

    host = next((h for h in settings.ALLOWED_HOSTS if h not in ("*", "") and not h.startswith(".")), "localhost")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": host,
        "SERVER_PORT": "443" if settings.SECURE_SSL_REDIRECT else "80", "HTTP_HOST": host,
        "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.version": (1, 0), "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "https" if settings.SECURE_SSL_REDIRECT else "http", "wsgi.multithread": False,
        "wsgi.multiprocess": True, "wsgi.run_once": False,
    }  # fmt: skip
    status: list[str] = []
    body = application(environ, lambda code, headers, *_: status.append(code))
    for _chunk in body:
        pass
    if hasattr(body, "close"):
        body.close()
    return int(status[0].split()[0]) if status else 0


def post_worker_init(worker: Any) -> None:
    """Runs in each worker once the application is loaded, before it accepts connections."""
    import time

    from silkbridge.matching import index

    started = time.monotonic()
    index.start_background()  # index refreshes off the request path, in this worker
    index.warm()
    status = _serve_to_itself(worker.wsgi, "/en/search/", WARM_UP_QUERY)
    worker.log.info(
        "Worker %s: search models and index loaded in %.1f s (warm-up search: %s)",
        worker.pid, time.monotonic() - started, status,
    )  # fmt: skip

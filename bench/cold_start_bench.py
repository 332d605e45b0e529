"""Cold-start benchmark: the first search and the first organisation page served by a
freshly started gunicorn worker. Target: the first search under 500 ms.

1. Seeds a SQLite database of its own under var/bench/ with the demo data (as `make run`)
   and builds its search index (`silkbridge reindex`), once.
2. Starts gunicorn with one worker, as `make run` does (`--config gunicorn.conf.py`, whose
   ``post_worker_init`` loads the models and the index), waits until the worker is ready,
   then times its first search, its first organisation page, and the next five of each.
3. Does the same with an empty gunicorn configuration (no warm-up), for comparison.

Run: .venv/bin/python bench/cold_start_bench.py [--skip-seed]
"""

import argparse
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench" / "cold-start"
PORT = 8766
TARGET_MS = 500
SEARCHES = ["drip irrigation", "水稻育种", "énergie solaire", "малярия", "الري بالتنقيط", "soil science"]


def silkbridge(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "silkbridge", *args], check=True, env=env, cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:  # loopback only
        response.read()
    return (time.perf_counter() - started) * 1000


def serve_and_time(config: str, env: dict[str, str], org_ids: list[str]) -> tuple[list[float], list[float], float]:
    """Start one worker, wait until it answers, return the times of its searches and
    organisation pages (first first) and the seconds from start to ready."""
    started = time.monotonic()
    log = BENCH_DIR / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "silkbridge.wsgi:application", "--config", config,
             "--bind", f"127.0.0.1:{PORT}", "--workers", "1", "--error-logfile", "-"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        while "Booting worker" not in log.read_text() or (
            config != "/dev/null" and "search models and index loaded" not in log.read_text()
        ):
            if server.poll() is not None or time.monotonic() - started > 600:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.05)
        ready = time.monotonic() - started
        base = f"http://127.0.0.1:{PORT}"
        searches = [fetch(f"{base}/en/search/?q={urllib.parse.quote(q)}") for q in SEARCHES]
        pages = [fetch(f"{base}/en/organisations/{pk}/") for pk in org_ids]
        return searches, pages, ready
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-seed", action="store_true", help="reuse the database and index of the last run")
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{BENCH_DIR / 'demo.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "silkbridge.settings",
        "SILKBRIDGE_MATCHING_DIR": str(BENCH_DIR / "matching"),
    }
    if not args.skip_seed:
        silkbridge("migrate", "--noinput", "-v0", env=env)
        silkbridge("seed-demo", "--if-empty", env=env)
        silkbridge("reindex", env=env)
        silkbridge("collectstatic", "--noinput", "-v0", env=env)
    code = (
        "from silkbridge.registry.models import Organisation as O; print(*O.objects.values_list('pk', flat=True)[:6])"
    )
    org_ids = silkbridge("shell", "-c", code, env=env).split()[-6:]
    ok = True
    print(f"{'gunicorn, one fresh worker':34} {'ready s':>8} {'1st search':>11} {'next (max)':>11} "
          f"{'1st org page':>13} {'next (max)':>11}")  # fmt: skip
    for label, config in (("make run (warm-up on start)", "gunicorn.conf.py"), ("no warm-up", "/dev/null")):
        searches, pages, ready = serve_and_time(config, env, org_ids)
        print(f"{label:34} {ready:8.1f} {searches[0]:9.0f} ms {max(searches[1:]):8.0f} ms "
              f"{pages[0]:10.0f} ms {max(pages[1:]):8.0f} ms")  # fmt: skip
        if config == "gunicorn.conf.py":
            ok = searches[0] < TARGET_MS
    print(f"first search on a fresh worker (make run): target < {TARGET_MS} ms: {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

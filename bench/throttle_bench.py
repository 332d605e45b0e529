"""What the API's rate-limit counters cost per request: p50 and p95 of an API read in
process (Django's test client, no network), with the counters in a per-process memory
cache and in the database cache that several app servers share, on a fresh SQLite
database (or DATABASE_URL's, when set).

Run: .venv/bin/python bench/throttle_bench.py [--requests 300]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BACKENDS = {
    "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "database": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "silkbridge_cache"},
}
# High enough that no request is refused: the cost of counting is what is measured.
RATES = {"anonymous": "1000000/min", "token": "1000000/min", "search": "1000000/min"}


def measure(client: object, requests: int) -> tuple[float, float]:
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get("/api/v1/countries/KE")  # type: ignore[attr-defined]
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
    return statistics.median(times) * 1000, sorted(times)[int(requests * 0.95)] * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="silkbridge-throttle-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.update(DJANGO_SETTINGS_MODULE="silkbridge.settings", SILKBRIDGE_VAR_DIR=scratch)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from silkbridge.registry.reference import load_countries

    call_command("migrate", verbosity=0)
    load_countries()
    client = Client(HTTP_HOST="127.0.0.1")
    for run in (1, 2):
        for name, backend in BACKENDS.items():
            with override_settings(CACHES={"default": backend}, SILKBRIDGE_API_RATES=RATES):
                caches["default"].clear()
                p50, p95 = measure(client, args.requests)
                print(f"run {run}  counters in {name:8s}  p50 {p50:.2f} ms  p95 {p95:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

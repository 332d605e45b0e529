"""HTTP benchmark, as a user meets the site. Targets: registry pages and API p95 < 150 ms,
indicator pages and API p95 < 300 ms for any as_of, ROR import and CORDIS import < 3 min each,
the search page p95 < 200 ms with the ~47,000 ROR organisations indexed.

1. Imports both ROR files (`../shared/data/ror/`), then the Horizon 2020 participations
   (`../shared/data/cordis-h2020/`), into a fresh SQLite database under var/bench/, timing
   `silkbridge import-ror` and `silkbridge import-cordis`.
2. Serves that database with the same gunicorn command as `make run`.
3. After a warm-up, sends many requests per endpoint from 4 client threads over loopback
   and prints p50, p95 and p99 latency per endpoint, and the verdict against the targets.

Run: make bench   (or: .venv/bin/python bench/http_bench.py [--requests 300])
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from http_timing import fetch, measure, percentile  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
INDICATOR_P95_TARGET_MS = 300
BENCH_DIR = ROOT / "var" / "bench"
P95_TARGET_MS = 150
SEARCH_P95_TARGET_MS = 200
IMPORT_TARGET_S = 180
QUERIES = ["university", "institut national", "agricultural research", "北京", "Москва", "جامعة", "hospital madrid"]
# Free-text searches for the engine, in several languages.
SEARCHES = [
    urllib.parse.quote(s)
    for s in [
        "soil science institute",
        "农业科学院",
        "исследовательский институт физики",
        "مستشفى جامعي",
        "energía solar",
    ]
]


def run(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "silkbridge", *args], check=True, env=env, cwd=ROOT)


def data_files(data: Path) -> tuple[list[Path], Path]:
    """The two ROR files and the CORDIS participations under `data`."""
    ror = data / "ror"
    return [ror / "ror_v2_records_latest.jsonl.gz", ror / "ror_v1_only_records_flat.csv"], (
        data / "cordis-h2020" / "h2020.csv.gz"
    )


def import_registry(env: dict[str, str], data: Path) -> tuple[float, float, float]:
    """Import ROR, index the ~47,000 organisations (the search endpoints are measured on
    them), then import CORDIS; returns the three durations."""
    database = BENCH_DIR / "bench.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    files, cordis = data_files(data)
    run("migrate", "--noinput", "-v0", env=env)
    started = time.monotonic()
    run("import-ror", *map(str, files), "--show-invalid", "0", env=env)
    ror = time.monotonic() - started
    started = time.monotonic()
    run("reindex", env=env)
    reindex = time.monotonic() - started
    started = time.monotonic()
    run("import-cordis", str(cordis), env=env)
    return ror, reindex, time.monotonic() - started


def endpoints(base: str, env: dict[str, str]) -> dict[str, list[str]]:
    ids = subprocess.run(
        [
            sys.executable,
            "-m",
            "silkbridge",
            "shell",
            "-c",
            "from silkbridge.registry.models import Organisation as O; "
            "import random; ids=list(O.objects.values_list('pk', flat=True)); random.seed(7); "
            "print(' '.join(map(str, random.sample(ids, 200))))",
        ],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-200:]  # fmt: skip (the shell may print a banner first)
    q = [urllib.parse.quote(query) for query in QUERIES]
    days = [f"{2014 + n % 10}-{1 + n % 12:02d}-{1 + n % 28:02d}" for n in range(40)]
    names = ["partner-countries", "projects-by-country", "new-projects", "labs-by-field", "people-trained"]
    pages = [str(random.Random(n).randint(1, 1800)) for n in range(50)]
    return {
        "page: organisation list": [f"{base}/en/organisations/?page={p}" for p in pages],
        "page: organisation search": [f"{base}/en/organisations/?q={x}" for x in q],
        "page: organisation detail": [f"{base}/en/organisations/{i}/" for i in ids],
        "api: organisation list": [f"{base}/api/v1/organisations?page={p}" for p in pages],
        "api: organisation search": [f"{base}/api/v1/organisations?q={x}" for x in q],
        "api: organisation detail": [f"{base}/api/v1/organisations/{i}" for i in ids],
        "page: search (hybrid)": [f"{base}/en/search/?q={x}" for x in q + SEARCHES],
        "api: search (hybrid)": [f"{base}/api/v1/search?q={x}" for x in q + SEARCHES],
        "page: indicators": [f"{base}/en/indicators/{names[n % 5]}/?as_of={d}" for n, d in enumerate(days)],
        "api: indicators": [f"{base}/api/v1/indicators/{names[n % 5]}?as_of={d}" for n, d in enumerate(days)],
        "page: gap analysis": [f"{base}/en/indicators/gaps/?as_of={d}" for d in days],
    }


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn: gracefully, then (a loaded machine can take longer) by force."""
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per endpoint")
    parser.add_argument("--skip-import", action="store_true", help="reuse the database of the last run")
    parser.add_argument("--port", type=int, default=8765, help="loopback port of the server")
    parser.add_argument("--data", type=Path, default=DATA, help="folder with ror/ and cordis-h2020/")
    parser.add_argument(
        "--embedder", choices=("default", "fake"), default="default", help="fake: a tiny index in seconds"
    )
    args = parser.parse_args()
    files, cordis = data_files(args.data)
    if not all(f.exists() for f in [*files, cordis]):
        print(f"ROR or CORDIS files not found under {args.data}: this benchmark needs them.")
        return 2
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "silkbridge.settings",
        # imports queue the index refresh instead of running it; the benchmark runs `reindex`
        "SILKBRIDGE_TASKS": "database",
        "SILKBRIDGE_MATCHING_DIR": str(BENCH_DIR / "http-matching"),
        # Four client threads on one address measure latency, not the rate limits; the
        # counters are still kept (in the database cache), so their cost is measured.
        "SILKBRIDGE_API_RATE_ANONYMOUS": "1000000/min",
        "SILKBRIDGE_API_RATE_SEARCH": "1000000/min",
        "SILKBRIDGE_EMBEDDER": args.embedder,
    }
    import_seconds = None if args.skip_import else import_registry(env, args.data)
    run("collectstatic", "--noinput", "-v0", env=env)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "silkbridge.wsgi:application",
         "--bind", f"127.0.0.1:{args.port}", "--workers", "3"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(100):
            try:
                fetch(f"{base}/en/")
                break
            except OSError:
                time.sleep(0.2)
        results = {name: measure(urls, args.requests) for name, urls in endpoints(base, env).items()}
    finally:
        stop(server)
    ok = True
    print(
        f"\nSilkbridge HTTP benchmark: {args.requests} requests per endpoint, 4 client threads, gunicorn 3 workers, "
        f"{args.embedder} embedder, code from {ROOT}"
    )
    if import_seconds is not None:
        for label, seconds in zip(("ROR import of both files", "CORDIS import"), import_seconds[::2], strict=True):
            ok &= seconds < IMPORT_TARGET_S
            verdict = "OK" if seconds < IMPORT_TARGET_S else "MISSED"
            print(f"{label}: {seconds:.1f} s (target < {IMPORT_TARGET_S} s) {verdict}")
        print(f"full search index of the ROR organisations (`silkbridge reindex`): {import_seconds[1]:.1f} s")
    print(f"{'endpoint':30} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'target':>8}")
    for name, times in results.items():
        p95 = percentile(times, 95)
        target = INDICATOR_P95_TARGET_MS if "indicator" in name or "gap" in name else P95_TARGET_MS
        target = SEARCH_P95_TARGET_MS if "search (hybrid" in name else target
        ok &= p95 < target
        verdict = "OK" if p95 < target else "MISSED"
        print(f"{name:30} {statistics.median(times):8.1f} {p95:8.1f} {percentile(times, 99):8.1f} {verdict:>8}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

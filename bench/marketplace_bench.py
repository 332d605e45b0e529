"""Marketplace benchmark, as a user meets the site. Targets: with 20,000 published listings
(generated, in six languages) beside the demo registry, the listing, search and listing-detail
pages and the listings API p95 < 200 ms over HTTP; a listing edited (or published) is found
by search within 5 s.

1. Seeds a fresh SQLite database under var/bench/ with the demo registry (`seed-demo`: ~3,800
   ROR organisations, demo experts and cooperation records), then generates N published
   listings from the demo listings' texts (six languages), and builds the search index.
2. Serves that database with the same gunicorn command as `make run`.
3. After a warm-up, sends many requests per endpoint from 4 client threads over loopback and
   prints p50, p95 and p99 per endpoint against the target.
4. Edits one listing through the domain function (as the edit page does) and polls the
   listings API with a word that only the new text has, timing edit-to-found.

Run: make bench   (or: .venv/bin/python bench/marketplace_bench.py [--listings 20000]
[--requests 300] [--embedder default|e5|fake] [--skip-seed])
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from http_timing import fetch, measure, percentile  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
PORT = 8766
P95_TARGET_MS = 200
FRESH_TARGET_S = 5.0
QUALIFIERS = {
    "en": ["for smallholders", "for cooperatives", "pilot scale", "second generation", "low cost", "for arid regions"],
    "fr": ["pour petits exploitants", "pour coopératives", "à l'échelle pilote", "à bas coût", "pour zones arides"],
    "es": ["para pequeños productores", "para cooperativas", "a escala piloto", "de bajo costo", "para zonas áridas"],
    "ru": ["для фермерских хозяйств", "для кооперативов", "пилотная установка", "недорого", "для засушливых зон"],
    "zh-hans": ["适合小农户", "适合合作社", "中试规模", "低成本", "适合干旱地区"],
    "ar": ["لصغار المزارعين", "للتعاونيات", "على نطاق تجريبي", "منخفض التكلفة", "للمناطق الجافة"],
}  # fmt: skip
SEARCHES = ["drip irrigation", "滴灌", "riz tolérant au sel", "солнечная энергия", "أسمدة حيوية", "tilapia feed"]


def run(*args: str, env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "silkbridge", *args]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"silkbridge {args[0]} failed")
    return done.stdout


def generate(count: int) -> None:
    """(In a subprocess with Django set up.) N published listings built from the demo texts."""
    import django

    django.setup()
    from django.utils import timezone

    from silkbridge.marketplace.demo import LISTINGS
    from silkbridge.marketplace.models import Listing
    from silkbridge.registry.models import Field, Organisation

    rng = random.Random(22)
    orgs = list(Organisation.objects.values_list("pk", flat=True))
    fields = {f.code: f for f in Field.objects.all()}
    by_lang: dict[str, list[str]] = {}
    for row in LISTINGS:
        by_lang.setdefault(row[1], []).append(row[3])
    now, today, made = timezone.now(), timezone.localdate(), 0
    while made < count:
        batch = []
        for _ in range(min(2000, count - made)):
            kind, lang, title, summary, keywords, trl, ip, field, _country = rng.choice(LISTINGS)
            extra = rng.choice(by_lang[lang])
            listing = Listing(
                kind=kind, status="published", organisation_id=rng.choice(orgs), is_demo=True,
                titles={lang: f"{title}, {rng.choice(QUALIFIERS[lang])}"}, keywords=keywords,
                summaries={lang: summary if extra == summary else f"{summary} {extra}"}, languages=[lang],
                details={lang: "Generated details."}, trl=trl, ip_status=ip,
                expires_on=today + timedelta(days=rng.randint(30, 360)),
                published_at=now - timedelta(minutes=rng.randint(0, 500_000)),
            )  # fmt: skip
            listing.refresh_search_text()
            batch.append((listing, field))
        created = Listing.objects.bulk_create([listing for listing, _field in batch])
        Listing.fields.through.objects.bulk_create(
            Listing.fields.through(listing_id=listing.pk, field_id=fields[field].pk)
            for listing, (_l, field) in zip(created, batch, strict=True)
        )
        made += len(created)


def touch(pk: int, word: str) -> None:
    """(In a subprocess with Django set up.) Edit one listing as the edit page does; prints the
    time just before the commit, after which the index refresh runs."""
    import django

    django.setup()
    from silkbridge.marketplace import domain
    from silkbridge.marketplace.models import Listing

    listing = Listing.objects.get(pk=pk)
    summaries = {**listing.summaries, "en": f"Now also {word} for greenhouse growers."}
    print(json.dumps({"edited_at": time.time()}), flush=True)
    domain.update_listing(listing, data={"summaries": summaries}, actor=None)


def seed(env: dict[str, str], count: int) -> float:
    database = BENCH_DIR / "market.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    run("migrate", "--noinput", "-v0", env=env)
    run("seed-demo", env={**env, "SILKBRIDGE_TASKS": "database"})  # the index is built once, below
    subprocess.run([sys.executable, __file__, "--generate", str(count)], check=True, env=env, cwd=ROOT)
    started = time.monotonic()
    run("reindex", env=env)
    return time.monotonic() - started


def endpoints(base: str, ids: list[str]) -> dict[str, list[str]]:
    q = [urllib.parse.quote(s) for s in SEARCHES]
    pages = [str(random.Random(n).randint(1, 700)) for n in range(50)]
    filters = ["kind=offer", "kind=need", "country=CN", "field=4.1", "ip_status=patented", "trl=7"]
    return {
        "page: listings": [f"{base}/en/marketplace/?page={p}" for p in pages],
        "page: listings filtered": [f"{base}/en/marketplace/?{f}&page=2" for f in filters],
        "page: listing search": [f"{base}/en/marketplace/?q={x}" for x in q],
        "page: listing detail": [f"{base}/en/marketplace/{i}/" for i in ids],
        "api: listings": [f"{base}/api/v1/marketplace/listings?page={p}" for p in pages],
        "api: listings filtered": [f"{base}/api/v1/marketplace/listings?{f}" for f in filters],
        "api: listing search": [f"{base}/api/v1/marketplace/listings?q={x}" for x in q],
    }


def freshness(base: str, env: dict[str, str], pk: str) -> float:
    word = f"hydroponics{random.randint(1000, 9999)}"
    url = f"{base}/api/v1/marketplace/listings?q={word}"
    editor = subprocess.Popen([sys.executable, __file__, "--touch", pk, word], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert editor.stdout is not None
    edited_at = json.loads(editor.stdout.readline())["edited_at"]
    deadline = edited_at + 180
    while time.time() < deadline:
        with urllib.request.urlopen(url, timeout=30) as response:
            if any(str(item["id"]) == pk for item in json.load(response)["items"]):
                editor.wait()
                return time.time() - edited_at
        time.sleep(0.1)
    editor.wait()
    return float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=300, help="measured requests per endpoint")
    parser.add_argument("--embedder", default="default", choices=["default", "e5", "fake"])
    parser.add_argument("--skip-seed", action="store_true", help="reuse the database and index of the last run")
    parser.add_argument("--generate", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--touch", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate)
        return 0
    if args.touch:
        touch(int(args.touch[0]), args.touch[1])
        return 0
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{BENCH_DIR / 'market.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "silkbridge.settings",
        "SILKBRIDGE_MATCHING_DIR": str(BENCH_DIR / f"market-matching-{args.embedder}"),
        "SILKBRIDGE_EMBEDDER": args.embedder,
        "SILKBRIDGE_VAR_DIR": str(BENCH_DIR / "market-var"),
        # Four client threads on one address measure latency, not the rate limits (as in
        # http_bench.py); the counters are still kept, so their cost is measured.
        "SILKBRIDGE_API_RATE_ANONYMOUS": "1000000/min",
        "SILKBRIDGE_API_RATE_SEARCH": "1000000/min",
    }
    reindex = None if args.skip_seed else seed(env, args.listings)
    run("collectstatic", "--noinput", "-v0", env=env)
    ids = run("shell", "-c", "from silkbridge.marketplace.models import Listing as L; import random; "
              "ids=list(L.objects.values_list('pk', flat=True)); random.seed(7); "
              "print(' '.join(map(str, random.sample(ids, 200))))", env=env).split()[-200:]  # fmt: skip
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "silkbridge.wsgi:application",
         "--bind", f"127.0.0.1:{PORT}", "--workers", "3"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{PORT}"
        for _ in range(300):
            try:
                fetch(f"{base}/en/marketplace/")
                break
            except OSError:
                time.sleep(0.2)
        results = {name: measure(urls, args.requests) for name, urls in endpoints(base, ids).items()}
        fresh = freshness(base, env, ids[0])
    finally:
        server.terminate()
        server.wait(timeout=10)
    ok = fresh < FRESH_TARGET_S
    print(f"\nSilkbridge marketplace benchmark: {args.listings:,} listings, embedder {args.embedder}, "
          f"{args.requests} requests per endpoint, 4 client threads, gunicorn 3 workers")  # fmt: skip
    if reindex is not None:
        print(f"full search index build (`silkbridge reindex`): {reindex:.1f} s")
    print(f"{'endpoint':28} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'target':>8}")
    for name, times in results.items():
        p95 = percentile(times, 95)
        ok &= p95 < P95_TARGET_MS
        verdict = "OK" if p95 < P95_TARGET_MS else "MISSED"
        print(f"{name:28} {statistics.median(times):8.1f} {p95:8.1f} {percentile(times, 99):8.1f} {verdict:>8}")
    print(f"edited listing found by search after {fresh:.2f} s (target < {FRESH_TARGET_S:.0f} s) "
          f"{'OK' if fresh < FRESH_TARGET_S else 'MISSED'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

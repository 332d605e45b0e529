"""Conference meetings through the site: import an instance, schedule it and export the
schedule with the `silkbridge events` commands, each a process of its own as a user runs
it, against a fresh SQLite database under var/bench/.

Targets (issue #18): an 800-participant conference with 6,000 accepted requests, 16 slots
and 120 tables in under 30 s in all, the exported schedule valid and at least 0.99 of its
upper bound; a 5,000-participant event with 40,000 requests, 24 slots and 800 tables in
under 150 s.

Then, on the 800-participant conference: every meeting is published, each participant gets
an account, a session and an API token, the database is served with gunicorn (3 workers, as
`make run`), and 4 client threads ask for random participants' agenda page and agenda API.
Target: p95 under 200 ms for each.

Run: make bench   (or: .venv/bin/python bench/events_bench.py [--small-only] [--no-http] [--seed N])
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from silkbridge.scheduling import parse_instance  # noqa: E402  (the path is set just above)
from silkbridge.scheduling.generator import generate  # noqa: E402
from silkbridge.scheduling.model import Meeting, Schedule, Unscheduled  # noqa: E402
from silkbridge.scheduling.validate import check_schedule  # noqa: E402

BENCH_DIR = ROOT / "var" / "bench"
CASES = [
    # name, participants, requests, slots, tables, target seconds, solver time limit
    ("conference", 800, 6_000, 16, 120, 30.0, 8.0),
    ("fair", 5_000, 40_000, 24, 800, 150.0, 8.0),
]
MIN_RATIO = 0.99
PORT = 8766
AGENDA_P95_TARGET_MS = 200
# Run inside `silkbridge shell`: publish, give every participant an account, a session and a
# token, and print one JSON line of [session key, token] per participant.
ACCOUNTS = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from silkbridge.accounts.domain import create_api_token
from silkbridge.accounts.models import User
from silkbridge.events import domain
from silkbridge.events.models import Event
event = Event.objects.get(slug=SLUG)
domain.publish_schedule(event, actor=None)
people = list(event.registrations.order_by('id'))
users = User.objects.bulk_create([User(email=f'{r.external_id}@bench.example.org', display_name=r.name,
                                       email_confirmed=True, password='!') for r in people])
for r, u in zip(people, users):
    r.user = u
event.registrations.bulk_update(people, ['user'])
out = []
for u in users:
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(u.pk), 'django.contrib.auth.backends.ModelBackend'
    session[HASH_SESSION_KEY] = u.get_session_auth_hash()
    session.create()
    out.append([session.session_key, create_api_token(user=u, name='bench')[1]])
print(json.dumps(out))
"""


def silkbridge(*args: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "silkbridge", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        sys.exit(f"silkbridge {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return time.monotonic() - started, result.stdout.strip()


def as_schedule(document: dict) -> Schedule:
    return Schedule(
        meetings=[Meeting(m["request"], m["slot"], m["table"]) for m in document["meetings"]],
        unscheduled=[Unscheduled(u["request"], u["reason"], u["code"]) for u in document["unscheduled"]],
        objective=document["objective"],
        upper_bound=document["upper_bound"],
        solve_seconds=document["solve_seconds"],
    )


def run_case(name: str, people: int, requests: int, slots: int, tables: int, target: float, limit: float,
             seed: int) -> bool:  # fmt: skip
    database = BENCH_DIR / f"events-{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}
    silkbridge("migrate", "--noinput", "-v0", env=env)
    data = generate(participants=people, requests=requests, slots=slots, tables=tables, seed=seed)
    instance_file, schedule_file = BENCH_DIR / f"{name}-instance.json", BENCH_DIR / f"{name}-schedule.json"
    instance_file.write_text(json.dumps(data), encoding="utf-8")
    t_import, _out = silkbridge("events", "import-instance", str(instance_file), "--event", name, env=env)
    t_schedule, printed = silkbridge("events", "schedule", name, "--time-limit", str(limit), env=env)
    t_export, _out = silkbridge("events", "export-schedule", name, "-o", str(schedule_file), env=env)
    document = json.loads(schedule_file.read_text(encoding="utf-8"))
    problems = check_schedule(parse_instance(data), as_schedule(document))
    total = t_import + t_schedule + t_export
    ratio = document["objective"] / document["upper_bound"] if document["upper_bound"] else 1.0
    ok = not problems and total < target and ratio >= MIN_RATIO
    print(f"{name}: {people} participants, {requests} requests, {slots} slots, {tables} tables (seed {seed})")
    print(f"  import {t_import:.1f} s, schedule {t_schedule:.1f} s, export {t_export:.1f} s: {total:.1f} s "
          f"in all (target < {target:.0f} s)")  # fmt: skip
    print(f"  scheduler: {printed}")
    print(f"  exported: {len(document['meetings'])} meetings, objective {document['objective']:g}, "
          f"upper bound {document['upper_bound']:g}, ratio {ratio:.4f} (target >= {MIN_RATIO})")  # fmt: skip
    print(f"  validator: {'valid' if not problems else f'{len(problems)} problems, first: {problems[0]}'}")
    print(f"  verdict: {'MET' if ok else 'NOT MET'}")
    return ok


def fetch(url: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
        response.read()
        if response.status != 200 or response.geturl() != url:  # a redirect would be the login page
            raise RuntimeError(f"{url}: HTTP {response.status} from {response.geturl()}")
    return (time.perf_counter() - started) * 1000


def measure(calls: list[tuple[str, dict[str, str]]], requests: int) -> list[float]:
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda c: fetch(*c), calls[:20]))  # warm-up
        return list(pool.map(lambda c: fetch(*c), [calls[i % len(calls)] for i in range(requests)]))


def agenda_http(name: str, requests: int) -> bool:
    """Agenda page and API over HTTP, every participant's agenda filled (see the docstring)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{BENCH_DIR / f'events-{name}.sqlite3'}", "PYTHONPATH": str(ROOT)}
    _seconds, printed = silkbridge("shell", "-c", f"SLUG = {name!r}\n" + ACCOUNTS, env=env)
    credentials = json.loads(printed.splitlines()[-1])
    silkbridge("collectstatic", "--noinput", "-v0", env=env)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "silkbridge.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "3"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    rng = random.Random(7)
    chosen = [credentials[rng.randrange(len(credentials))] for _ in range(200)]
    try:
        for _ in range(600):  # a loaded machine may take a minute to start three workers
            if server.poll() is not None:
                sys.exit(f"gunicorn exited with code {server.returncode} (is port {PORT} in use?)")
            try:
                urllib.request.urlopen(f"{base}/api/v1/events", timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit(f"gunicorn did not answer on port {PORT} within two minutes")
        page = [(f"{base}/en/events/{name}/agenda/", {"Cookie": f"sessionid={c[0]}"}) for c in chosen]
        api = [(f"{base}/api/v1/events/{name}/my/agenda", {"Authorization": f"Bearer {c[1]}"}) for c in chosen]
        results = {"agenda page": measure(page, requests), "agenda API": measure(api, requests)}
    finally:
        server.terminate()
        server.wait(timeout=10)
    ok = True
    print(f"  HTTP, {len(credentials)} agendas filled, {requests} requests each, 4 client threads, 3 workers:")
    for label, times in results.items():
        p95 = statistics.quantiles(times, n=100, method="inclusive")[94]
        ok &= p95 < AGENDA_P95_TARGET_MS
        print(f"    {label}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms "
              f"(target < {AGENDA_P95_TARGET_MS} ms) {'MET' if p95 < AGENDA_P95_TARGET_MS else 'NOT MET'}")  # fmt: skip
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small-only", action="store_true", help="only the 800-participant conference")
    parser.add_argument("--no-http", action="store_true", help="skip the agenda page and API over HTTP")
    parser.add_argument("--requests", type=int, default=300, help="HTTP requests per endpoint")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    cases = CASES[:1] if args.small_only else CASES
    results = [run_case(*case, seed=args.seed) for case in cases]
    if not args.no_http:
        results.append(agenda_http(CASES[0][0], args.requests))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

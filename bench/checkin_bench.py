"""Check-in at the door over HTTP: 800 badge codes posted one after the other to the
check-in endpoint, as the desk's script posts them, against gunicorn (3 workers, as
`make run`) on a fresh SQLite database under var/bench/.

Target (issue #18): 800 check-ins in a row in under 1 minute, every participant checked in
exactly once; a code sent again is answered "already checked in".

Run: make bench   (or: .venv/bin/python bench/checkin_bench.py [--people N])
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PORT = 8767
TARGET_S = 60.0
# Run inside `silkbridge shell`: an event with PEOPLE confirmed participants, an organiser
# with a session; prints [session key, [codes]].
SETUP = """
import json
from datetime import date
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from silkbridge.accounts.models import User
from silkbridge.events import domain
from silkbridge.events.models import Event, Registration
organiser = User.objects.create(email='desk@bench.example.org', display_name='Desk', is_event_organiser=True,
                                email_confirmed=True, password='!')
event = domain.save_event(Event(), data={'slug': 'doors', 'titles': {'en': 'Doors'}, 'starts_on': date(2026, 11, 10),
    'ends_on': date(2026, 11, 11), 'time_zone': 'UTC', 'languages': ['en']}, categories={'official': None},
    slots=[], table_count=0, actor=organiser)
category = event.categories.get()
people = Registration.objects.bulk_create([Registration(event=event, category=category, name=f'P{i}',
                                                        organisation_name='Bench') for i in range(PEOPLE)])
session = SessionStore()
session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(organiser.pk), 'django.contrib.auth.backends.ModelBackend'
session[HASH_SESSION_KEY] = organiser.get_session_auth_hash()
session.create()
print(json.dumps([session.session_key, [r.badge_secret for r in people]]))
"""
COUNT = """
from silkbridge.events.models import Registration
print(Registration.objects.filter(event__slug='doors', checked_in_at__isnull=False).count())
"""


def silkbridge(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "-m", "silkbridge", *args], env=env, cwd=ROOT,
                            capture_output=True, text=True, check=True)  # fmt: skip
    return result.stdout


def wait_for(server: subprocess.Popen[bytes], base: str) -> None:
    for _ in range(600):  # a loaded machine may take a minute to start three workers
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with code {server.returncode} (is port {PORT} in use?)")
        try:
            urllib.request.urlopen(f"{base}/api/v1/events", timeout=5).read()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"gunicorn did not answer on port {PORT} within two minutes")


def desk_token(base: str, session: str) -> tuple[str, str]:
    """The desk page's CSRF cookie and form token, as the browser gets them."""
    request = urllib.request.Request(f"{base}/en/events/doors/check-in/", headers={"Cookie": f"sessionid={session}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        cookie = re.search(r"csrftoken=([^;]+)", response.headers.get("Set-Cookie", "")).group(1)  # type: ignore[union-attr]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)  # type: ignore[union-attr]
    return cookie, token


def check_in(base: str, headers: dict[str, str], token: str, code: str) -> tuple[float, str]:
    body = urllib.parse.urlencode({"code": code, "csrfmiddlewaretoken": token}).encode()
    started = time.perf_counter()
    request = urllib.request.Request(f"{base}/en/events/doors/check-in/code/", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        result = json.loads(response.read())["result"]
    return (time.perf_counter() - started) * 1000, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=800)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = BENCH_DIR / "checkin.sqlite3"
    database.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}
    silkbridge("migrate", "-v0", env=env)
    session, codes = json.loads(
        silkbridge("shell", "-c", f"PEOPLE = {args.people}\n" + SETUP, env=env).splitlines()[-1]
    )
    silkbridge("collectstatic", "--noinput", "-v0", env=env)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "silkbridge.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "3"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{PORT}"
    try:
        wait_for(server, base)
        cookie, token = desk_token(base, session)
        headers = {"Cookie": f"sessionid={session}; csrftoken={cookie}", "Accept": "application/json",
                   "Content-Type": "application/x-www-form-urlencoded"}  # fmt: skip
        started = time.monotonic()
        answers = [check_in(base, headers, token, code) for code in codes]
        total = time.monotonic() - started
        _ms, again = check_in(base, headers, token, codes[0])
    finally:
        server.terminate()
        server.wait(timeout=10)
    recorded = int(silkbridge("shell", "-c", COUNT, env=env).split()[-1])
    times = [ms for ms, _result in answers]
    new = sum(result == "checked-in" for _ms, result in answers)
    ok = total < TARGET_S and new == recorded == len(codes) and again == "already"
    print(f"check-in: {len(codes)} codes in a row over HTTP (gunicorn, 3 workers, SQLite)")
    print(f"  {total:.1f} s in all (target < {TARGET_S:.0f} s); p50 {statistics.median(times):.1f} ms, "
          f"p95 {statistics.quantiles(times, n=100, method='inclusive')[94]:.1f} ms per check-in")  # fmt: skip
    print(f"  checked in: {new} answered, {recorded} recorded; the first code again: {again}")
    print(f"  verdict: {'MET' if ok else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

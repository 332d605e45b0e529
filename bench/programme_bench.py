"""Publishing a programme version: 120 sessions published as version 1, then 30 of them
moved to another room and published as version 2, with 800 participants who bookmarked 10
sessions each; the e-mails to the bookmarkers of changed sessions are sent by the task
(in-process here, e-mail kept in memory). Also the programme part of one agenda. On a fresh
SQLite database under var/bench/.

Run: .venv/bin/python bench/programme_bench.py
"""

import os
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "var" / "bench" / "programme.sqlite3"
sys.path.insert(0, str(ROOT))
DB.parent.mkdir(parents=True, exist_ok=True)
DB.unlink(missing_ok=True)
os.environ.update(DATABASE_URL=f"sqlite:///{DB}", DJANGO_SETTINGS_MODULE="silkbridge.settings",
                  SILKBRIDGE_MATCHING_DIR=str(DB.parent / "programme-matching"))  # fmt: skip

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from silkbridge.accounts.models import User  # noqa: E402
from silkbridge.events import agenda, domain, queries  # noqa: E402
from silkbridge.events.models import Event, Registration, Session, SessionBookmark  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")


def main() -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    call_command("migrate", verbosity=0)
    event = domain.save_event(Event(), data={"slug": "bench", "titles": {"en": "Bench"}, "starts_on": date(2030, 1, 1),
                              "ends_on": date(2030, 1, 3), "time_zone": "Asia/Shanghai", "languages": ["en"]},
                              categories={"official": None}, slots=[], table_count=1, actor=None)  # fmt: skip
    category = event.categories.get()
    users = User.objects.bulk_create([User(email=f"p{i}@bench.invalid", display_name=f"P{i}") for i in range(800)])
    people = Registration.objects.bulk_create(
        [Registration(event=event, user=u, category=category, name=u.display_name, email=u.email) for u in users]
    )
    sessions = []
    for i in range(120):
        day, rest = divmod(i, 40)
        room, hour = divmod(rest, 8)
        start = datetime(2030, 1, 1 + day, 9 + hour, tzinfo=ZONE)
        sessions.append(Session.objects.create(event=event, titles={"en": f"Session {i}"}, room=f"Room {room}",
                                               starts_at=start, ends_at=start + timedelta(minutes=50)))  # fmt: skip
    began = time.perf_counter()
    domain.publish_programme(event, actor=None)
    print(f"version 1, {len(sessions)} sessions: {time.perf_counter() - began:.3f} s")
    pick = random.Random(1)
    keys = [s.pk for s in sessions]
    SessionBookmark.objects.bulk_create(
        [SessionBookmark(registration=r, session_key=k) for r in people for k in pick.sample(keys, 10)]
    )
    for session in sessions[:30]:
        Session.objects.filter(pk=session.pk).update(room=session.room + " bis")
    began = time.perf_counter()
    with transaction.atomic():  # the task runs when the publication commits
        version = domain.publish_programme(event, actor=None)
    elapsed = time.perf_counter() - began
    print(f"version 2, {len(version.changes)} changes, {len(mail.outbox)} e-mails sent: {elapsed:.3f} s")
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        programme = queries.published_programme(event)
        agenda.talks_for(people[0], programme), agenda.bookmarked_for(people[0], programme)
        elapsed = time.perf_counter() - began
    print(f"one agenda's sessions: {len(captured)} queries, {elapsed * 1000:.1f} ms")


if __name__ == "__main__":
    main()

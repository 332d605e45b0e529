"""The three commands of the evaluation spec ("Conference meetings through the site")."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from silkbridge.core.models import AuditEntry
from silkbridge.events.enums import MeetingState, RequestStatus
from silkbridge.events.models import Event, Meeting, MeetingRequest, Registration
from silkbridge.scheduling import parse_instance
from silkbridge.scheduling.generator import generate
from silkbridge.scheduling.model import Meeting as EngineMeeting
from silkbridge.scheduling.model import Schedule, Unscheduled
from silkbridge.scheduling.validate import check_schedule

pytestmark = pytest.mark.django_db


def small_instance() -> dict[str, Any]:
    return {
        "format": "silkbridge.meeting-instance/1",
        "slots": [
            {"id": "s1", "start": "2026-11-10T09:00:00+08:00", "end": "2026-11-10T09:20:00+08:00"},
            {"id": "s2", "start": "2026-11-10T09:30:00+08:00", "end": "2026-11-10T09:50:00+08:00"},
        ],
        "tables": ["T1", "T2"],
        "participants": [
            {"id": "a", "name": "Amina Diallo", "organisation": "Dakar Institute", "country": "sn"},
            {"id": "b", "available": ["s2"]},
            {"id": "c", "max_meetings": 1},
            {"id": "d"},
        ],
        "requests": [
            {"id": "r1", "from": "a", "to": "b", "weight": 2.0},
            {"id": "r2", "from": "a", "to": "c"},
            {"id": "r3", "from": "c", "to": "d"},
            {"id": "r4", "from": "b", "to": "a"},
        ],
        "fixed": [{"request": "r1", "slot": "s2", "table": "T2"}],
    }


def write(tmp_path: Path, data: Any, name: str = "instance.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def exported(tmp_path: Path, slug: str) -> dict[str, Any]:
    out = tmp_path / "schedule.json"
    call_command("events", "export-schedule", slug, "-o", str(out))
    return json.loads(out.read_text(encoding="utf-8"))


def as_schedule(document: dict[str, Any]) -> Schedule:
    return Schedule(
        meetings=[EngineMeeting(m["request"], m["slot"], m["table"]) for m in document["meetings"]],
        unscheduled=[Unscheduled(u["request"], u["reason"], u["code"]) for u in document["unscheduled"]],
        objective=document["objective"],
        upper_bound=document["upper_bound"],
        solve_seconds=document["solve_seconds"],
    )


def test_import_creates_the_event_with_participants_requests_and_published_fixed_meetings(tmp_path: Path) -> None:
    call_command("events", "import-instance", str(write(tmp_path, small_instance())), "--event", "fair-2026")
    event = Event.objects.get(slug="fair-2026")
    assert event.time_zone == "Etc/GMT-8"  # UTC+8, from the slots' offset
    assert str(event.starts_on) == "2026-11-10"
    assert [s.label for s in event.slots.all()] == ["s1", "s2"]
    assert [t.name for t in event.tables.all()] == ["T1", "T2"]
    amina = Registration.objects.get(event=event, external_id="a")
    assert (amina.name, amina.organisation_name, amina.country) == ("Amina Diallo", "Dakar Institute", "SN")
    b = Registration.objects.get(event=event, external_id="b")
    assert b.available_slots == [event.slots.get(label="s2").pk]
    assert Registration.objects.get(event=event, external_id="c").max_meetings == 1
    assert set(event.meeting_requests.values_list("status", flat=True)) == {RequestStatus.ACCEPTED}
    assert MeetingRequest.objects.get(external_id="r1").weight == 2.0
    fixed = Meeting.objects.get(request__external_id="r1")
    assert (fixed.slot.label, fixed.table.name, fixed.state) == ("s2", "T2", MeetingState.PUBLISHED)
    assert AuditEntry.objects.filter(action="import", object_id=str(event.pk)).count() == 1


def test_schedule_and_export_give_a_valid_schedule_that_keeps_the_fixed_meeting(tmp_path: Path, capsys: Any) -> None:
    data = small_instance()
    call_command("events", "import-instance", str(write(tmp_path, data)), "--event", "fair")
    call_command("events", "schedule", "fair", "--time-limit", "2")
    assert "objective 3, upper bound 3 (ratio 1.0000)" in capsys.readouterr().out
    document = exported(tmp_path, "fair")
    assert {"request": "r1", "slot": "s2", "table": "T2", "state": "published"} in document["meetings"]
    assert check_schedule(parse_instance(data), as_schedule(document)) == []
    # r4 repeats the pair of r1; c's limit of one leaves one of r2 and r3 out
    unscheduled = {u["request"]: u["code"] for u in document["unscheduled"]}
    assert len(unscheduled) == 2 and unscheduled["r4"] == "duplicate_pair"
    assert document["objective"] == 3.0


def test_a_second_run_never_moves_a_published_meeting(tmp_path: Path) -> None:
    data = generate(participants=40, requests=150, slots=4, tables=3, seed=5)
    call_command("events", "import-instance", str(write(tmp_path, data)), "--event", "fair")
    call_command("events", "schedule", "fair", "--time-limit", "2")
    event = Event.objects.get(slug="fair")
    published = list(event.meetings.values_list("request_id", "slot_id", "table_id"))
    event.meetings.update(state=MeetingState.PUBLISHED)
    MeetingRequest.objects.filter(event=event).exclude(meeting__isnull=False).update(weight=5.0)
    call_command("events", "schedule", "fair", "--time-limit", "2")
    still = set(event.meetings.filter(state=MeetingState.PUBLISHED).values_list("request_id", "slot_id", "table_id"))
    assert set(published) == still
    assert check_schedule(parse_instance(data), as_schedule(exported(tmp_path, "fair"))) == []


def test_reimport_replaces_the_b2b_part(tmp_path: Path) -> None:
    call_command("events", "import-instance", str(write(tmp_path, small_instance())), "--event", "fair")
    call_command("events", "schedule", "fair", "--time-limit", "1")
    smaller = small_instance()
    smaller["requests"], smaller["fixed"] = smaller["requests"][:1], []
    call_command("events", "import-instance", str(write(tmp_path, smaller)), "--event", "fair")
    event = Event.objects.get(slug="fair")
    assert list(event.meeting_requests.values_list("external_id", flat=True)) == ["r1"]
    assert not event.meetings.exists() and not event.schedule_runs.exists()
    assert event.registrations.count() == 4


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["requests"].append({"id": "r9", "from": "a", "to": "zz"}), "unknown participant 'zz'"),
        (lambda d: d["requests"].append({"id": "r1", "from": "c", "to": "b"}), "duplicate request id 'r1'"),
        (lambda d: d["requests"].append({"id": "r9", "from": "c", "to": "c"}), "request to oneself"),
        (lambda d: d["fixed"].append({"request": "r2", "slot": "s2", "table": "T2"}), "fixed meetings break a rule"),
    ],
)
def test_an_invalid_instance_exits_2_with_one_line_and_changes_nothing(
    tmp_path: Path, mutate: Any, message: str
) -> None:
    call_command("events", "import-instance", str(write(tmp_path, small_instance())), "--event", "fair")
    before = (Registration.objects.count(), MeetingRequest.objects.count(), Meeting.objects.count())
    bad = small_instance()
    mutate(bad)
    with pytest.raises(CommandError) as caught:
        call_command("events", "import-instance", str(write(tmp_path, bad, "bad.json")), "--event", "fair")
    assert caught.value.returncode == 2
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert (Registration.objects.count(), MeetingRequest.objects.count(), Meeting.objects.count()) == before
    assert not Event.objects.filter(slug="other").exists()


def test_malformed_json_exits_2_and_creates_no_event(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("events", "import-instance", str(write(tmp_path, "{not json")), "--event", "new")
    assert caught.value.returncode == 2 and "not valid JSON" in str(caught.value)
    assert not Event.objects.exists()


def test_the_command_line_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    import subprocess
    import sys

    bad = write(tmp_path, {"format": "silkbridge.meeting-instance/1", "slots": []})
    result = subprocess.run(
        [sys.executable, "-m", "silkbridge", "events", "import-instance", str(bad), "--event", "x"],
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}"},
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["CommandError: invalid instance: 'slots' must be a non-empty list"]


def test_schedule_of_an_unknown_event_exits_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("events", "schedule", "nothing")
    assert caught.value.returncode == 2

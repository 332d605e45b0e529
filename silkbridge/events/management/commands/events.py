"""silkbridge events import-instance FILE --event SLUG
silkbridge events schedule SLUG [--time-limit S]
silkbridge events export-schedule SLUG -o FILE
silkbridge events expire-requests

The conference's B2B part through the site's database, in the interchange format of
shared/specs/meeting-schedule.md. An invalid instance exits 2 with one line and changes
nothing."""

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silkbridge.events import domain, queries
from silkbridge.events.models import Event, ScheduleRun
from silkbridge.scheduling import InstanceError
from silkbridge.scheduling.solver import DEFAULT_TIME_LIMIT


class Command(BaseCommand):
    help = "Conference meetings: import an instance, schedule, export the schedule, expire requests."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        imp = actions.add_parser("import-instance", help="create an event, or replace its B2B part, from an instance")
        imp.add_argument("file", type=Path)
        imp.add_argument("--event", required=True, help="the event's short name (slug)")
        sched = actions.add_parser("schedule", help="run the scheduler and store its result as the draft schedule")
        sched.add_argument("slug")
        sched.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="seconds (default %(default)s)")
        export = actions.add_parser("export-schedule", help="write the event's meetings in the schedule format")
        export.add_argument("slug")
        export.add_argument("-o", "--output", type=Path, required=True)
        actions.add_parser("expire-requests", help="expire unanswered meeting requests past their time (idempotent)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        handlers: dict[str, Callable[..., None]] = {
            "import-instance": self.import_instance,
            "schedule": self.schedule,
            "export-schedule": self.export_schedule,
            "expire-requests": self.expire_requests,
        }
        handlers[action](**options)

    def import_instance(self, *, file: Path, event: str, **options: Any) -> None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            result = domain.import_instance(slug=event, data=data, actor=None)
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc.strerror}", returncode=2) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file} is not valid JSON: {exc}", returncode=2) from None
        except InstanceError as exc:
            raise CommandError(f"invalid instance: {exc}", returncode=2) from None
        counts = (result.registrations.count(), result.meeting_requests.count(), result.slots.count())
        self.stdout.write(f"Event {result.slug}: {counts[0]} participants, {counts[1]} requests, {counts[2]} slots.")

    def schedule(self, *, slug: str, time_limit: float, **options: Any) -> None:
        if time_limit <= 0:
            raise CommandError("--time-limit must be positive", returncode=2)
        event = self._event(slug)
        run = domain.schedule_event(domain.request_schedule(event, actor=None, time_limit=time_limit))
        if run.error:
            raise CommandError(run.error)
        self._print_run(run)

    def _print_run(self, run: ScheduleRun) -> None:
        self.stdout.write(
            f"{run.meetings_count} meetings, objective {run.objective:g}, upper bound {run.upper_bound:g} "
            f"(ratio {run.ratio:.4f}), {len(run.unscheduled)} unscheduled, {run.solve_seconds:.2f} s"
        )

    def export_schedule(self, *, slug: str, output: Path, **options: Any) -> None:
        event = self._event(slug)
        document = queries.schedule_document(event, domain.upper_bound(event))
        # Written atomically, so that a reader never sees half a schedule.
        handle, temporary = tempfile.mkstemp(dir=output.resolve().parent, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, ensure_ascii=False, indent=1)
        os.replace(temporary, output)
        self.stdout.write(f"{len(document['meetings'])} meetings written to {output}.")

    def expire_requests(self, **options: Any) -> None:
        count = domain.expire_requests()
        self.stdout.write(f"{count} requests expired.")

    def _event(self, slug: str) -> Event:
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            raise CommandError(f"no event {slug!r}", returncode=2)
        return event

from django_tasks import task

from silkbridge.events import domain
from silkbridge.events.models import ScheduleRun


@task()
def run_scheduler(run_id: int) -> str:
    """Solve and store one queued scheduler run (see domain.schedule_event); returns its status."""
    run = ScheduleRun.objects.select_related("event").get(pk=run_id)
    return domain.schedule_event(run).status

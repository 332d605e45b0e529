from django.utils.translation import gettext as _
from django_tasks import task

from silkbridge.events import domain
from silkbridge.events.enums import RunStatus
from silkbridge.events.models import ScheduleRun


@task()
def run_scheduler(run_id: int) -> str:
    """Solve and store one queued scheduler run (see domain.schedule_event); returns its
    status. A crash marks the run failed, so the page never shows it running for ever."""
    run = ScheduleRun.objects.select_related("event").get(pk=run_id)
    try:
        return domain.schedule_event(run).status
    except Exception:
        ScheduleRun.objects.filter(pk=run_id).update(status=RunStatus.FAILED, error=_("The scheduler failed."))
        raise

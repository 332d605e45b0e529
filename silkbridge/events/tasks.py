from django.utils.translation import gettext as _
from django_tasks import task

from silkbridge.events import domain
from silkbridge.events.enums import RunStatus
from silkbridge.events.models import Event, ProgrammeVersion, ScheduleRun


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


@task()
def notify_programme_change(version_id: int) -> int:
    """E-mail the bookmarkers of the sessions a published programme version changed (see
    domain.notify_bookmarkers); returns the number of e-mails sent."""
    return domain.notify_bookmarkers(ProgrammeVersion.objects.select_related("event").get(pk=version_id))


@task()
def send_follow_up_reminders(event_id: int) -> int:
    """E-mail the confirmed participants who have not answered the follow-up questions (see
    domain.remind_unanswered); returns the number of e-mails sent."""
    return domain.remind_unanswered(Event.objects.get(pk=event_id))

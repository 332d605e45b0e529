"""Background work of the cooperation record: large web imports."""

import logging

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from silkbridge.cooperation.importing import run_import
from silkbridge.cooperation.models import ImportJob
from silkbridge.matching import signals


@task()
def run_import_job(job_id: int) -> str:
    """Run a queued import, recording how many rows are checked as it goes; the report is
    kept on the job and its rows dropped. The import itself is all-or-nothing."""
    job = ImportJob.objects.select_related("actor").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return job.status
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def progress(checked: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(checked_rows=checked)

    try:
        with translation.override(job.language), signals.paused():
            report = run_import(job.kind, job.rows, actor=job.actor, dry_run=job.dry_run, progress=progress)
        if not job.dry_run and report.ok and (report.created or report.updated):
            with transaction.atomic():
                signals.schedule_refresh()  # one index refresh for the whole import
        status, data = ImportJob.Status.DONE, report.to_json()
    except Exception:
        logging.getLogger("silkbridge.import").exception("import job %s failed", job.pk)
        status, data = ImportJob.Status.FAILED, None
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, report=data, rows=[], checked_rows=job.total_rows, finished_at=timezone.now()
    )
    return status

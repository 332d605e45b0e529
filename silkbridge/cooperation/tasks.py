"""Background work of the cooperation record: large web imports."""

import logging

from django.utils import timezone, translation
from django_tasks import task

from silkbridge.cooperation.importing import run_import
from silkbridge.cooperation.models import ImportJob
from silkbridge.core import bulk


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

    # One index refresh for the whole import; none for a dry run, which writes nothing.
    writes = bulk.paused() if job.dry_run else bulk.bulk_writes()
    try:
        with translation.override(job.language), writes:
            report = run_import(job.kind, job.rows, actor=job.actor, dry_run=job.dry_run, progress=progress)
        status, data = ImportJob.Status.DONE, report.to_json()
    except Exception:
        logging.getLogger("silkbridge.import").exception("import job %s failed", job.pk)
        status, data = ImportJob.Status.FAILED, None
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, report=data, rows=[], checked_rows=job.total_rows, finished_at=timezone.now()
    )
    return status

"""The jobs app's own tasks (the officials' import and export tasks live in officials.spreadsheets)."""

import datetime
import logging

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import Job
from .recovery import recover_stale

logger = logging.getLogger(__name__)

JOBS_KEPT_DAYS = 30
TASK_RESULTS_KEPT_DAYS = 7
BATCH = 500


@task
def recover_stale_tasks() -> dict[str, int]:
    """Put the tasks of dead workers back in the queue (scheduled every minute in OVOP_SCHEDULE)."""
    return recover_stale()


def prune_jobs(*, older_than: datetime.datetime) -> int:
    """Delete the finished jobs that finished before `older_than`, and their files. In batches, each
    row deleted only once its file is gone (a file left behind is worse than a row left for later)."""
    deleted = 0
    old = Job.objects.filter(status__in=[Job.Status.DONE, Job.Status.FAILED], finished_at__lt=older_than)
    while batch := list(old.order_by("finished_at", "pk")[:BATCH]):
        for job in batch:
            if job.file:
                job.file.delete(save=False)
        with transaction.atomic():
            deleted += Job.objects.filter(pk__in=[job.pk for job in batch]).delete()[0]
    return deleted


def prune_task_results(*, older_than: datetime.datetime) -> int:
    """Delete django-tasks-db's finished task results that finished before `older_than`."""
    return DBTaskResult.objects.finished().filter(finished_at__lt=older_than).delete()[0]


@task
def prune() -> dict[str, int]:
    """Forget what is old: finished jobs (and their files) after JOBS_KEPT_DAYS, finished task results
    after TASK_RESULTS_KEPT_DAYS (scheduled daily in OVOP_SCHEDULE)."""
    now = timezone.now()
    counts = {
        "jobs": prune_jobs(older_than=now - datetime.timedelta(days=JOBS_KEPT_DAYS)),
        "task_results": prune_task_results(older_than=now - datetime.timedelta(days=TASK_RESULTS_KEPT_DAYS)),
    }
    logger.info("Pruned %(jobs)s job(s) and %(task_results)s task result(s)", counts)
    return counts

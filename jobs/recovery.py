"""Tasks a dead worker left running go back to the queue.

A worker writes its heartbeat (jobs.models.WorkerHeartbeat) every few seconds, also while a task runs.
A task still RUNNING whose worker (the last of its worker_ids) has not beaten for
OVOP_WORKER_STALE_SECONDS, or has no heartbeat at all, was cut off: a killed process, a lost machine.
It is put back to READY, to run again on any worker, up to MAX_ATTEMPTS runs; then it is FAILED with
a message saying so. Its job (jobs.models.Job) follows. The tasks that write (officials' imports)
write in one transaction and mark their job done in it, so a run cut off wrote nothing and a second
run of a finished one does nothing.
"""

import datetime
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from .models import Job, WorkerHeartbeat
from .services import SERVER_ERROR

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LOST_EXCEPTION = "jobs.recovery.WorkerLost"


class WorkerLost(Exception):
    """What a task that lost its worker MAX_ATTEMPTS times is recorded as failing with."""


def stale_cutoff():
    """The database's now less OVOP_WORKER_STALE_SECONDS, as an expression: heartbeats are written and
    judged by the same clock, the database's, whatever the clocks of the machines say."""
    return Now() - datetime.timedelta(seconds=settings.OVOP_WORKER_STALE_SECONDS)


def recover_stale() -> dict[str, int]:
    """Requeue (or fail, after MAX_ATTEMPTS) the running tasks of workers that are gone; forget the
    heartbeats of those workers; fail the jobs that never reached the queue and those whose task
    finished without them. Returns the counts."""
    requeued = failed = 0
    with transaction.atomic():
        # skip_locked: a row another worker is claiming right now is not ours to judge.
        running = list(
            DBTaskResult.objects.running().select_for_update(skip_locked=True).order_by("started_at")
        )
        # Read under the locks, in the same transaction, against the database's clock: a worker that
        # beat within the stale time is alive, whatever it was when this function began.
        workers = {result.worker_ids[-1] for result in running if result.worker_ids}
        alive = set(
            WorkerHeartbeat.objects.filter(worker_id__in=workers, beat_at__gte=stale_cutoff()).values_list(
                "worker_id", flat=True
            )
        )
        for result in running:
            if result.worker_ids and result.worker_ids[-1] in alive:
                continue
            jobs = Job.objects.filter(task_result_id=str(result.id)).exclude(status=Job.Status.DONE)
            if len(result.worker_ids) >= MAX_ATTEMPTS:
                message = _(
                    "Pekerjaan ini terhenti %(count)s kali karena worker-nya mati di tengah jalan, jadi "
                    "tidak diulang lagi. Tidak ada data yang setengah tersimpan. Coba lagi nanti atau "
                    "hubungi admin Dinas."
                ) % {"count": len(result.worker_ids)}
                result.status, result.finished_at = TaskResultStatus.FAILED, timezone.now()
                result.exception_class_path, result.traceback = LOST_EXCEPTION, message
                result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                jobs.update(status=Job.Status.FAILED, failure=message, finished_at=timezone.now())
                failed += 1
            else:
                result.status, result.started_at = TaskResultStatus.READY, None
                result.save(update_fields=["status", "started_at"])
                jobs.update(status=Job.Status.QUEUED, updated_at=timezone.now())
                requeued += 1
            logger.warning(
                "Task %s (%s) lost worker %s: %s",
                result.id,
                result.task_path,
                result.worker_ids[-1] if result.worker_ids else "?",
                "failed" if len(result.worker_ids) >= MAX_ATTEMPTS else "requeued",
            )
    forgotten, _rows = WorkerHeartbeat.objects.filter(beat_at__lt=stale_cutoff()).delete()
    # A job created but never handed to the backend (the process died in between).
    never_queued = Job.objects.filter(
        Q(task_result_id=""), status=Job.Status.QUEUED, created_at__lt=stale_cutoff()
    ).update(
        status=Job.Status.FAILED,
        failure=_("Pekerjaan ini tidak sempat masuk antrean. Coba lagi."),
        finished_at=timezone.now(),
    )
    return {
        "requeued": requeued,
        "failed": failed,
        "workers_gone": forgotten,
        "never_queued": never_queued,
        "orphaned": fail_orphaned_jobs(),
    }


def _uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def fail_orphaned_jobs() -> int:
    """Fail the unfinished jobs whose task is over (the worker exited in the middle of it, say, and the
    job was never told), so that their owner can retry them. Only jobs untouched for the stale time:
    a job being retried is queued a moment before it is given its new task."""
    candidates = Job.objects.unfinished().exclude(task_result_id="").filter(updated_at__lt=stale_cutoff())
    by_task = {}
    for job_id, task_result_id in candidates.values_list("pk", "task_result_id"):
        if (task_id := _uuid(task_result_id)) is not None:
            by_task[task_id] = job_id
    if not by_task:
        return 0
    finished = DBTaskResult.objects.filter(
        id__in=list(by_task), status__in=[TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL]
    ).values_list("id", flat=True)
    orphans = [by_task[task_id] for task_id in finished]
    if not orphans:
        return 0
    count = (
        Job.objects.unfinished()
        .filter(pk__in=orphans)
        .update(
            status=Job.Status.FAILED,
            failure=str(SERVER_ERROR),
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    )
    logger.warning("%s job(s) whose task had finished without them were failed", count)
    return count

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

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from .models import Job, WorkerHeartbeat

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
LOST_EXCEPTION = "jobs.recovery.WorkerLost"


class WorkerLost(Exception):
    """What a task that lost its worker MAX_ATTEMPTS times is recorded as failing with."""


def stale_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(seconds=settings.OVOP_WORKER_STALE_SECONDS)


def recover_stale(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Requeue (or fail, after MAX_ATTEMPTS) the running tasks of workers that are gone; forget the
    heartbeats of those workers; fail the jobs that never reached the queue. Returns the counts."""
    cutoff = stale_cutoff(now)
    alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    requeued = failed = 0
    with transaction.atomic():
        # skip_locked: a row another worker is claiming right now is not ours to judge.
        running = DBTaskResult.objects.running().select_for_update(skip_locked=True).order_by("started_at")
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
    forgotten, _rows = WorkerHeartbeat.objects.filter(beat_at__lt=cutoff).delete()
    # A job created but never handed to the backend (the process died in between).
    never_queued = Job.objects.filter(
        Q(task_result_id=""), status=Job.Status.QUEUED, created_at__lt=cutoff
    ).update(
        status=Job.Status.FAILED,
        failure=_("Pekerjaan ini tidak sempat masuk antrean. Coba lagi."),
        finished_at=timezone.now(),
    )
    return {"requeued": requeued, "failed": failed, "workers_gone": forgotten, "never_queued": never_queued}

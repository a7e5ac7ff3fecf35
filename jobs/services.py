"""Starting, running, finishing and retrying the officials' background jobs (jobs.models.Job).

A job is run by a Django task that takes the job's id (Job.task_path). The task calls job_run with the
work to do; the work reports progress through Progress and ends with job_complete, which it may call
inside its own final transaction, so that the data it writes and "done" commit together: a retried
task then finds the job done and does nothing (jobs.recovery puts a dead worker's task back).

Each run of a job is numbered (Job.attempts). job_complete, and any final write that calls job_hold
first, locks the job's row and goes on only when the job is still running this run: a run that was
given up for dead and run again (a worker that only looked dead) then cannot commit a second time.

The work runs in the language of the official who started the job (Job.language), so that its
messages are in the official's language.
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import Refused

from .models import Job

logger = logging.getLogger(__name__)

SERVER_ERROR = gettext_lazy(
    "Pekerjaan berhenti karena galat di server. Coba lagi; bila gagal lagi, hubungi admin Dinas."
)


class Superseded(Exception):
    """This run of the job is no longer the job's current run (it was given up for dead and run again,
    or the job finished): what it would write is rolled back."""


def _enqueue(job: Job) -> None:
    """Hand the job to the task backend. With the immediate backend (development, tests) the task runs
    here and now, before this returns."""
    result = import_string(job.task_path).enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id)[:64])
    job.refresh_from_db()


def job_start(*, owner, kind: str, title: str, task_path: str, params: dict, total: int = 0) -> Job:
    """A new job, queued. (A job that never reached the queue, because the process died in between, is
    marked failed by jobs.recovery, and its owner can retry it.)"""
    job = Job.objects.create(
        owner=owner,
        kind=kind,
        title=title[:200],
        task_path=task_path,
        params=params,
        total=total,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    _enqueue(job)
    return job


def job_retry(*, job: Job) -> Job:
    """A failed job, queued again from the start: its counters, result, errors and file cleared."""
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.status != Job.Status.FAILED:
            raise Refused(_("Hanya pekerjaan yang gagal yang dapat diulang."))
        if locked.file:
            locked.file.delete(save=False)
        locked.status, locked.done, locked.result, locked.errors = Job.Status.QUEUED, 0, {}, []
        locked.failure, locked.started_at, locked.finished_at, locked.file = "", None, None, ""
        locked.save()
    _enqueue(locked)
    return locked


def _job_begin(job_id: str) -> Job | None:
    """The job, marked running; None when it is already finished (a task run twice does nothing)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        job.status, job.started_at, job.done = Job.Status.RUNNING, timezone.now(), 0
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "done", "attempts", "updated_at"])
    return job


def job_hold(job: Job) -> None:
    """Lock the job's row for the rest of the caller's transaction, and raise Superseded unless the job
    is still running this run (the attempt _job_begin numbered). Call it first in the transaction that
    writes a job's outcome, so that a stale run rolls back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("job_hold must be called inside a transaction")
    current = Job.objects.select_for_update().filter(pk=job.pk).values_list("status", "attempts").first()
    if current != (Job.Status.RUNNING, job.attempts):
        raise Superseded(f"Job {job.pk} run {job.attempts} is superseded: {current}")


def job_run(job_id: str, work: Callable[[Job], None]) -> dict:
    """Run `work` for the job, in its owner's language. A refusal ends the job failed with its message;
    any other error too, with a message for the official, and is raised again so that the task result
    says so as well; so is anything that stops the process (SystemExit, KeyboardInterrupt). A run that
    was superseded leaves the job to the run that superseded it."""
    job = _job_begin(job_id)
    if job is None:
        return {"job": str(job_id), "skipped": True}
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            work(job)
        except Superseded:
            logger.warning("Job %s (%s) run %s was superseded", job.pk, job.task_path, job.attempts)
            return {"job": str(job.pk), "skipped": True, "superseded": True}
        except Refused as refusal:
            job_fail(job=job, message=refusal.message)
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.task_path)
            job_fail(job=job, message=str(SERVER_ERROR))
            raise
        except BaseException:
            # The process is being stopped: the job must not stay "running" for ever.
            logger.warning("Job %s (%s) stopped with its worker", job.pk, job.task_path, exc_info=True)
            try:
                job_fail(job=job, message=str(SERVER_ERROR))
            except Exception:  # the exit goes on whatever; jobs.recovery fails the job later
                logger.exception("Job %s could not be marked failed", job.pk)
            raise
    return {"job": str(job.pk), "status": Job.objects.values_list("status", flat=True).get(pk=job.pk)}


def job_complete(
    *, job: Job, result: dict, errors: list | None = None, file: File | None = None, failure: str = ""
) -> None:
    """The job's outcome: done, or failed when `failure` says why (a confirmed import with refused
    rows, which wrote nothing). Raises Superseded (and writes nothing) when this run is no longer the
    job's current one."""
    with transaction.atomic():
        job_hold(job)
        if file is not None:
            job.file.save(file.name, file, save=False)
        job.status = Job.Status.FAILED if failure else Job.Status.DONE
        job.result, job.errors, job.failure = result, errors or [], failure
        job.done = job.total = max(job.total, job.done)
        job.finished_at = timezone.now()
        job.save()


def job_fail(*, job: Job | None = None, job_id=None, message: str) -> None:
    """The job failed with `message`; given the run (`job`), only while that run is the current one."""
    jobs = Job.objects.filter(pk=job.pk if job is not None else job_id).exclude(status=Job.Status.DONE)
    if job is not None:
        jobs = jobs.filter(attempts=job.attempts)
    jobs.update(
        status=Job.Status.FAILED, failure=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


class Progress:
    """Rows done of total, written to the job as the work goes (at most every EVERY seconds, and the
    first and last rows always). Written in autocommit, so the progress page sees it at once: the
    caller must not be inside a transaction (officials.spreadsheets checks rows outside its write)."""

    EVERY = 0.5  # seconds

    def __init__(self, job: Job):
        self.job = job
        self._written_at = 0.0

    def __call__(self, done: int, total: int) -> None:
        done = min(done, total)
        now = time.monotonic()
        if done in (0, total) or now - self._written_at >= self.EVERY:
            self._written_at = now
            self.job.done, self.job.total = done, total
            Job.objects.filter(pk=self.job.pk).update(done=done, total=total, updated_at=timezone.now())

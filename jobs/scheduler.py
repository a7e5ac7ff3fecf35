"""Enqueue the tasks of OVOP_SCHEDULE when they are due (manage.py run_scheduler).

Each entry has a row (jobs.models.ScheduleEntry) holding when it is next due. A scheduler enqueues a
due task only after moving next_run_at on with a conditional UPDATE (… WHERE next_run_at = the value
it read): of two schedulers that read the same row, one updates it and enqueues, the other updates
nothing and moves on. So running a second scheduler (a spare, or cron with --once) is safe.

A run still waiting for a worker (READY: the workers are down or busy) is not joined by another: the
due run is skipped, so that a worker coming back finds one run of each task, not one per interval.
"""

import contextlib
import datetime
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from .models import ScheduleEntry

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    task_path: str
    enqueued: bool
    error: str = ""
    skipped: bool = False  # its previous run is still waiting for a worker


def _enqueue(task_path: str) -> tuple[str, str]:
    """Enqueue the task: the id of its result, and the error as text (logged) when its module or the
    task is missing."""
    try:
        result = import_string(task_path).enqueue()
    except Exception as error:  # a missing module, a name that is no task: the others still run
        logger.exception("Scheduled task %s could not be enqueued", task_path)
        return "", f"{type(error).__name__}: {error}"[:2000]
    return str(result.id)[:64], ""


def _still_waiting(entry: ScheduleEntry) -> bool:
    """Whether a run of the entry's task waits in the queue, not yet taken by a worker."""
    waiting = Q(task_path=entry.task_path)
    if entry.last_result_id:
        # (not a UUID: the id of another backend's result, the immediate one's; nothing waits)
        with contextlib.suppress(ValueError):
            waiting |= Q(id=uuid.UUID(entry.last_result_id))
    return DBTaskResult.objects.filter(waiting, status=TaskResultStatus.READY).exists()


def run_due(*, now: datetime.datetime | None = None) -> list[Outcome]:
    """Enqueue every scheduled task that is due and that no other scheduler claimed first."""
    now = now or timezone.now()
    outcomes = []
    for task_path, seconds in settings.OVOP_SCHEDULE:
        entry, _created = ScheduleEntry.objects.get_or_create(
            task_path=task_path, defaults={"next_run_at": now}
        )
        if entry.next_run_at > now:
            continue
        claimed = ScheduleEntry.objects.filter(task_path=task_path, next_run_at=entry.next_run_at).update(
            next_run_at=now + datetime.timedelta(seconds=seconds), last_run_at=now
        )
        if not claimed:
            continue  # another scheduler enqueued this run
        if _still_waiting(entry):
            logger.warning("Scheduled task %s skipped: its previous run still waits for a worker", task_path)
            outcomes.append(Outcome(task_path, enqueued=False, skipped=True))
            continue
        result_id, error = _enqueue(task_path)
        ScheduleEntry.objects.filter(task_path=task_path).update(last_error=error, last_result_id=result_id)
        outcomes.append(Outcome(task_path, enqueued=not error, error=error))
    return outcomes


def seconds_to_next(*, now: datetime.datetime | None = None, longest: float = 30.0) -> float:
    """How long the loop may sleep: until the next entry is due, between 1 and `longest` seconds."""
    now = now or timezone.now()
    paths = [path for path, _seconds in settings.OVOP_SCHEDULE]
    upcoming = ScheduleEntry.objects.filter(task_path__in=paths).order_by("next_run_at").first()
    if upcoming is None:
        return 1.0
    return max(1.0, min(longest, (upcoming.next_run_at - now).total_seconds()))

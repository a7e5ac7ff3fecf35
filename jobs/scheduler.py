"""Enqueue the tasks of OVOP_SCHEDULE when they are due (manage.py run_scheduler).

Each entry has a row (jobs.models.ScheduleEntry) holding when it is next due. A scheduler enqueues a
due task only after moving next_run_at on with a conditional UPDATE (… WHERE next_run_at = the value
it read): of two schedulers that read the same row, one updates it and enqueues, the other updates
nothing and moves on. So running a second scheduler (a spare, or cron with --once) is safe.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduleEntry

logger = logging.getLogger(__name__)


@dataclass
class Outcome:
    task_path: str
    enqueued: bool
    error: str = ""


def _enqueue(task_path: str) -> str:
    """Enqueue the task; the error as text (logged) when its module or the task is missing."""
    try:
        import_string(task_path).enqueue()
    except Exception as error:  # a missing module, a name that is no task: the others still run
        logger.exception("Scheduled task %s could not be enqueued", task_path)
        return f"{type(error).__name__}: {error}"[:2000]
    return ""


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
        error = _enqueue(task_path)
        ScheduleEntry.objects.filter(task_path=task_path).update(last_error=error)
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

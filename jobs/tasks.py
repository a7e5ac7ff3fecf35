"""The jobs app's own tasks (the officials' import and export tasks live in officials.spreadsheets)."""

from django.tasks import task

from .recovery import recover_stale


@task
def recover_stale_tasks() -> dict[str, int]:
    """Put the tasks of dead workers back in the queue (scheduled every minute in OVOP_SCHEDULE)."""
    return recover_stale()

"""Tasks for the tests only: the real import task with points where it stops until the test says go.

The worker process is given a folder (OVOP_TEST_GATES). On the first attempt of a job, the import
stops twice and says so with a file: at the third row it checks ("checked-3", waits for "go-on"), and
after it has written every row but before its transaction commits ("written", waits for "commit",
which the test never gives: it kills the worker there). Later attempts run straight through.
"""

import os
import time
from pathlib import Path
from unittest import mock

from django.tasks import task

from core.sheet_import import SheetImportResource
from jobs.models import Job, WorkerHeartbeat
from jobs.services import Progress
from officials import spreadsheets

DEADLINE_SECONDS = 120


def _gate(name: str) -> Path:
    return Path(os.environ["OVOP_TEST_GATES"]) / name


def wait_for(path: Path) -> None:
    """Until the test creates the file (a deadline, so that a broken test does not hang the worker)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.02)


@task
def import_stopping_at_gates(job_id: str) -> dict:
    if Job.objects.get(pk=job_id).attempts:
        return spreadsheets.import_task.call(job_id)
    real_progress, real_write_all = Progress.__call__, SheetImportResource.write_all

    def progress(self, done: int, total: int) -> None:
        real_progress(self, done, total)
        if done == 3:
            _gate("checked-3").touch()
            wait_for(_gate("go-on"))

    def write_all(self) -> None:
        real_write_all(self)
        _gate("written").touch()
        wait_for(_gate("commit"))

    with (
        mock.patch.object(Progress, "EVERY", 0),
        mock.patch.object(Progress, "__call__", progress),
        mock.patch.object(SheetImportResource, "write_all", write_all),
    ):
        return spreadsheets.import_task.call(job_id)


@task
def heartbeat_seen() -> bool:
    """Whether this worker's heartbeat is there while a task runs."""
    return WorkerHeartbeat.objects.exists()


@task
def fails() -> None:
    raise ValueError("on purpose")

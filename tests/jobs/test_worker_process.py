"""A real `manage.py run_worker` process, killed (SIGKILL) in the middle of a big import: its progress
was visible while it ran, it left no row written, recovery puts its task back in the queue, and a new
worker finishes it, writing the rows once."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import Job, WorkerHeartbeat
from jobs.recovery import recover_stale
from jobs.services import job_start
from officials.models import HeldUpload
from products.models import Producer
from tests.factories import make_dinas
from tests.officials.test_import_scale import producers

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 90


def until(condition, what: str):
    """Wait for a condition (polling the database or the disk), failing after a deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)
    return value


def database_url() -> str:
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{host}:{port}/{db['NAME']}"


def worker(worker_id: str, gates: Path, *extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_DEBUG": "true",
        "OVOP_TASKS": "database",
        "OVOP_WORKER_STALE_SECONDS": "4",  # beats every second
        "OVOP_TEST_GATES": str(gates),
    }
    command = [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--no-reload"]
    command += ["--interval", "0.1", "--worker-id", worker_id, *extra]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.mark.postgres_only
def test_a_killed_worker_leaves_nothing_written_and_its_import_is_finished_once_by_the_next(
    regions, database_tasks, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs a worker process sharing the test database; SQLite's test database lives in this "
            "process's memory (tests/jobs/test_worker.py covers the rest on SQLite)"
        )
    dinas = make_dinas()
    HeldUpload.objects.create(
        token="t" * 32, owner=dinas, kind="produsen", name="data.xlsx", data=producers(8, "A")
    )
    job = job_start(
        owner=dinas,
        kind=Job.Kind.IMPORT,
        title="Impor produsen",
        task_path="tests.jobs.tasks.import_stopping_at_gates",
        params={"ref": "t" * 32, "kind": "produsen", "name": "data.xlsx"},
    )
    first = worker("first", tmp_path)
    try:
        # Progress is seen while the worker checks the rows.
        until((tmp_path / "checked-3").exists, "the worker checked three rows")
        job.refresh_from_db()
        assert (job.status, job.done, job.total) == ("running", 3, 8)
        beat = WorkerHeartbeat.objects.get(worker_id="first").beat_at
        until(lambda: WorkerHeartbeat.objects.get(worker_id="first").beat_at > beat, "a heartbeat mid-task")
        (tmp_path / "go-on").touch()

        # Every row written, not committed: killed there.
        until((tmp_path / "written").exists, "the worker wrote the rows")
        job.refresh_from_db()
        assert (job.status, job.done, job.total) == ("running", 8, 8)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=DEADLINE_SECONDS)
    finally:
        first.kill()
    assert not Producer.objects.exists() and not Producer.history.exists()
    result = DBTaskResult.objects.get(id=job.task_result_id)
    assert result.status == TaskResultStatus.RUNNING and result.worker_ids == ["first"]

    # Its heartbeat goes stale; recovery puts the task back in the queue.
    too_old = timezone.now() - datetime.timedelta(seconds=settings.OVOP_WORKER_STALE_SECONDS + 1)
    WorkerHeartbeat.objects.filter(worker_id="first").update(beat_at=too_old)
    assert recover_stale()["requeued"] == 1
    result.refresh_from_db()
    job.refresh_from_db()
    assert result.status == TaskResultStatus.READY and job.status == "queued"

    second = worker("second", tmp_path, "--batch")  # runs what is queued, then stops
    try:
        second.wait(timeout=DEADLINE_SECONDS)
    finally:
        second.kill()
    assert second.returncode == 0, second.stdout.read().decode()

    job.refresh_from_db()
    result.refresh_from_db()
    assert (job.status, job.attempts, job.result["counts"]["new"]) == ("done", 2, 8)
    assert result.status == TaskResultStatus.SUCCESSFUL and result.worker_ids == ["first", "second"]
    assert Producer.objects.count() == 8 and Producer.history.count() == 8
    assert sorted(Producer.objects.values_list("business_name", flat=True)) == sorted(
        f"A {n}" for n in range(8)
    )
    assert not WorkerHeartbeat.objects.exists()
    assert not HeldUpload.objects.exists()


@pytest.mark.postgres_only
def test_a_worker_stopped_with_sigterm_removes_its_heartbeat(transactional_db, database_tasks, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs a worker process sharing the test database (see above)")
    process = worker("polite", tmp_path)
    try:
        until(lambda: WorkerHeartbeat.objects.filter(worker_id="polite").exists(), "the worker's heartbeat")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=DEADLINE_SECONDS) == 0
    finally:
        process.kill()
    assert not WorkerHeartbeat.objects.exists()

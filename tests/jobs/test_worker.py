"""The worker (manage.py run_worker) with the real database backend, in this process: it runs what the
pages queue, says it is alive while it works, and runs again what a dead worker left half done."""

import datetime

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import Job, WorkerHeartbeat
from jobs.recovery import MAX_ATTEMPTS, recover_stale
from jobs.services import job_start
from jobs.worker import HeartbeatWorker
from products.models import Producer
from tests.jobs import tasks
from tests.officials.test_import_scale import producers
from tests.officials.test_spreadsheets import confirm, upload

pytestmark = pytest.mark.usefixtures("database_tasks", "big_above_two")


def run_queue(worker_id: str = "worker-1") -> None:
    """One worker, until the queue is empty (db_worker's --batch)."""
    HeartbeatWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def test_a_worker_runs_the_preview_and_the_import_the_pages_queued(regions, dinas_client):
    response = upload(dinas_client, "produsen", producers(3, "A"))
    preview_job = Job.objects.get()
    assert preview_job.status == "queued" and DBTaskResult.objects.ready().count() == 1
    assert "Menunggu giliran" in dinas_client.get(response.url).content.decode()

    run_queue()

    preview_job.refresh_from_db()
    assert (preview_job.status, preview_job.done, preview_job.total) == ("done", 3, 3)
    assert not Producer.objects.exists()
    confirm(dinas_client, preview_job.params["ref"])
    run_queue()

    import_job = Job.objects.exclude(pk=preview_job.pk).get()
    assert import_job.status == "done" and import_job.attempts == 1
    assert Producer.objects.count() == 3
    assert DBTaskResult.objects.get(id=import_job.task_result_id).status == TaskResultStatus.SUCCESSFUL
    assert not WorkerHeartbeat.objects.exists()  # a worker that stops cleanly removes its heartbeat


def test_a_worker_has_its_heartbeat_while_a_task_runs(transactional_db):
    result = tasks.heartbeat_seen.enqueue()

    call_command(
        "run_worker", "--batch", "--no-startup-delay", "--no-reload", "--worker-id", "w", verbosity=0
    )

    assert DBTaskResult.objects.get(id=result.id).return_value is True
    assert not WorkerHeartbeat.objects.exists()


def test_a_task_a_dead_worker_left_running_is_run_by_the_next_worker_and_writes_its_rows_once(
    regions, dinas_client
):
    upload(dinas_client, "produsen", producers(3, "A"))
    run_queue()
    confirm(dinas_client, Job.objects.get().params["ref"])
    import_job = Job.objects.get(status="queued")
    # A worker took it and died: no heartbeat of it is left.
    DBTaskResult.objects.get(id=import_job.task_result_id).claim("dead-worker")
    Job.objects.filter(pk=import_job.pk).update(status="running", attempts=1)

    run_queue("worker-2")  # on start, it puts the task back in the queue

    import_job.refresh_from_db()
    result = DBTaskResult.objects.get(id=import_job.task_result_id)
    assert (import_job.status, import_job.attempts) == ("done", 2)
    assert result.status == TaskResultStatus.SUCCESSFUL and result.worker_ids == ["dead-worker", "worker-2"]
    assert Producer.objects.count() == 3 and Producer.history.count() == 3


def running_task(dinas, worker_ids: list[str]) -> tuple[DBTaskResult, Job]:
    job = job_start(
        owner=dinas, kind="export", title="Ekspor", task_path="officials.spreadsheets.export_task", params={}
    )
    result = DBTaskResult.objects.get(id=job.task_result_id)
    for worker_id in worker_ids:
        result.claim(worker_id)
    Job.objects.filter(pk=job.pk).update(status="running", attempts=len(worker_ids))
    return result, job


@pytest.mark.django_db
def test_running_tasks_of_gone_workers_are_requeued_and_failed_after_three_attempts(dinas, settings):
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.OVOP_WORKER_STALE_SECONDS + 1)
    WorkerHeartbeat.objects.create(worker_id="alive", beat_at=now)
    WorkerHeartbeat.objects.create(worker_id="silent", beat_at=stale)
    busy, busy_job = running_task(dinas, ["alive"])
    orphan, orphan_job = running_task(dinas, ["never-beat"])
    worn, worn_job = running_task(dinas, ["a", "b", "silent"][-MAX_ATTEMPTS:])

    counts = recover_stale()

    assert (counts["requeued"], counts["failed"], counts["workers_gone"]) == (1, 1, 1)
    for row in (busy, orphan, worn, busy_job, orphan_job, worn_job):
        row.refresh_from_db()
    assert busy.status == TaskResultStatus.RUNNING and busy_job.status == "running"
    assert orphan.status == TaskResultStatus.READY and orphan.started_at is None
    assert orphan_job.status == "queued"
    assert worn.status == TaskResultStatus.FAILED and worn.exception_class_path == "jobs.recovery.WorkerLost"
    assert worn_job.status == "failed" and "terhenti 3 kali" in worn_job.failure
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]


@pytest.mark.django_db
def test_a_job_that_never_reached_the_queue_is_failed_so_that_it_can_be_retried(dinas, settings):
    job = Job.objects.create(owner=dinas, kind="export", title="Ekspor", task_path="x")
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.OVOP_WORKER_STALE_SECONDS + 1)
    Job.objects.filter(pk=job.pk).update(created_at=long_ago)

    assert recover_stale()["never_queued"] == 1

    job.refresh_from_db()
    assert job.status == "failed" and "tidak sempat masuk antrean" in job.failure


def test_a_task_that_breaks_fails_its_job_with_a_message_for_the_official(regions, dinas, dinas_client):
    job = job_start(
        owner=dinas, kind="export", title="Ekspor", task_path="officials.spreadsheets.export_task", params={}
    )

    run_queue()

    job.refresh_from_db()
    assert job.status == "failed" and "galat di server" in job.failure
    assert DBTaskResult.objects.get(id=job.task_result_id).status == TaskResultStatus.FAILED
    page = dinas_client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "galat di server" in page and reverse("jobs:retry", args=[job.pk]) in page

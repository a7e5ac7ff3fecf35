"""What recovery, the worker, the jobs and the scheduler must not get wrong: a task still running is
never given up for dead by a clock, a run given up cannot commit, a dying heartbeat stops its worker,
a job never stays running for ever, old jobs and results go, and a job speaks its official's language."""

import datetime
import logging
import threading
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db.models import F
from django.tasks import TaskResultStatus
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from jobs import tasks as jobs_tasks
from jobs import worker as jobs_worker
from jobs.models import Job, WorkerHeartbeat
from jobs.recovery import recover_stale
from jobs.services import Progress, job_run, job_start
from jobs.worker import HeartbeatWorker, write_heartbeat
from officials import spreadsheets
from officials.models import HeldUpload
from products.models import Producer
from tests.jobs.test_worker import run_queue, running_task
from tests.officials.test_import_scale import producers
from tests.officials.test_spreadsheets import confirm, producer_row, producers_file, upload

pytestmark = pytest.mark.usefixtures("database_tasks", "big_above_two")

SKEW = datetime.timedelta(minutes=10)


def skewed_clock(by: datetime.timedelta):
    """This machine's clock, off by `by` (the database's is not)."""
    real_now = timezone.now
    return mock.patch("django.utils.timezone.now", lambda: real_now() + by)


# --- 1a: the heartbeat and its staleness go by the database's clock -----------------------------------


@pytest.mark.django_db
def test_a_worker_whose_clock_is_behind_is_not_taken_for_dead(dinas):
    result, job = running_task(dinas, ["slow-clock"])
    with skewed_clock(-SKEW):
        assert write_heartbeat("slow-clock")

    assert recover_stale()["requeued"] == 0

    result.refresh_from_db()
    job.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING and job.status == "running"
    assert WorkerHeartbeat.objects.filter(worker_id="slow-clock").exists()


@pytest.mark.django_db
def test_a_recovery_whose_clock_is_ahead_takes_no_live_worker_for_dead(dinas):
    result, job = running_task(dinas, ["alive"])
    write_heartbeat("alive")

    with skewed_clock(SKEW):
        counts = recover_stale()

    assert (counts["requeued"], counts["failed"], counts["workers_gone"]) == (0, 0, 0)
    result.refresh_from_db()
    assert result.status == TaskResultStatus.RUNNING


# --- 1b: a run given up for dead cannot commit its import ----------------------------------------------


def big_import_job(owner, data: bytes) -> Job:
    HeldUpload.objects.create(token="t" * 32, owner=owner, kind="produsen", name="data.xlsx", data=data)
    return job_start(
        owner=owner,
        kind=Job.Kind.IMPORT,
        title="Impor produsen",
        task_path="officials.spreadsheets.import_task",
        params={"ref": "t" * 32, "kind": "produsen", "name": "data.xlsx"},
    )


@pytest.mark.django_db
def test_an_import_run_superseded_while_it_checked_the_rows_writes_nothing(regions, dinas):
    job = big_import_job(dinas, producers(4, "A"))
    real_progress = Progress.__call__

    def progress(self, done: int, total: int) -> None:
        real_progress(self, done, total)
        if done == total:
            # Meanwhile recovery gave this run up for dead and another worker began the job again.
            Job.objects.filter(pk=self.job.pk).update(attempts=F("attempts") + 1)

    with mock.patch.object(Progress, "__call__", progress):
        outcome = spreadsheets.import_task.call(str(job.pk))

    assert not Producer.objects.exists() and not Producer.history.exists()
    assert outcome["superseded"] is True
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("running", 2)  # left to the run that superseded it
    assert HeldUpload.objects.exists()

    # The current run writes the rows, once.
    Job.objects.filter(pk=job.pk).update(status="queued")
    spreadsheets.import_task.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == "done" and Producer.objects.count() == 4


@pytest.mark.django_db
def test_an_import_whose_job_was_requeued_meanwhile_writes_nothing(regions, dinas):
    job = big_import_job(dinas, producers(4, "A"))
    real_progress = Progress.__call__

    def progress(self, done: int, total: int) -> None:
        real_progress(self, done, total)
        if done == total:
            Job.objects.filter(pk=self.job.pk).update(status="queued")  # recovery put it back

    with mock.patch.object(Progress, "__call__", progress):
        spreadsheets.import_task.call(str(job.pk))

    assert not Producer.objects.exists()
    job.refresh_from_db()
    assert job.status == "queued"


# --- 1c: a worker whose heartbeat died stops -------------------------------------------------------------


@pytest.mark.usefixtures("transactional_db")
def test_a_worker_whose_heartbeat_thread_dies_stops_taking_tasks(settings, caplog):
    settings.OVOP_WORKER_STALE_SECONDS = 2  # a beat every half second
    real_write = jobs_worker.write_heartbeat
    beats = []

    def write_then_break(worker_id: str) -> bool:
        beats.append(threading.current_thread().name)
        if len(beats) == 1:
            return real_write(worker_id)  # the worker's own, on start
        raise RuntimeError("the heartbeat thread breaks")

    worker = HeartbeatWorker(
        queue_names=["default"],
        interval=0.05,
        batch=False,  # would poll for ever
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="doomed",
        excluded_queue_names=[],
    )
    # A deadline only, so that a worker that does not stop fails the test instead of hanging it.
    deadline = threading.Timer(60, lambda: setattr(worker, "running", False))
    deadline.start()
    with (
        mock.patch.object(jobs_worker, "write_heartbeat", write_then_break),
        caplog.at_level(logging.CRITICAL, logger="jobs.worker"),
        pytest.raises(SystemExit) as stopped,
    ):
        worker.run()
    deadline.cancel()

    assert stopped.value.code == 1 and worker.heartbeat_died
    assert "heartbeat of worker doomed died" in caplog.text
    assert not WorkerHeartbeat.objects.exists()


# --- 2: no job stays running for ever ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_job_whose_worker_exits_in_the_middle_is_failed_and_the_exit_goes_on(dinas):
    job = job_start(
        owner=dinas, kind="export", title="Ekspor", task_path="officials.spreadsheets.export_task", params={}
    )

    def work(_job):
        raise SystemExit(0)  # Worker.shutdown on a second SIGTERM

    with pytest.raises(SystemExit):
        job_run(str(job.pk), work)

    job.refresh_from_db()
    assert job.status == "failed" and job.failure and job.finished_at


@pytest.mark.django_db
def test_recovery_fails_the_unfinished_jobs_whose_task_is_over(dinas, settings):
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.OVOP_WORKER_STALE_SECONDS + 1)
    ended = {}
    for status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL):
        result, job = running_task(dinas, ["w"])
        DBTaskResult.objects.filter(id=result.id).update(status=status, finished_at=long_ago)
        Job.objects.filter(pk=job.pk).update(updated_at=long_ago)
        ended[status] = job
    still, still_job = running_task(dinas, ["w"])
    WorkerHeartbeat.objects.create(worker_id="w", beat_at=timezone.now())
    just_retried, retried_job = running_task(dinas, ["w"])
    DBTaskResult.objects.filter(id=just_retried.id).update(status=TaskResultStatus.FAILED)

    assert recover_stale()["orphaned"] == 2

    for job in ended.values():
        job.refresh_from_db()
        assert job.status == "failed" and job.failure
    for job in (still_job, retried_job):  # its task is running / it was touched a moment ago
        job.refresh_from_db()
        assert job.status == "running"


# --- 4: old jobs and task results are pruned -----------------------------------------------------------


@pytest.mark.django_db
def test_prune_deletes_old_finished_jobs_with_their_files_and_old_finished_task_results(dinas):
    now = timezone.now()

    def job(status: str, days: int) -> Job:
        made = Job.objects.create(
            owner=dinas, kind="export", title=f"{status} {days}", task_path="x", status=status
        )
        made.file.save("ekspor.csv", ContentFile(b"a,b\n"), save=True)
        finished = now - datetime.timedelta(days=days) if status in ("done", "failed") else None
        Job.objects.filter(pk=made.pk).update(
            finished_at=finished, created_at=now - datetime.timedelta(days=days)
        )
        return made

    old_done, old_failed = job("done", 31), job("failed", 40)
    recent, old_running = job("done", 29), job("running", 60)
    old_file = old_done.file.name
    storage = old_done.file.storage

    def result(status: str, days: int) -> DBTaskResult:
        made = jobs_tasks.recover_stale_tasks.enqueue()
        DBTaskResult.objects.filter(id=made.id).update(
            status=status, finished_at=now - datetime.timedelta(days=days)
        )
        return DBTaskResult.objects.get(id=made.id)

    gone = [result(TaskResultStatus.SUCCESSFUL, 8), result(TaskResultStatus.FAILED, 30)]
    kept = [result(TaskResultStatus.SUCCESSFUL, 6), result(TaskResultStatus.READY, 30)]

    assert jobs_tasks.prune.call() == {"jobs": 2, "task_results": 2}

    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, old_running.pk}
    assert not storage.exists(old_file) and storage.exists(recent.file.name)
    remaining = set(DBTaskResult.objects.values_list("id", flat=True))
    assert {r.id for r in kept} <= remaining and not {r.id for r in gone} & remaining
    assert old_failed.pk not in set(Job.objects.values_list("pk", flat=True))


# --- 5: a job speaks its official's language ------------------------------------------------------------


def test_an_english_officials_big_import_reports_its_refused_rows_in_english(regions, dinas, dinas_client):
    dinas_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    bad = producer_row(**{"Nama usaha": "Tanpa Desa", "Kode desa": "99.99.99.9999"})
    data = producers_file(producer_row(**{"Nama usaha": "Satu"}), producer_row(**{"Nama usaha": "Dua"}), bad)
    upload(dinas_client, "produsen", data)
    job = Job.objects.get()
    assert job.language == "en" and job.status == "queued"

    with translation.override(django_settings.LANGUAGE_CODE):  # the worker's own language
        run_queue()
    job.refresh_from_db()
    assert job.status == "done"
    [(row, _column, reason)] = job.errors
    assert row == 4
    assert "Village code “99.99.99.9999” is not recognised" in reason and "tidak dikenal" not in reason
    confirm(dinas_client, job.params["ref"])
    with translation.override(django_settings.LANGUAGE_CODE):
        run_queue()
    import_job = Job.objects.exclude(pk=job.pk).get()
    assert import_job.language == "en" and import_job.status == "failed"
    assert "is not recognised" in import_job.errors[0][2] and "Tidak ada" not in import_job.failure

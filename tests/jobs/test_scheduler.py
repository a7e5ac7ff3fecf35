"""manage.py run_scheduler enqueues each task of OVOP_SCHEDULE when it is due, once per due time even
with two schedulers, and goes on when one task's module is missing."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs import scheduler
from jobs.models import ScheduleEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("database_tasks")]


@pytest.fixture(autouse=True)
def _schedule(settings):
    settings.OVOP_SCHEDULE = [
        ("jobs.tasks.recover_stale_tasks", 60),
        ("tests.jobs.tasks.heartbeat_seen", 900),
    ]


def enqueued() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


def once() -> str:
    out, err = StringIO(), StringIO()
    call_command("run_scheduler", "--once", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_once_enqueues_what_is_due_and_nothing_again_until_its_interval_has_passed():
    once()
    assert enqueued() == ["jobs.tasks.recover_stale_tasks", "tests.jobs.tasks.heartbeat_seen"]

    once()
    assert len(enqueued()) == 2

    # a minute later, a worker having run the first runs: the one-minute task is due again, the
    # quarter-hour one is not
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL)
    ScheduleEntry.objects.filter(task_path="jobs.tasks.recover_stale_tasks").update(
        next_run_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    output = once()
    assert enqueued().count("jobs.tasks.recover_stale_tasks") == 2
    assert enqueued().count("tests.jobs.tasks.heartbeat_seen") == 1
    assert "1 task(s) enqueued" in output


def test_a_missing_task_module_is_reported_and_the_other_tasks_still_run(settings):
    settings.OVOP_SCHEDULE = [("nowhere.tasks.gone", 60), ("jobs.tasks.recover_stale_tasks", 60)]

    output = once()

    assert enqueued() == ["jobs.tasks.recover_stale_tasks"]
    assert "nowhere.tasks.gone: not enqueued" in output
    assert "ModuleNotFoundError" in ScheduleEntry.objects.get(task_path="nowhere.tasks.gone").last_error
    assert ScheduleEntry.objects.get(task_path="jobs.tasks.recover_stale_tasks").last_error == ""


def test_of_two_schedulers_that_read_the_same_due_entry_only_one_enqueues_it(monkeypatch):
    read = ScheduleEntry.objects.get_or_create
    other_ran = []

    def read_then_the_other_scheduler_runs(*args, **kwargs):
        entry = read(*args, **kwargs)
        if not other_ran:
            other_ran.append(True)
            scheduler.run_due()  # the second scheduler, between this one's read and its claim
        return entry

    monkeypatch.setattr(ScheduleEntry.objects, "get_or_create", read_then_the_other_scheduler_runs)
    first = scheduler.run_due()

    assert enqueued() == ["jobs.tasks.recover_stale_tasks", "tests.jobs.tasks.heartbeat_seen"]
    assert first == []  # the other scheduler claimed both runs: this one enqueued nothing


def due_again(task_path: str) -> None:
    ScheduleEntry.objects.filter(task_path=task_path).update(
        next_run_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def test_a_due_task_whose_last_run_still_waits_for_a_worker_is_not_enqueued_again(settings):
    settings.OVOP_SCHEDULE = [("jobs.tasks.recover_stale_tasks", 60)]
    once()
    first = DBTaskResult.objects.get()

    # The workers are down: the run waits, and the due runs after it are skipped, not piled up.
    for _minute in range(3):
        due_again("jobs.tasks.recover_stale_tasks")
        output = once()
        assert "skipped" in output and "0 task(s) enqueued" in output
    assert DBTaskResult.objects.count() == 1
    assert ScheduleEntry.objects.get().last_result_id == str(first.id)

    # A worker took it: the next due run is enqueued.
    first.claim("worker-1")
    due_again("jobs.tasks.recover_stale_tasks")
    assert "1 task(s) enqueued" in once()
    assert DBTaskResult.objects.count() == 2

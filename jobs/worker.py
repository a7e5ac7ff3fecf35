"""The portal's worker: django-tasks-db's Worker that says it is alive.

On start it writes its heartbeat (jobs.models.WorkerHeartbeat) and puts back the tasks of dead
workers (jobs.recovery); a thread then writes the heartbeat every few seconds, also while a long task
runs, with its own database connection. The heartbeat is written with the database's clock (Now()), the
one jobs.recovery judges it by, so no clock of a machine can make a live worker look dead. On a clean
shutdown (SIGTERM, SIGINT) the row is deleted; a killed worker leaves it behind, goes stale, and its
task is run again by another. Should the heartbeat thread die, the worker stops taking tasks (its
running task would otherwise be run a second time by another worker) and exits after the current one.
"""

import logging
import os
import socket
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, OperationalError, connection
from django.db.models.functions import Now
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.utils import is_locked_database_exception

from .models import WorkerHeartbeat
from .recovery import recover_stale

logger = logging.getLogger(__name__)


def beat_interval() -> float:
    """Often enough that a live worker never looks stale: a quarter of the stale time, 5 s at most."""
    return max(0.5, min(5.0, settings.OVOP_WORKER_STALE_SECONDS / 4))


def write_heartbeat(worker_id: str) -> bool:
    """This worker's row, at the database's time. False (and nothing raised) when SQLite is busy with a
    long write: the next beat will do."""
    try:
        updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=Now())
        if not updated:
            WorkerHeartbeat.objects.update_or_create(
                worker_id=worker_id,
                defaults={"beat_at": Now(), "hostname": socket.gethostname()[:255], "pid": os.getpid()},
            )
        return True
    except OperationalError as error:
        if is_locked_database_exception(error):
            return False
        raise


class Heartbeat(threading.Thread):
    """Writes the heartbeat every `interval` seconds until stopped. Should it die of anything else than
    a database hiccup, it logs it and calls `on_death` (the worker then stops taking tasks)."""

    def __init__(self, worker_id: str, interval: float, on_death: Callable[[], None] = lambda: None):
        super().__init__(name=f"heartbeat-{worker_id[:8]}", daemon=True)
        self.worker_id, self.interval, self.on_death = worker_id, interval, on_death
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.wait(self.interval):
                try:
                    write_heartbeat(self.worker_id)
                except DatabaseError:
                    # The database went away for a moment: a fresh connection next time.
                    logger.warning("Worker %s could not write its heartbeat", self.worker_id, exc_info=True)
                    connection.close()
        except BaseException:
            logger.critical(
                "The heartbeat of worker %s died: the worker stops after its current task",
                self.worker_id,
                exc_info=True,
            )
            self.on_death()
        finally:
            connection.close()  # this thread's own connection

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.interval + 5)


class HeartbeatWorker(Worker):
    heartbeat_died = False

    def stop_taking_tasks(self) -> None:
        """Called from the heartbeat thread when it dies: the loop ends after the running task."""
        self.heartbeat_died = True
        self.running = False

    def run(self) -> None:
        heartbeat = Heartbeat(self.worker_id, beat_interval(), on_death=self.stop_taking_tasks)
        try:
            # Inside the try: a SIGTERM arriving during start-up (sys.exit in Worker.shutdown) still
            # removes the row written here.
            write_heartbeat(self.worker_id)
            counts = recover_stale()
            if counts["requeued"] or counts["failed"]:
                logger.warning("Tasks of dead workers: %(requeued)s requeued, %(failed)s failed", counts)
            heartbeat.start()
            super().run()
            if self.heartbeat_died:
                raise SystemExit(1)  # so that the service manager starts a healthy worker
        finally:
            if heartbeat.is_alive():
                heartbeat.stop()
            try:
                WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
            except DatabaseError:
                logger.warning("Worker %s could not remove its heartbeat", self.worker_id, exc_info=True)

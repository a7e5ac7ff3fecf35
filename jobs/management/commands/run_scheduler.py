"""manage.py run_scheduler: enqueue OVOP_SCHEDULE's tasks when they are due (jobs.scheduler)."""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from jobs.scheduler import run_due, seconds_to_next


class Command(BaseCommand):
    help = (
        "Enqueue each task of OVOP_SCHEDULE when its interval has passed; runs until stopped. Safe to "
        "run twice. --once: one pass, for cron and tests."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Enqueue what is due now, then exit.")

    def handle(self, *, once: bool, verbosity: int, **options) -> None:
        stopping = threading.Event()
        if not once:
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_args: stopping.set())
        while not stopping.is_set():
            if not once:
                close_old_connections()  # a long-running loop, as between requests
            try:
                outcomes = run_due()
            except DatabaseError as error:
                if once:
                    raise
                self.stderr.write(f"Scheduler: database unavailable ({error}); trying again.")
                outcomes = []
            for outcome in outcomes:
                if outcome.error:
                    self.stderr.write(f"{outcome.task_path}: not enqueued ({outcome.error})")
                elif outcome.skipped:
                    self.stderr.write(f"{outcome.task_path}: skipped (its previous run still waits)")
                elif verbosity:
                    self.stdout.write(f"{outcome.task_path}: enqueued")
            if once:
                if verbosity:
                    self.stdout.write(f"{sum(o.enqueued for o in outcomes)} task(s) enqueued.")
                return
            try:
                wait = seconds_to_next()
            except DatabaseError:
                wait = 5.0
            stopping.wait(wait)

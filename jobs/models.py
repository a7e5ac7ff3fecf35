"""Background work the officials start and watch, and the workers that run it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One row per running worker process (manage.py run_worker), written as it works. /readyz/ reads
    the newest; a worker silent for OVOP_WORKER_STALE_SECONDS is gone and its running tasks go back to
    the queue (jobs.recovery)."""

    worker_id = models.CharField(_("worker"), max_length=64, primary_key=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("PID"), null=True, blank=True)
    started_at = models.DateTimeField(_("mulai"), auto_now_add=True)
    beat_at = models.DateTimeField(_("detak terakhir"), db_index=True)

    class Meta:
        verbose_name = _("detak worker")
        verbose_name_plural = _("detak worker")

    def __str__(self) -> str:
        return f"{self.worker_id} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"

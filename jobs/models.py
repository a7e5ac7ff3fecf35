"""Background work the officials start and watch, and the workers that run it."""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage


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


class JobQuerySet(models.QuerySet):
    def for_owner(self, user) -> "JobQuerySet":
        return self.filter(owner=user)

    def unfinished(self) -> "JobQuerySet":
        return self.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])

    def for_list(self) -> "JobQuerySet":
        return self.order_by("-created_at", "-pk")


class Job(models.Model):
    """An import or an export an official started, run by a worker (jobs.services runs it): what it
    is, how far it got, and what came of it. Only its owner sees it."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("Impor")
        EXPORT = "export", _("Ekspor")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Menunggu")
        RUNNING = "running", _("Berjalan")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("pemilik")
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("baris selesai"), default=0)
    total = models.PositiveIntegerField(_("jumlah baris"), default=0)
    # The task that runs it (a dotted path to a Django task taking the job's id) and what it reads.
    task_path = models.CharField(_("tugas"), max_length=200)
    params = models.JSONField(_("parameter"), default=dict, blank=True)
    result = models.JSONField(_("hasil"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    file = models.FileField(_("berkas"), storage=private_storage, upload_to="jobs/%Y/%m/", blank=True)
    # (spreadsheet row, column, reason) of each refused row
    errors = models.JSONField(_("baris ditolak"), default=list, blank=True)
    failure = models.TextField(_("alasan gagal"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    # The language of the official who started it: its messages are written in it (jobs.services).
    language = models.CharField(_("bahasa"), max_length=16, default=settings.LANGUAGE_CODE)
    task_result_id = models.CharField(_("ID hasil tugas"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("pekerjaan")
        verbose_name_plural = _("pekerjaan")
        indexes = [models.Index(fields=["owner", "-created_at"], name="job_owner_recent_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(done__lte=models.F("total")) | models.Q(total=0),
                name="job_done_within_total",
                violation_error_message=_("Baris selesai tidak boleh melebihi jumlah baris."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("jobs:detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0


class ScheduleEntry(models.Model):
    """When a task of OVOP_SCHEDULE is next due. A scheduler enqueues it only after moving next_run_at
    on with a conditional UPDATE, so two schedulers never enqueue the same run (jobs.scheduler)."""

    task_path = models.CharField(_("tugas"), max_length=200, primary_key=True)
    next_run_at = models.DateTimeField(_("jalan berikutnya"))
    last_run_at = models.DateTimeField(_("jalan terakhir"), null=True, blank=True)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    # The task result of the last run enqueued: while it still waits for a worker, no other is enqueued.
    last_result_id = models.CharField(_("ID hasil tugas terakhir"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("jadwal")
        verbose_name_plural = _("jadwal")

    def __str__(self) -> str:
        return self.task_path

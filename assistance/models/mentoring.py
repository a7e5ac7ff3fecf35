"""Mentoring visits to producers and products, and their photos."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.concurrency import bump_row_version
from products.models import Producer, Product
from villages.models import sees_every_row
from villages.roles import Scope


def visit_photo_upload_to(instance: "VisitPhoto", filename: str) -> str:
    return f"pendampingan/{timezone.localdate():%Y/%m}/{filename}"


class MentoringVisitQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> "MentoringVisitQuerySet":
        if sees_every_row(scope):  # every visit has a product or a producer (visit_has_a_subject)
            return self.all()
        in_scope = Q(product__in=Product.objects.for_scope(scope)) | Q(
            producer__in=Producer.objects.for_scope(scope)
        )
        return self.filter(in_scope)

    def follow_ups_open(self) -> "MentoringVisitQuerySet":
        """Visits whose agreed next action is neither done nor closed."""
        return self.filter(next_action_done=False).exclude(next_action="")

    def actions_overdue(self, on: datetime.date | None = None) -> "MentoringVisitQuerySet":
        """Open follow-ups past their due date (the rescheduled one, if it was moved)."""
        on = on or timezone.localdate()
        return self.follow_ups_open().filter(next_action_due__lt=on)

    def actions_due_by(self, day: datetime.date) -> "MentoringVisitQuerySet":
        """Open follow-ups due on or before `day`: overdue ones and those coming due."""
        return self.follow_ups_open().filter(next_action_due__lte=day)


class MentoringVisit(models.Model):
    """A mentoring visit (pendampingan) to a product or a producer."""

    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("produk"),
    )
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("produsen"),
    )
    visited_on = models.DateField(_("tanggal kunjungan"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("petugas pendamping"),
    )
    findings = models.TextField(_("temuan"))
    next_action = models.CharField(_("tindak lanjut yang disepakati"), max_length=255, blank=True)
    next_action_due = models.DateField(_("batas waktu tindak lanjut"), null=True, blank=True)
    next_action_done = models.BooleanField(_("tindak lanjut selesai"), default=False)
    # Closing and rescheduling (assistance.services.visit_follow_up_close/_reschedule); who did it and
    # when it was recorded are in the history. A follow-up marked done before these fields existed (or
    # by a bulk write) may lack its date: "done, date not recorded", never an invented one.
    next_action_done_on = models.DateField(_("tanggal tindak lanjut selesai"), null=True, blank=True)
    next_action_note = models.TextField(_("catatan tindak lanjut"), blank=True)
    next_action_first_due = models.DateField(
        _("batas waktu semula"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Batas waktu yang pertama disepakati, bila tindak lanjut dijadwalkan ulang."),
    )
    next_action_reschedule_reason = models.TextField(_("alasan penjadwalan ulang"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    # Optimistic lock for edit forms (core.concurrency): every save adds one.
    row_version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = MentoringVisitQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("riwayat kunjungan pendampingan"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat kunjungan pendampingan"),
    )

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("kunjungan pendampingan")
        verbose_name_plural = pgettext_lazy("plural", "kunjungan pendampingan")
        constraints = [
            models.CheckConstraint(
                condition=Q(product__isnull=False) | Q(producer__isnull=False),
                name="visit_has_a_subject",
                violation_error_message=_("Pilih produk atau produsen yang dikunjungi."),
            ),
            models.CheckConstraint(
                condition=Q(next_action_due__isnull=True) | Q(next_action_due__gte=models.F("visited_on")),
                name="visit_due_after_visit",
            ),
            models.CheckConstraint(
                condition=Q(next_action_done_on__isnull=True) | Q(next_action_done=True),
                name="visit_done_date_means_done",
                violation_error_message=_("Tanggal selesai hanya untuk tindak lanjut yang selesai."),
            ),
            models.CheckConstraint(
                condition=Q(next_action_done_on__isnull=True)
                | Q(next_action_done_on__gte=models.F("visited_on")),
                name="visit_done_after_visit",
                violation_error_message=_("Tindak lanjut tidak mungkin selesai sebelum kunjungannya."),
            ),
            models.CheckConstraint(
                condition=Q(next_action_first_due__isnull=True) | ~Q(next_action_reschedule_reason=""),
                name="visit_reschedule_has_reason",
                violation_error_message=_("Penjadwalan ulang perlu alasan."),
            ),
        ]

    def __str__(self) -> str:
        # Not self.subject: the history (core.history) names its records through this method too.
        subject = self.product if self.product_id else self.producer
        return f"{subject} · {self.visited_on:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        kwargs["update_fields"] = bump_row_version(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    @property
    def subject(self) -> "Product | Producer":
        return self.product if self.product_id else self.producer

    def clean(self) -> None:
        super().clean()
        if not self.product_id and not self.producer_id:
            raise ValidationError(_("Pilih produk atau produsen yang dikunjungi."))
        if self.next_action_due and self.visited_on and self.next_action_due < self.visited_on:
            raise ValidationError(
                {"next_action_due": _("Batas waktu tidak boleh sebelum tanggal kunjungan.")}
            )
        if self.next_action_due and not self.next_action:
            raise ValidationError({"next_action": _("Tuliskan tindak lanjut untuk batas waktu ini.")})
        if self.next_action_done and not self.next_action:
            raise ValidationError({"next_action_done": _("Tidak ada tindak lanjut yang bisa diselesaikan.")})
        # The done flag and its date go together: ticking "done" in the correction form dates it
        # today, unticking it reopens the follow-up.
        if self.next_action_done and self.next_action_done_on is None:
            self.next_action_done_on = timezone.localdate()
        if not self.next_action_done:
            self.next_action_done_on = None
        if self.next_action_done_on and self.visited_on and self.next_action_done_on < self.visited_on:
            raise ValidationError(
                {"next_action_done_on": _("Tanggal selesai tidak boleh sebelum tanggal kunjungan.")}
            )

    def may_be_corrected_by(self, user, *, is_dinas: bool) -> bool:
        """Who may correct a visit: its author, or a Dinas official (any official of the area may
        close or reschedule its follow-up)."""
        return is_dinas or self.officer_id == user.pk

    @property
    def follow_up_state(self) -> str:
        """ "none", "done", "open" or "overdue" (open and past its due date, today)."""
        if not self.next_action:
            return "none"
        if self.next_action_done:
            return "done"
        if self.next_action_due and self.next_action_due < timezone.localdate():
            return "overdue"
        return "open"

    @property
    def follow_up_rescheduled(self) -> bool:
        return self.next_action_first_due is not None


class VisitPhoto(models.Model):
    visit = models.ForeignKey(MentoringVisit, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=visit_photo_upload_to, width_field="width", height_field="height")
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    thumb = models.ImageField(
        upload_to=visit_photo_upload_to, width_field="thumb_width", height_field="thumb_height"
    )
    thumb_width = models.PositiveIntegerField(editable=False)
    thumb_height = models.PositiveIntegerField(editable=False)

    history = HistoricalRecords(
        verbose_name=_("riwayat foto kunjungan"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat foto kunjungan"),
    )

    class Meta:
        verbose_name = _("foto kunjungan")
        verbose_name_plural = pgettext_lazy("plural", "foto kunjungan")

    def __str__(self) -> str:
        return self.image.name

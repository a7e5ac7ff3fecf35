"""Yearly designation rounds and the decree (SK) that closes each one.

The Dinas opens a round for a year ("OVOP 2026"); kecamatan officers propose flagship products within
it while it is open; the Dinas decides every proposal of the round and records one decree whose
attachment (lampiran) lists exactly the designations the round approved. A past decree (Bangka Barat
2016) is recorded as a round that was decided from the start (products.services.round_record_historical).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.scans import validate_scan
from core.storage import private_storage
from villages.roles import Scope

from .registry import today


class RoundState(models.TextChoices):
    OPEN = "open", _("Dibuka")
    CLOSED = "closed", _("Ditutup")
    DECIDED = "decided", _("Diputuskan")


class DesignationRoundQuerySet(models.QuerySet):
    def open(self) -> "DesignationRoundQuerySet":
        return self.filter(state=RoundState.OPEN)

    def for_list(self, scope: Scope) -> "DesignationRoundQuerySet":
        """Rounds with the number of proposals (all the round's designations) and approvals the
        official may see, and the decree, in one query."""
        from .designation import Designation

        in_scope = Q(designations__in=Designation.objects.for_scope(scope))
        approved = in_scope & Q(
            designations__status__in=[Designation.Status.APPROVED, Designation.Status.ENDED]
        )
        return (
            self.select_related("decree")
            .annotate(
                designation_count=Count("designations", filter=in_scope, distinct=True),
                approved_count=Count("designations", filter=approved, distinct=True),
            )
            .order_by("-year", "-pk")
        )


def decree_upload_to(instance: "Decree", filename: str) -> str:
    """A random name in private storage, like the legality scans."""
    return f"sk/{today():%Y/%m}/{uuid.uuid4().hex}.pdf"


def validate_decree_scan(value) -> None:
    """A decree scan is the signed PDF (the whole file checked, as legality scans are)."""
    if getattr(value, "_committed", True):
        return  # already stored: it was checked when it was uploaded
    if validate_scan(value.file) != "pdf":
        raise ValidationError(gettext_now("Pindaian SK harus berkas PDF."), code="invalid_scan")


class DesignationRound(models.Model):
    """A yearly OVOP designation round of the regency."""

    State = RoundState

    year = models.PositiveSmallIntegerField(
        _("tahun"),
        unique=True,
        validators=[MinValueValidator(2000)],
        error_messages={"unique": _("Putaran untuk tahun ini sudah ada.")},
    )
    name = models.CharField(_("nama putaran"), max_length=120)
    state = models.CharField(_("status"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN)
    # Null for a round recorded from a past decree: when it was opened and closed is not known.
    opened_on = models.DateField(_("dibuka pada"), null=True, blank=True)
    closed_on = models.DateField(_("ditutup pada"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dibuka oleh"),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ditutup oleh"),
    )
    recorded_from_decree = models.BooleanField(
        _("dicatat dari SK lama"),
        default=False,
        help_text=_("Putaran masa lalu yang dicatat dari SK-nya, bukan dijalankan di portal."),
    )
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)

    objects = DesignationRoundQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("riwayat putaran penetapan"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat putaran penetapan"),
    )

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("putaran penetapan")
        verbose_name_plural = pgettext_lazy("plural", "putaran penetapan")
        constraints = [
            # Officers propose "in the open round": there is never a doubt which one that is.
            models.UniqueConstraint(
                fields=["state"],
                condition=Q(state="open"),
                name="one_open_designation_round",
                violation_error_message=_(
                    "Masih ada putaran lain yang dibuka. Tutup putaran itu lebih dulu."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state__in=RoundState.values), name="designation_round_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(recorded_from_decree=True) | Q(opened_on__isnull=False),
                name="designation_round_opened_on_known",
                violation_error_message=_("Putaran yang dijalankan di portal memerlukan tanggal dibuka."),
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(recorded_from_decree=True) | Q(closed_on__isnull=False),
                name="designation_round_closed_on_known",
                violation_error_message=_("Putaran yang ditutup memerlukan tanggal ditutup."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(opened_on__isnull=True)
                | Q(closed_on__gte=models.F("opened_on")),
                name="designation_round_closes_after_opening",
                violation_error_message=_("Tanggal ditutup tidak boleh sebelum tanggal dibuka."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("products:round_detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN

    @property
    def is_decided(self) -> bool:
        return self.state == RoundState.DECIDED

    def clean(self) -> None:
        super().clean()
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("Tanggal ditutup tidak boleh sebelum tanggal dibuka.")})


class Decree(models.Model):
    """The regent's decree (SK Bupati) that designates a round's flagship products: its attachment
    (lampiran) lists every designation the round approved (Designation.decree points here)."""

    round = models.OneToOneField(
        DesignationRound, on_delete=models.PROTECT, related_name="decree", verbose_name=_("putaran")
    )
    number = models.CharField(_("nomor SK"), max_length=120, unique=True)
    decree_date = models.DateField(_("tanggal SK"))
    signed_by_name = models.CharField(_("nama penanda tangan"), max_length=200)
    signed_by_title = models.CharField(_("jabatan penanda tangan"), max_length=200)
    scan = models.FileField(
        _("pindaian SK (PDF)"),
        upload_to=decree_upload_to,
        storage=private_storage,
        validators=[validate_decree_scan],
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    recorded_at = models.DateTimeField(_("dicatat pada"), default=timezone.now, editable=False)

    history = HistoricalRecords(
        verbose_name=_("riwayat SK penetapan"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat SK penetapan"),
    )

    class Meta:
        ordering = ["-decree_date", "-pk"]
        verbose_name = _("SK penetapan")
        verbose_name_plural = pgettext_lazy("plural", "SK penetapan")
        constraints = [
            models.CheckConstraint(condition=~Q(number=""), name="decree_has_number"),
            models.CheckConstraint(
                condition=~Q(signed_by_name="") & ~Q(signed_by_title=""),
                name="decree_has_signatory",
                violation_error_message=_("SK memerlukan nama dan jabatan penanda tangan."),
            ),
        ]

    def __str__(self) -> str:
        return f"SK {self.number}"

    def attachment_designations(self) -> models.QuerySet:
        """The lampiran: the designations this decree made, with what the attachment prints."""
        from .designation import Designation
        from .registry import Producer

        producers = Prefetch("product__producers", queryset=Producer.objects.order_by("business_name", "pk"))
        return (
            Designation.objects.filter(decree=self)
            .select_related("village__district", "product")
            .prefetch_related(producers)
            .order_by("village__district__name", "village__name", "pk")
        )

"""Programmes planned per fiscal year and what they delivered."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.concurrency import bump_row_version
from core.money import MAX_RUPIAH
from products.models import Producer, Product
from villages.models import ScopedQuerySet, Village


class ProgrammeQuerySet(models.QuerySet):
    def with_totals(self) -> "ProgrammeQuerySet":
        """Committed (planned + delivered) and delivered totals, how many villages were reached, and
        what remains of the budget: the budget less what is committed, the same "sisa pagu" that
        assistance.services.budget_check refuses a delivery beyond (negative when overspent)."""
        live = ~Q(deliveries__status=Delivery.Status.CANCELLED)
        return self.annotate(
            committed=Sum("deliveries__value", filter=live, default=0),
            delivered=Sum(
                "deliveries__value", filter=Q(deliveries__status=Delivery.Status.DELIVERED), default=0
            ),
            village_count=models.Count("deliveries__village", filter=live, distinct=True),
        ).annotate(
            remaining=models.ExpressionWrapper(
                models.F("budget") - models.F("committed"), output_field=models.BigIntegerField()
            )
        )


# Choices whose allowed values a CheckConstraint repeats are defined at module level (a model's Meta
# cannot see names of the model's own body) and named on the model as before (Programme.Kind, ...).
class ProgrammeKind(models.TextChoices):
    CAPITAL = "permodalan", _("Permodalan")
    MARKETING = "pemasaran", _("Pemasaran")
    PACKAGING = "kemasan", _("Kemasan")
    TRAINING = "pelatihan", _("Pelatihan SDM")
    TECHNOLOGY = "teknologi", _("Teknologi/peralatan")
    CERTIFICATION = "sertifikasi", _("Sertifikasi & legalitas")
    MENTORING = "pendampingan", _("Pendampingan")
    EXPLORATION = "penggalian", _("Penggalian potensi")
    TRENDS = "tren", _("Pengenalan tren")


class ProgrammeFunding(models.TextChoices):
    APBD_REGENCY = "apbd_kab", _("APBD kabupaten")
    APBD_PROVINCE = "apbd_prov", _("APBD provinsi")
    APBN = "apbn", _("APBN")
    DANA_DESA = "dana_desa", _("Dana Desa")
    CSR = "csr", _("CSR")
    OTHER = "lainnya", _("Lainnya")


class ProgrammeStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    RUNNING = "running", _("Berjalan")
    CLOSED = "closed", _("Selesai")


class Programme(models.Model):
    Kind = ProgrammeKind
    Funding = ProgrammeFunding
    Status = ProgrammeStatus

    name = models.CharField(_("nama program"), max_length=200)
    kind = models.CharField(_("jenis bantuan"), max_length=20, choices=Kind.choices)
    fiscal_year = models.PositiveSmallIntegerField(
        _("tahun anggaran"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    budget = models.PositiveBigIntegerField(
        _("pagu anggaran (Rp)"), validators=[MaxValueValidator(MAX_RUPIAH)]
    )
    funding_source = models.CharField(_("sumber dana"), max_length=12, choices=Funding.choices)
    agency = models.CharField(_("pelaksana"), max_length=150, help_text=_("misalnya: Disperindagkop"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    description = models.TextField(_("keterangan"), blank=True)
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Optimistic lock for edit forms (core.concurrency): every save adds one.
    row_version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = ProgrammeQuerySet.as_manager()
    # Who changed what and when; updated_at would only repeat the record's own time.
    history = HistoricalRecords(
        verbose_name=_("riwayat program bantuan"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat program bantuan"),
        excluded_fields=["updated_at"],
    )

    class Meta:
        ordering = ["-fiscal_year", "name", "pk"]
        verbose_name = _("program bantuan")
        verbose_name_plural = pgettext_lazy("plural", "program bantuan")
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2000, fiscal_year__lte=2100), name="programme_year_range"
            ),
            models.CheckConstraint(condition=Q(kind__in=ProgrammeKind.values), name="programme_kind_valid"),
            models.CheckConstraint(
                condition=Q(funding_source__in=ProgrammeFunding.values), name="programme_funding_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProgrammeStatus.values), name="programme_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "kind"], name="programme_year_kind")]

    def __str__(self) -> str:
        return f"{self.name} ({self.fiscal_year})"

    def save(self, *args, **kwargs) -> None:
        kwargs["update_fields"] = bump_row_version(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assistance:programme_detail", args=[self.pk])


class DeliveryQuerySet(ScopedQuerySet):
    def live(self) -> "DeliveryQuerySet":
        return self.exclude(status=Delivery.Status.CANCELLED)

    def for_programme_page(self) -> "DeliveryQuerySet":
        return self.select_related("village__district", "product", "producer", "officer").order_by(
            "-delivered_on", "-pk"
        )


class DeliveryStatus(models.TextChoices):
    PLANNED = "planned", _("Direncanakan")
    DELIVERED = "delivered", _("Tersalurkan")
    CANCELLED = "cancelled", _("Dibatalkan")


class Delivery(models.Model):
    """What a programme gave to a village, and optionally to one of its products or producers."""

    Status = DeliveryStatus

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("program")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("desa/kelurahan")
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("produk"),
    )
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("produsen"),
    )
    delivered_on = models.DateField(_("tanggal"))
    value = models.PositiveBigIntegerField(_("nilai (Rp)"), validators=[MaxValueValidator(MAX_RUPIAH)])
    description = models.CharField(
        _("uraian"), max_length=255, help_text=_("misalnya: satu unit tungku pembakaran")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DELIVERED)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("petugas penanggung jawab"),
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Optimistic lock for edit forms (core.concurrency): every save adds one.
    row_version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = DeliveryQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("riwayat penyaluran bantuan"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat penyaluran bantuan"),
        excluded_fields=["updated_at"],
    )

    class Meta:
        ordering = ["-delivered_on", "-pk"]
        verbose_name = _("penyaluran bantuan")
        verbose_name_plural = pgettext_lazy("plural", "penyaluran bantuan")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"], name="delivery_programme_status"),
            # A period's deliveries and the first delivery day (the recap's years): 125,000 rows read
            # to find the earliest before.
            models.Index(fields=["delivered_on"], name="delivery_delivered_on"),
        ]

    def __str__(self) -> str:
        return f"{self.programme.name} → {self.village.name}"

    def save(self, *args, **kwargs) -> None:
        kwargs["update_fields"] = bump_row_version(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.product_id and self.village_id and self.product.village_id != self.village_id:
            raise ValidationError({"product": _("Produk ini bukan produk desa/kelurahan tersebut.")})
        if self.producer_id and self.village_id and self.producer.village_id != self.village_id:
            raise ValidationError({"producer": _("Produsen ini tidak berada di desa/kelurahan tersebut.")})

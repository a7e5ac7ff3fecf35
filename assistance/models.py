"""Assistance: programmes planned per fiscal year, what they delivered, mentoring visits, outcomes."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.concurrency import bump_row_version
from core.money import MAX_RUPIAH
from products.models import Designation, Producer, Product
from villages.models import Village, service_area
from villages.roles import Scope


class ProgrammeQuerySet(models.QuerySet):
    def with_totals(self) -> "ProgrammeQuerySet":
        """Committed (planned + delivered) and delivered totals, and how many villages were reached."""
        live = ~Q(deliveries__status=Delivery.Status.CANCELLED)
        return self.annotate(
            committed=Sum("deliveries__value", filter=live, default=0),
            delivered=Sum(
                "deliveries__value", filter=Q(deliveries__status=Delivery.Status.DELIVERED), default=0
            ),
            village_count=models.Count("deliveries__village", filter=live, distinct=True),
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


class DeliveryQuerySet(models.QuerySet):
    def live(self) -> "DeliveryQuerySet":
        return self.exclude(status=Delivery.Status.CANCELLED)

    def for_scope(self, scope: Scope) -> "DeliveryQuerySet":
        queryset = self.filter(service_area("village__code"))
        return queryset if scope.is_dinas else queryset.filter(village__district_id__in=scope.district_codes)

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
        indexes = [models.Index(fields=["programme", "status"], name="delivery_programme_status")]

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


def visit_photo_upload_to(instance: "VisitPhoto", filename: str) -> str:
    return f"pendampingan/{timezone.localdate():%Y/%m}/{filename}"


class MentoringVisitQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> "MentoringVisitQuerySet":
        in_scope = Q(product__in=Product.objects.for_scope(scope)) | Q(
            producer__in=Producer.objects.for_scope(scope)
        )
        return self.filter(in_scope)

    def actions_overdue(self, on: datetime.date | None = None) -> "MentoringVisitQuerySet":
        on = on or timezone.localdate()
        return self.filter(next_action_due__lt=on, next_action_done=False).exclude(next_action="")


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
                condition=Q(product__isnull=False) | Q(producer__isnull=False), name="visit_has_a_subject"
            ),
            models.CheckConstraint(
                condition=Q(next_action_due__isnull=True) | Q(next_action_due__gte=models.F("visited_on")),
                name="visit_due_after_visit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.visited_on:%Y-%m-%d}"

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


class OutcomeRecord(models.Model):
    """A product's figures for one quarter, to compare before and after assistance."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("produk")
    )
    year = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("triwulan"), choices=[(1, "I"), (2, "II"), (3, "III"), (4, "IV")]
    )
    production_volume = models.PositiveIntegerField(
        _("volume produksi"), validators=[MaxValueValidator(10**9)]
    )
    volume_unit = models.CharField(_("satuan"), max_length=40, help_text=_("misalnya: buah, kg, lembar"))
    turnover = models.PositiveBigIntegerField(_("omzet (Rp)"), validators=[MaxValueValidator(MAX_RUPIAH)])
    workers = models.PositiveIntegerField(_("tenaga kerja"), validators=[MaxValueValidator(100000)])
    markets_reached = models.PositiveSmallIntegerField(
        _("jumlah pasar/kota tujuan"), validators=[MaxValueValidator(10000)]
    )
    new_legality_documents = models.PositiveSmallIntegerField(
        _("dokumen legalitas baru"), default=0, validators=[MaxValueValidator(100)]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("dicatat oleh")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    history = HistoricalRecords(
        verbose_name=_("riwayat capaian produk"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat capaian produk"),
    )

    class Meta:
        ordering = ["year", "quarter"]
        verbose_name = _("capaian produk")
        verbose_name_plural = pgettext_lazy("plural", "capaian produk")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "year", "quarter"],
                name="outcome_once_per_quarter",
                violation_error_message=_("Capaian triwulan ini sudah dicatat untuk produk ini."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="outcome_quarter_1_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.year} T{self.quarter}"

    @property
    def period_start(self) -> datetime.date:
        return datetime.date(self.year, 3 * (self.quarter - 1) + 1, 1)

    @property
    def period_label(self) -> str:
        return f"{self.year} T{['I', 'II', 'III', 'IV'][self.quarter - 1]}"


def flagships_without_recent_visit(products: models.QuerySet, days: int, on: datetime.date | None = None):
    """Flagship (approved) products with no mentoring visit in the last `days` days."""
    on = on or timezone.localdate()
    recent = MentoringVisit.objects.filter(
        product=OuterRef("pk"), visited_on__gte=on - datetime.timedelta(days=days)
    )
    last = (
        MentoringVisit.objects.filter(product=OuterRef("pk")).order_by("-visited_on").values("visited_on")[:1]
    )
    flagship = Designation.objects.filter(product=OuterRef("pk"), status=Designation.Status.APPROVED)
    return (
        products.filter(Exists(flagship))
        .exclude(Exists(recent))
        .annotate(last_visit=models.Subquery(last))
        .select_related("village__district")
    )


def before_and_after(outcomes: list[OutcomeRecord], first_assistance: datetime.date | None) -> dict:
    """The last figures before the first assistance and the latest since, for comparison."""
    if first_assistance is None:
        return {"before": None, "after": None}
    before = [o for o in outcomes if o.period_start < first_assistance]
    after = [o for o in outcomes if o.period_start >= first_assistance]
    return {"before": before[-1] if before else None, "after": after[-1] if after else None}

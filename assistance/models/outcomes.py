"""Outcome figures per product and quarter."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.money import MAX_RUPIAH
from products.models import Product


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
    online_shops = models.PositiveSmallIntegerField(
        _("toko daring aktif"),
        default=0,
        validators=[MaxValueValidator(1000)],
        help_text=_("Berapa toko di marketplace atau e-Katalog yang aktif menjual produk ini."),
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

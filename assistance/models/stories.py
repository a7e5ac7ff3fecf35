"""Success stories of thriving flagships, so that other villages can copy what worked."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.concurrency import bump_row_version
from core.money import MAX_RUPIAH
from products.models import Designation, Product
from villages.models import service_area

from .programmes import Delivery


class SuccessStoryStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    PUBLISHED = "published", _("Terbit")


class SuccessStoryQuerySet(models.QuerySet):
    def public(self) -> "SuccessStoryQuerySet":
        """Published stories of published products of the served area that are their village's
        approved flagship now (a designation of the product's own village)."""
        flagship = Designation.objects.approved().filter(
            product=OuterRef("product"), village=OuterRef("product__village")
        )
        return self.filter(
            Exists(flagship),
            service_area("product__village__code"),
            status=SuccessStoryStatus.PUBLISHED,
            product__status=Product.Status.PUBLISHED,
        )


def _figure(label: str, **kwargs) -> models.PositiveBigIntegerField:
    return models.PositiveBigIntegerField(label, null=True, blank=True, **kwargs)


class SuccessStory(models.Model):
    """What worked for a flagship, the help it had, and its figures before and after."""

    Status = SuccessStoryStatus

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="success_stories", verbose_name=_("produk")
    )
    title = models.CharField(_("judul"), max_length=150)
    what_worked = models.TextField(_("apa yang berhasil"))
    deliveries = models.ManyToManyField(
        Delivery, blank=True, related_name="success_stories", verbose_name=_("bantuan yang diterima")
    )
    assistance_text = models.TextField(
        _("bantuan lain"), blank=True, help_text=_("Bantuan yang tidak tercatat sebagai penyaluran.")
    )
    # Figures typed in by the official, used only when the product has no outcome records to compare.
    before_label = models.CharField(
        _("periode sebelum"), max_length=40, blank=True, help_text=_("misalnya: 2022")
    )
    after_label = models.CharField(
        _("periode sesudah"), max_length=40, blank=True, help_text=_("misalnya: 2025")
    )
    before_production = _figure(_("produksi sebelum"), validators=[MaxValueValidator(10**9)])
    after_production = _figure(_("produksi sesudah"), validators=[MaxValueValidator(10**9)])
    production_unit = models.CharField(_("satuan produksi"), max_length=40, blank=True)
    before_workers = _figure(_("tenaga kerja sebelum"), validators=[MaxValueValidator(100000)])
    after_workers = _figure(_("tenaga kerja sesudah"), validators=[MaxValueValidator(100000)])
    before_turnover = _figure(_("omzet sebelum (Rp)"), validators=[MaxValueValidator(MAX_RUPIAH)])
    after_turnover = _figure(_("omzet sesudah (Rp)"), validators=[MaxValueValidator(MAX_RUPIAH)])
    status = models.CharField(
        _("status"), max_length=10, choices=SuccessStoryStatus.choices, default=SuccessStoryStatus.DRAFT
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ditulis oleh")
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Optimistic lock for edit forms (core.concurrency): every save adds one.
    row_version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = SuccessStoryQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("riwayat kisah sukses"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat kisah sukses"),
        m2m_fields=[deliveries],
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("kisah sukses")
        verbose_name_plural = pgettext_lazy("plural", "kisah sukses")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                name="one_success_story_per_product",
                violation_error_message=_("Produk ini sudah punya kisah sukses; ubah yang ada."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=SuccessStoryStatus.values), name="success_story_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        kwargs["update_fields"] = bump_row_version(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assistance:story_edit", args=[self.product_id])

    def product_is_flagship(self) -> bool:
        return (
            Designation.objects.approved()
            .filter(product_id=self.product_id, village_id=self.product.village_id)
            .exists()
        )

    @property
    def has_typed_figures(self) -> bool:
        pairs = (
            (self.before_production, self.after_production),
            (self.before_workers, self.after_workers),
            (self.before_turnover, self.after_turnover),
        )
        return any(before is not None and after is not None for before, after in pairs)

    def clean(self) -> None:
        super().clean()
        if self._state.adding and self.product_id and not self.product_is_flagship():
            raise ValidationError(_("Kisah sukses hanya untuk produk unggulan desa yang sudah ditetapkan."))
        half_filled = [
            label
            for label, before, after in (
                (_("produksi"), self.before_production, self.after_production),
                (_("tenaga kerja"), self.before_workers, self.after_workers),
                (_("omzet"), self.before_turnover, self.after_turnover),
            )
            if (before is None) != (after is None)
        ]
        if half_filled:
            raise ValidationError(
                _("Isi angka sebelum dan sesudah bersama-sama untuk: %(fields)s.")
                % {"fields": ", ".join(str(label) for label in half_filled)}
            )
        if self.before_production is not None and not self.production_unit.strip():
            raise ValidationError({"production_unit": _("Tuliskan satuan produksinya, misalnya: buah.")})

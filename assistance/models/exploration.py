"""Potential exploration (penggalian potensi): what a visit or study found in a village without a
flagship, its photos, and the candidate products it named, each linked to its product once registered."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.concurrency import bump_row_version
from products.models import Category, Product
from villages.models import ScopedQuerySet, Village

FINDING_FIELDS = ("raw_materials", "skills", "home_businesses", "market_ideas")
NO_FINDINGS = _("Catat sedikitnya satu temuan: bahan baku, keterampilan, usaha rumahan atau gagasan pasar.")


def exploration_photo_upload_to(instance: "ExplorationPhoto", filename: str) -> str:
    return f"penggalian/{timezone.localdate():%Y/%m}/{filename}"


class ExplorationQuerySet(ScopedQuerySet):
    def with_candidate_counts(self) -> "ExplorationQuerySet":
        """`candidate_count` and `registered_count`, counted in subqueries (no row multiplication)."""
        candidates = ExplorationCandidate.objects.filter(exploration=OuterRef("pk")).order_by()
        return self.annotate(
            candidate_count=_count(candidates),
            registered_count=_count(candidates.filter(product__isnull=False)),
        )


def _count(queryset: models.QuerySet) -> models.Subquery:
    return models.functions.Coalesce(
        models.Subquery(queryset.values("exploration").annotate(n=models.Count("pk")).values("n")[:1]), 0
    )


class Exploration(models.Model):
    """One visit or study of a village's potential: what was found, by whom, and what comes next."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="explorations", verbose_name=_("desa/kelurahan")
    )
    explored_on = models.DateField(_("tanggal penggalian"))
    explored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("petugas"),
    )
    participants = models.CharField(
        _("peserta lain"),
        max_length=255,
        blank=True,
        help_text=_("Misalnya: kepala desa, ketua PKK, pendamping desa, perwakilan BUMDes."),
    )
    raw_materials = models.TextField(_("bahan baku dan sumber daya lokal"), blank=True)
    skills = models.TextField(_("keterampilan warga"), blank=True)
    home_businesses = models.TextField(_("usaha rumahan yang sudah ada"), blank=True)
    market_ideas = models.TextField(_("gagasan pasar"), blank=True)
    next_step = models.CharField(_("langkah berikutnya"), max_length=255, blank=True)
    next_step_due = models.DateField(_("batas waktu langkah berikutnya"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    # Optimistic lock for edit forms (core.concurrency): every save adds one.
    row_version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = ExplorationQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("riwayat penggalian potensi"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat penggalian potensi"),
    )

    class Meta:
        ordering = ["-explored_on", "-pk"]
        verbose_name = _("penggalian potensi")
        verbose_name_plural = pgettext_lazy("plural", "penggalian potensi")
        constraints = [
            models.CheckConstraint(
                condition=~Q(raw_materials="", skills="", home_businesses="", market_ideas=""),
                name="exploration_has_findings",
                violation_error_message=NO_FINDINGS,
            ),
            models.CheckConstraint(
                condition=Q(next_step_due__isnull=True) | Q(next_step_due__gte=models.F("explored_on")),
                name="exploration_due_after_exploration",
                violation_error_message=_("Batas waktu tidak boleh sebelum tanggal penggalian."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} · {self.explored_on:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        kwargs["update_fields"] = bump_row_version(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("assistance:exploration_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if not any((getattr(self, name) or "").strip() for name in FINDING_FIELDS):
            raise ValidationError(NO_FINDINGS)
        if self.explored_on and self.explored_on > timezone.localdate():
            raise ValidationError({"explored_on": _("Tanggal penggalian tidak boleh di masa depan.")})
        if self.next_step_due and self.explored_on and self.next_step_due < self.explored_on:
            raise ValidationError({"next_step_due": _("Batas waktu tidak boleh sebelum tanggal penggalian.")})
        if self.next_step_due and not (self.next_step or "").strip():
            raise ValidationError({"next_step": _("Tuliskan langkah berikutnya untuk batas waktu ini.")})


class ExplorationPhoto(models.Model):
    exploration = models.ForeignKey(Exploration, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        upload_to=exploration_photo_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    thumb = models.ImageField(
        upload_to=exploration_photo_upload_to, width_field="thumb_width", height_field="thumb_height"
    )
    thumb_width = models.PositiveIntegerField(editable=False)
    thumb_height = models.PositiveIntegerField(editable=False)

    history = HistoricalRecords(
        verbose_name=_("riwayat foto penggalian"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat foto penggalian"),
    )

    class Meta:
        verbose_name = _("foto penggalian")
        verbose_name_plural = pgettext_lazy("plural", "foto penggalian")

    def __str__(self) -> str:
        return self.image.name


class ExplorationCandidate(models.Model):
    """A product the exploration found possible; linked to the product once it is registered."""

    exploration = models.ForeignKey(
        Exploration, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("penggalian")
    )
    name = models.CharField(_("nama calon produk"), max_length=150)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("kategori")
    )
    notes = models.TextField(_("catatan"), blank=True)
    # A deleted product frees its candidate again (it can be registered anew).
    product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exploration_candidates",
        verbose_name=_("produk terdaftar"),
    )

    history = HistoricalRecords(
        verbose_name=_("riwayat calon produk"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat calon produk"),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("calon produk")
        verbose_name_plural = pgettext_lazy("plural", "calon produk")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(product__isnull=False),
                name="candidate_one_per_product",
                violation_error_message=_("Produk ini sudah tercatat sebagai hasil calon produk lain."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_registered(self) -> bool:
        return self.product_id is not None

    def clean(self) -> None:
        super().clean()
        if self.product_id and self.exploration_id and self.product.village_id != self.exploration.village_id:
            raise ValidationError({"product": _("Produk ini bukan dari desa yang digali potensinya.")})

"""The product assessment: the scoring rubric, assessments with their star rating, and who is due."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from villages.roles import scope_of

from .registry import Product, today


class AssessmentCriterion(models.Model):
    """One line of the product scoring rubric (after Thailand's OTOP and Vietnam's OCOP, with the
    OVOP criteria of Permendagri 9/2014). An admin can adjust it; past scores keep their maximum."""

    name = models.CharField(_("kriteria"), max_length=120, unique=True)
    description = models.TextField(_("keterangan"), blank=True)
    max_points = models.PositiveSmallIntegerField(_("nilai maksimum"), validators=[MinValueValidator(1)])
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_active = models.BooleanField(_("dipakai"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("kriteria penilaian")
        verbose_name_plural = pgettext_lazy("plural", "kriteria penilaian")
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gte=1), name="criterion_max_points_positive")
        ]

    def __str__(self) -> str:
        return f"{self.name} (0–{self.max_points})"


ASSESSMENT_VALID_MONTHS = 36
# Fixed bands on the percentage of the maximum, after Thailand's OTOP star rating.
STAR_BANDS = ((90, 5), (70, 4), (60, 3), (50, 2), (0, 1))


def stars_for(total: int, maximum: int) -> int:
    """1 to 5 stars for `total` points out of `maximum` (bands: 90, 70, 60, 50 percent)."""
    if maximum <= 0:
        raise ValueError("maximum must be positive")
    percent = 100 * total / maximum
    return next(stars for floor, stars in STAR_BANDS if percent >= floor)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


class AssessorRole(models.TextChoices):
    """The role an assessor held when assessing: what public pages may say about who assessed (never
    a person's name). The values are those of the OVOP_ASSESSOR_ROLES setting."""

    ADMIN_DINAS = "admin_dinas", _("Admin Dinas")
    PETUGAS_DINAS = "petugas_dinas", _("Petugas Dinas")
    PETUGAS_KECAMATAN = "petugas_kecamatan", _("Petugas Kecamatan")


def assessor_role_of(user) -> str:
    """The user's role now, as an AssessorRole value; "" for someone who is no official."""
    scope = scope_of(user)
    if scope.is_admin:
        return AssessorRole.ADMIN_DINAS
    if scope.is_dinas:
        return AssessorRole.PETUGAS_DINAS
    if scope.is_official:
        return AssessorRole.PETUGAS_KECAMATAN
    return ""


def assessor_role_label(value: str) -> str:
    """The role's name for a page, or "" when the role was not recorded (assessments made before
    roles were stored, whose assessor no longer holds a role): then the page names no one."""
    return str(AssessorRole(value).label) if value in AssessorRole.values else ""


def assessor_role_refusal(role: str) -> str | None:
    """Why an assessor of this role may not assess (settings.OVOP_ASSESSOR_ROLES), or None."""
    if role in settings.OVOP_ASSESSOR_ROLES:
        return None
    if not role:
        return _("Hanya petugas yang dapat menilai produk.")
    return _("Peran %(role)s tidak diizinkan menilai produk.") % {"role": assessor_role_label(role)}


class AssessmentQuerySet(models.QuerySet):
    def for_product_page(self) -> "AssessmentQuerySet":
        return self.select_related("assessor").prefetch_related("scores").order_by("-assessed_on", "-pk")


class Assessment(models.Model):
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("produk")
    )
    assessed_on = models.DateField(_("tanggal penilaian"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("penilai")
    )
    # The assessor's role on the day of the assessment, kept as it was: public pages name the role.
    # Blank only for assessments recorded before roles were stored whose role could not be known.
    assessor_role = models.CharField(
        _("peran penilai"), max_length=20, choices=AssessorRole.choices, blank=True, editable=False
    )
    notes = models.TextField(_("catatan"), blank=True)
    total_points = models.PositiveSmallIntegerField(_("jumlah nilai"), editable=False)
    max_points = models.PositiveSmallIntegerField(_("nilai maksimum"), editable=False)
    stars = models.PositiveSmallIntegerField(_("bintang"), editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("riwayat penilaian produk"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat penilaian produk"),
    )

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        verbose_name = _("penilaian produk")
        verbose_name_plural = pgettext_lazy("plural", "penilaian produk")
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="assessment_stars_1_to_5"),
            models.CheckConstraint(
                condition=Q(total_points__lte=models.F("max_points")), name="assessment_total_within_max"
            ),
            models.CheckConstraint(
                condition=Q(assessor_role__in=["", *AssessorRole.values]),
                name="assessment_assessor_role_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "-assessed_on"], name="assessment_latest"),
            models.Index(fields=["assessed_on"], name="assessment_assessed_on"),  # the first day (recap)
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.assessed_on:%Y-%m-%d} · {self.stars}★"

    def clean(self) -> None:
        super().clean()
        if self.assessed_on and self.assessed_on > today():
            raise ValidationError({"assessed_on": _("Tanggal penilaian tidak boleh di masa depan.")})
        if self._state.adding:
            # A new assessment carries its assessor's role now; older ones keep the role they had.
            if not self.assessor_role and self.assessor_id:
                self.assessor_role = assessor_role_of(self.assessor)
            refusal = assessor_role_refusal(self.assessor_role)
            if refusal:
                raise ValidationError(refusal)

    @property
    def assessor_role_label(self) -> str:
        return assessor_role_label(self.assessor_role)

    @property
    def valid_until(self) -> datetime.date:
        return add_months(self.assessed_on, ASSESSMENT_VALID_MONTHS)

    def is_valid(self, on: datetime.date | None = None) -> bool:
        return (on or today()) < self.valid_until


class AssessmentScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(AssessmentCriterion, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(_("nilai"))
    # The criterion's maximum when the score was given: later rubric changes leave history as it was.
    max_points = models.PositiveSmallIntegerField(_("nilai maksimum"))

    history = HistoricalRecords(
        verbose_name=_("riwayat nilai kriteria"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat nilai kriteria"),
    )

    class Meta:
        ordering = ["criterion__position", "pk"]
        verbose_name = _("nilai kriteria")
        verbose_name_plural = pgettext_lazy("plural", "nilai kriteria")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(condition=Q(points__lte=models.F("max_points")), name="score_within_max"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.points}/{self.max_points}"

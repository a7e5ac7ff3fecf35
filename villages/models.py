"""The administrative regions of Indonesia, keyed by their official Kemendagri codes.

Province (36) > Regency (36.04) > District/kecamatan (36.04.09) > Village (36.04.09.2009).
Names repeat across the country, so a place is identified by its code, never by its name.
"""

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core import prepared

from .roles import Scope

PROVINCE_CODE = re.compile(r"\d{2}")
REGENCY_CODE = re.compile(r"\d{2}\.\d{2}")
DISTRICT_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}")
VILLAGE_CODE = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}")


def _code_validator(pattern: re.Pattern, example: str) -> RegexValidator:
    return RegexValidator(
        f"^{pattern.pattern}$",
        _("Kode harus berbentuk %(example)s (kode Kemendagri).") % {"example": example},
    )


def service_area(code: str) -> Q:
    """The rows within the area this deployment serves (OVOP_AREA_CODE: a regency, a province or ID
    for the whole country). `code` is the lookup of the rows' village or kecamatan code: codes nest
    (36.04.09.2009 lies in 36.04), so a prefix selects the area through the code's own index, with no
    join (`village__code` reads the row's own village_id column)."""
    area = settings.OVOP_AREA_CODE
    if area == "ID":
        return Q()
    return Q(**{f"{code}__startswith": f"{area}."})


def sees_every_row(scope: "Scope") -> bool:
    """Whether the scope holds every row of the database (the Dinas of a deployment serving the whole
    country): a query reached through a product or a producer then needs no condition on them, where
    `product IN (every product)` made the planner read every product of the country (0.2 s)."""
    return scope.is_dinas and settings.OVOP_AREA_CODE == "ID"


class ScopedQuerySet(models.QuerySet):
    """Rows that lie in a village or kecamatan: `for_scope` keeps those an official may work on (their
    kecamatan; the whole area served for the Dinas). The one rule for every such model: a subclass
    names the lookup from its rows to their village (`village_lookup`, "" for Village itself) or, for
    District, sets `district_lookup` to the code."""

    village_lookup = "village"
    district_lookup: str | None = None

    def for_scope(self, scope: "Scope"):
        if self.district_lookup is not None:
            code, district = self.district_lookup, self.district_lookup
        else:
            prefix = f"{self.village_lookup}__" if self.village_lookup else ""
            code, district = f"{prefix}code", f"{prefix}district_id"
        queryset = self.filter(service_area(code))
        return queryset if scope.is_dinas else queryset.filter(**{f"{district}__in": scope.district_codes})


class RegionQuerySet(ScopedQuerySet):
    """Kecamatan and villages: found by name or by the start of their official code."""

    def search(self, query: str):
        query = query.strip()
        if not query:
            return self
        return self.filter(Q(name__icontains=query) | Q(code__startswith=query))


def summary_level(scope: "Scope") -> str:
    """The areas a summary of the scope's villages is grouped by: kecamatan for an officer and in a
    regency, regencies in a province, provinces in the whole country."""
    code = settings.OVOP_AREA_CODE
    if not scope.is_dinas or REGENCY_CODE.fullmatch(code):
        return "district"
    return "regency" if PROVINCE_CODE.fullmatch(code) else "province"


class NationalArea:
    """The whole country, where a page names the area served."""

    code = "ID"
    name = "Indonesia"

    def __str__(self) -> str:
        return self.name


def service_area_region() -> "Province | Regency | NationalArea | None":
    """The region this deployment serves, for its name on pages; None before the regions are loaded."""
    code = settings.OVOP_AREA_CODE
    if code == "ID":
        return NationalArea()
    model = Province if PROVINCE_CODE.fullmatch(code) else Regency
    found = prepared.rows(
        ("villages.service_area",), lambda: model.objects.filter(code=code).order_by("code")[:1]
    )
    return found[0] if found else None


def latitude_field():
    # Centroid of the region's simplified boundary polygon, not an office location.
    return models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)


def longitude_field():
    return models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)


class Province(models.Model):
    code = models.CharField(
        _("kode"), max_length=2, primary_key=True, validators=[_code_validator(PROVINCE_CODE, "36")]
    )
    name = models.CharField(_("nama"), max_length=100)
    latitude = latitude_field()
    longitude = longitude_field()

    class Meta:
        ordering = ["code"]
        verbose_name = _("provinsi")
        verbose_name_plural = pgettext_lazy("plural", "provinsi")

    def __str__(self) -> str:
        return self.name


class Regency(models.Model):
    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    code = models.CharField(
        _("kode"), max_length=5, primary_key=True, validators=[_code_validator(REGENCY_CODE, "36.04")]
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="regencies", verbose_name=_("provinsi")
    )
    name = models.CharField(_("nama"), max_length=100)
    latitude = latitude_field()
    longitude = longitude_field()
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("kabupaten/kota")
        verbose_name_plural = pgettext_lazy("plural", "kabupaten/kota")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__startswith=Concat(F("province"), Value("."))),
                name="regency_code_within_province",
            )
        ]

    def __str__(self) -> str:
        return self.name


class DistrictQuerySet(RegionQuerySet):
    district_lookup = "code"

    def in_service_area(self) -> "DistrictQuerySet":
        """The kecamatan of the area this deployment serves."""
        return self.filter(service_area("code"))

    def with_village_counts(self) -> "DistrictQuerySet":
        return self.annotate(
            village_count=Count("villages"),
            desa_count=Count("villages", filter=Q(villages__kind=Village.Kind.DESA)),
            kelurahan_count=Count("villages", filter=Q(villages__kind=Village.Kind.KELURAHAN)),
        )


class District(models.Model):
    """A kecamatan."""

    code = models.CharField(
        _("kode"), max_length=8, primary_key=True, validators=[_code_validator(DISTRICT_CODE, "36.04.09")]
    )
    regency = models.ForeignKey(
        Regency, on_delete=models.PROTECT, related_name="districts", verbose_name=_("kabupaten/kota")
    )
    name = models.CharField(_("nama"), max_length=100, db_index=True)
    latitude = latitude_field()
    longitude = longitude_field()

    objects = DistrictQuerySet.as_manager()

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("kecamatan")
        verbose_name_plural = pgettext_lazy("plural", "kecamatan")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__startswith=Concat(F("regency"), Value("."))),
                name="district_code_within_regency",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:district_detail", args=[self.code])


class VillageQuerySet(RegionQuerySet):
    village_lookup = ""

    def in_service_area(self) -> "VillageQuerySet":
        return self.filter(service_area("code"))

    def for_list(self) -> "VillageQuerySet":
        return self.select_related("district")

    def for_detail(self) -> "VillageQuerySet":
        return self.select_related("district__regency__province")


# Defined at module level so that Village's Meta can build its constraint from the values (a Meta cannot
# see names of the model's own body); Village.Kind names it as before.
class VillageKind(models.TextChoices):
    DESA = "desa", _("Desa")
    KELURAHAN = "kelurahan", _("Kelurahan")


_VILLAGE_KIND_LABELS = dict(VillageKind.choices)  # lazy labels: translated when printed


class Village(models.Model):
    """A desa or kelurahan."""

    Kind = VillageKind

    code = models.CharField(
        _("kode"),
        max_length=13,
        primary_key=True,
        validators=[_code_validator(VILLAGE_CODE, "36.04.09.2009")],
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="villages", verbose_name=_("kecamatan")
    )
    name = models.CharField(_("nama"), max_length=100, db_index=True)
    latitude = latitude_field()
    longitude = longitude_field()
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    postal_code = models.CharField(
        _("kode pos"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("Kode pos terdiri dari 5 angka."))],
    )

    objects = VillageQuerySet.as_manager()

    class Meta:
        ordering = ["name", "code"]
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = pgettext_lazy("plural", "desa/kelurahan")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__startswith=Concat(F("district"), Value("."))),
                name="village_code_within_district",
            ),
            models.CheckConstraint(condition=Q(kind__in=VillageKind.values), name="village_kind_valid"),
        ]

    def __str__(self) -> str:
        # The kind's label looked up directly: get_kind_display() hashes every choice's lazy label
        # (translating each) on every call, and lists print hundreds of villages.
        label = _VILLAGE_KIND_LABELS.get(self.kind)
        return f"{label if label is not None else self.kind} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:village_detail", args=[self.code])


class OfficerArea(models.Model):
    """A kecamatan a Petugas Kecamatan is assigned to; an officer may have several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="officer_areas",
        verbose_name=_("petugas"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="officer_areas", verbose_name=_("kecamatan")
    )

    class Meta:
        verbose_name = _("wilayah tugas")
        verbose_name_plural = pgettext_lazy("plural", "wilayah tugas")
        constraints = [
            models.UniqueConstraint(fields=["user", "district"], name="officer_area_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.district}"

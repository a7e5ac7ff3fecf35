"""The flagship (OVOP) designation of a village's product, and the villages' OVOP status."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from villages.models import Village, service_area
from villages.roles import Scope

from .registry import Product


class DesignationQuerySet(models.QuerySet):
    def approved(self) -> "DesignationQuerySet":
        return self.filter(status=Designation.Status.APPROVED)

    def proposed(self) -> "DesignationQuerySet":
        return self.filter(status=Designation.Status.PROPOSED)

    def open(self) -> "DesignationQuerySet":
        """Proposed or approved: what ties a product to its village."""
        return self.filter(status__in=[Designation.Status.PROPOSED, Designation.Status.APPROVED])

    def in_product_village(self) -> "DesignationQuerySet":
        """Designations whose product is still in the designated village. Product.save() and the
        services keep it so; public reads require it anyway, so that data changed behind their back
        (a bulk update, a restore) never shows a flagship in a village the Dinas did not decide."""
        return self.filter(product__village=F("village"))

    def for_scope(self, scope: Scope) -> "DesignationQuerySet":
        queryset = self.filter(service_area("village__code"))
        return queryset if scope.is_dinas else queryset.filter(village__district_id__in=scope.district_codes)

    def for_awaiting_list(self) -> "DesignationQuerySet":
        return self.proposed().select_related("village__district", "product__category", "proposed_by")

    def for_history(self) -> "DesignationQuerySet":
        return self.select_related("product", "proposed_by", "decided_by", "ended_by").order_by(
            "-proposed_at", "-pk"
        )


# Defined at module level so that Designation's Meta can build its constraint from the values (a Meta
# cannot see names of the model's own body); Designation.Status names it as before.
class DesignationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Diusulkan")
    APPROVED = "approved", _("Ditetapkan")
    REJECTED = "rejected", _("Ditolak")
    ENDED = "ended", _("Berakhir")


def designation_actor(instance: "Designation", request=None, **kwargs):
    """Who made a change to a designation, for its history: the signed-in user of the request; outside
    a request (a command or script calling products.services), the person the designation itself names
    for the step it has reached, whom the services always set."""
    if request is not None:
        return request.user
    Status = Designation.Status
    if instance.status in (Status.APPROVED, Status.REJECTED):
        return instance.decided_by
    if instance.status == Status.ENDED:
        return instance.ended_by
    return instance.proposed_by


class Designation(models.Model):
    """The designation of a village's flagship product: proposed, then approved or rejected, later ended.

    At most one designation per village is approved at any moment (a database constraint).
    Approving a new one ends the current one in the same transaction (products.services).
    """

    Status = DesignationStatus

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="designations", verbose_name=_("desa/kelurahan")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="designations", verbose_name=_("produk")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    year = models.PositiveSmallIntegerField(_("tahun penetapan"), validators=[MinValueValidator(2000)])
    notes = models.TextField(_("catatan usulan"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diusulkan oleh"),
    )
    proposed_at = models.DateTimeField(_("diusulkan pada"), default=timezone.now)
    decree_number = models.CharField(_("nomor SK Bupati"), max_length=120, blank=True)
    decree_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    rejection_reason = models.TextField(_("alasan penolakan"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diakhiri oleh"),
    )
    ended_at = models.DateTimeField(_("diakhiri pada"), null=True, blank=True)
    end_reason = models.TextField(_("alasan berakhir"), blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("digantikan oleh"),
    )

    objects = DesignationQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("riwayat penetapan produk unggulan"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat penetapan produk unggulan"),
        get_user=designation_actor,
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("penetapan produk unggulan")
        verbose_name_plural = pgettext_lazy("plural", "penetapan produk unggulan")
        constraints = [
            models.UniqueConstraint(
                fields=["village"],
                condition=Q(status="approved"),
                name="one_approved_flagship_per_village",
                violation_error_message=_("Desa ini sudah memiliki produk unggulan yang ditetapkan."),
            ),
            models.UniqueConstraint(
                fields=["village", "product"],
                condition=Q(status="proposed"),
                name="one_open_proposal_per_product",
                violation_error_message=_("Produk ini sudah diusulkan dan sedang menunggu keputusan."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=DesignationStatus.values),
                name="designation_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "ended"])
                | (~Q(decree_number="") & Q(decree_date__isnull=False) & Q(decided_at__isnull=False)),
                name="designation_approved_has_decree",
                violation_error_message=_("Penetapan memerlukan nomor dan tanggal SK."),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | (~Q(rejection_reason="") & Q(decided_at__isnull=False)),
                name="designation_rejected_has_reason",
                violation_error_message=_("Penolakan memerlukan alasan."),
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | (~Q(end_reason="") & Q(ended_at__isnull=False)),
                name="designation_ended_has_reason",
                violation_error_message=_("Pengakhiran memerlukan alasan."),
            ),
        ]
        indexes = [models.Index(fields=["status", "village"], name="designation_status_village")]

    def __str__(self) -> str:
        return f"{self.product} · {self.village} ({self.get_status_display()})"

    def clean(self) -> None:
        super().clean()
        if self.product_id and self.village_id and self.product.village_id != self.village_id:
            raise ValidationError({"product": _("Produk ini bukan produk desa/kelurahan tersebut.")})

    def village_change_refusal(self) -> str:
        """Why the product of this open designation cannot change village, and what to do first."""
        if self.status == self.Status.APPROVED:
            return _(
                "Produk ini adalah produk unggulan %(village)s yang ditetapkan Dinas (SK %(decree)s), "
                "sehingga desanya tidak dapat diubah. Minta Dinas mengakhiri penetapan itu lebih dulu, "
                "lalu ubah desanya."
            ) % {"village": self.village, "decree": self.decree_number}
        return _(
            "Produk ini sedang diusulkan sebagai produk unggulan %(village)s (usulan tahun %(year)s), "
            "sehingga desanya tidak dapat diubah. Minta Dinas memutuskan usulan itu lebih dulu (bila "
            "ditolak, desanya dapat diubah), lalu ubah desanya."
        ) % {"village": self.village, "year": self.year}


class VillageStatus(models.TextChoices):
    """A village's OVOP status, which follows from its data."""

    NONE = "none", _("Belum ada produk")
    HAS_PRODUCTS = "has_products", _("Ada produk")
    PROPOSED = "proposed", _("Diusulkan")
    DESIGNATED = "designated", _("Ditetapkan")


def with_ovop_status(villages: models.QuerySet) -> models.QuerySet:
    """Annotate a Village queryset with `ovop_status` (one of VillageStatus) in the same query."""
    # A designation counts only while its product is in the village (see in_product_village).
    approved = Designation.objects.filter(
        village=OuterRef("pk"), product__village=OuterRef("pk"), status=Designation.Status.APPROVED
    )
    proposed = Designation.objects.filter(
        village=OuterRef("pk"), product__village=OuterRef("pk"), status=Designation.Status.PROPOSED
    )
    products = Product.objects.filter(village=OuterRef("pk"))
    return villages.annotate(
        ovop_status=models.Case(
            models.When(Exists(approved), then=models.Value(VillageStatus.DESIGNATED)),
            models.When(Exists(proposed), then=models.Value(VillageStatus.PROPOSED)),
            models.When(Exists(products), then=models.Value(VillageStatus.HAS_PRODUCTS)),
            default=models.Value(VillageStatus.NONE),
            output_field=models.CharField(),
        )
    )


# The areas a summary of villages can be grouped by: (code lookup, name lookup) from a village.
SUMMARY_LEVELS = {
    "district": ("district_id", "district__name"),
    "regency": ("district__regency_id", "district__regency__name"),
    "province": ("district__regency__province_id", "district__regency__province__name"),
}


def status_counts(villages: models.QuerySet, level: str = "district") -> dict:
    """Counts per OVOP status for the villages (annotated by with_ovop_status), overall and per area
    of the level (kecamatan unless told otherwise).

    One query, grouped by area and status.
    """
    code, name = SUMMARY_LEVELS[level]
    rows = villages.order_by().values(code, name, "ovop_status").annotate(n=models.Count("pk"))
    total = dict.fromkeys(VillageStatus.values, 0)
    districts: dict[str, dict] = {}
    for row in rows:
        entry = districts.setdefault(
            row[code],
            {"code": row[code], "name": row[name], **dict.fromkeys(VillageStatus.values, 0)},
        )
        entry[row["ovop_status"]] += row["n"]
        total[row["ovop_status"]] += row["n"]
    for entry in districts.values():
        entry["all"] = sum(entry[s] for s in VillageStatus.values)
    total["all"] = sum(total[s] for s in VillageStatus.values)
    return {"total": total, "districts": sorted(districts.values(), key=lambda d: d["name"])}

"""The flagship (OVOP) designation of a village's product, and the villages' OVOP status."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from villages.models import ScopedQuerySet, Village, service_area

from .registry import Product


class DesignationQuerySet(ScopedQuerySet):
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

    def for_awaiting_list(self) -> "DesignationQuerySet":
        return self.proposed().select_related(
            "village__district", "product__category", "proposed_by", "round"
        )

    def for_history(self) -> "DesignationQuerySet":
        return self.select_related("product", "proposed_by", "decided_by", "ended_by").order_by(*NEWEST_FIRST)

    def for_round_page(self) -> "DesignationQuerySet":
        """A round's designations grouped by kecamatan then village, with what its page shows."""
        return self.select_related("village__district", "product__category", "proposed_by").order_by(
            "village__district__name", "village__name", "product__name", "pk"
        )

    def for_certificate(self) -> "DesignationQuerySet":
        return self.approved().select_related("village__district__regency", "product__category", "decree")

    def verifiable(self) -> "DesignationQuerySet":
        """What the public verification page may answer for: designations that were made (approved,
        or approved and later ended) in the served area. An approved one counts only while its product
        is in its village (in_product_village); proposals and rejections never had a certificate."""
        return (
            self.filter(service_area("village__code"))
            .filter(
                Q(status=DesignationStatus.APPROVED, product__village=F("village"))
                | Q(status=DesignationStatus.ENDED)
            )
            .select_related("village__district__regency", "product__category", "decree")
        )


# Defined at module level so that Designation's Meta can build its constraint from the values (a Meta
# cannot see names of the model's own body); Designation.Status names it as before.
class DesignationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Diusulkan")
    APPROVED = "approved", _("Ditetapkan")
    REJECTED = "rejected", _("Ditolak")
    ENDED = "ended", _("Berakhir")


# Newest proposal first. A designation recorded from a past decree has no proposal time: it goes last
# on SQLite and PostgreSQL alike (they disagree where NULL sorts by default).
NEWEST_FIRST = (F("proposed_at").desc(nulls_last=True), "-pk")


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
    # Null only for a designation recorded from a past decree (recorded_from_decree): the portal did
    # not see it proposed, and a made-up time would pass for a real one in every list and report.
    proposed_at = models.DateTimeField(_("diusulkan pada"), default=timezone.now, null=True, blank=True)
    recorded_from_decree = models.BooleanField(
        _("dicatat dari SK lama"),
        default=False,
        help_text=_("Penetapan masa lalu yang dicatat dari SK-nya; tidak ada usulan di portal."),
    )
    round = models.ForeignKey(
        "DesignationRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations",
        verbose_name=_("putaran penetapan"),
    )
    decree = models.ForeignKey(
        "Decree",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="designations",
        verbose_name=_("SK penetapan"),
    )
    # The public verification page's address (the certificate's QR code): stable and unguessable.
    verification_code = models.UUIDField(
        _("kode verifikasi"), default=uuid.uuid4, unique=True, editable=False
    )
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
        # Set once and never changed: the history would only repeat it.
        excluded_fields=["verification_code"],
    )

    class Meta:
        ordering = list(NEWEST_FIRST)
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
            models.CheckConstraint(
                condition=Q(proposed_at__isnull=False) | Q(recorded_from_decree=True),
                name="designation_proposed_at_known",
                violation_error_message=_("Usulan memerlukan waktu diusulkan."),
            ),
            models.CheckConstraint(
                condition=Q(recorded_from_decree=False)
                | (Q(decree__isnull=False) & Q(status__in=["approved", "ended"])),
                name="designation_from_decree_has_decree",
                violation_error_message=_("Penetapan yang dicatat dari SK lama memerlukan SK-nya."),
            ),
            models.CheckConstraint(
                condition=Q(decree__isnull=True)
                | (Q(round__isnull=False) & Q(status__in=["approved", "ended"])),
                name="designation_decree_lists_round_approvals",
                violation_error_message=_("SK putaran hanya memuat penetapan putaran itu."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "village"], name="designation_status_village"),
            # The recap's designations of a year, and the first year.
            models.Index(fields=["year", "status"], name="designation_year_status"),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.village} ({self.get_status_display()})"

    def clean(self) -> None:
        super().clean()
        if self.product_id and self.village_id and self.product.village_id != self.village_id:
            raise ValidationError({"product": _("Produk ini bukan produk desa/kelurahan tersebut.")})
        if self.round_id and self.year and self.round.year != self.year:
            raise ValidationError(
                {"year": _("Tahun penetapan harus tahun putarannya (%(year)s).") % {"year": self.round.year}}
            )
        if self.decree_id and self.decree.round_id != self.round_id:
            raise ValidationError({"decree": _("SK ini milik putaran lain.")})

    @property
    def holds_its_product(self) -> bool:
        """A proposal awaiting its decision, or an approved flagship: while one stands, its product
        cannot be proposed again (products.services.designation_propose refuses it)."""
        return self.status in (DesignationStatus.PROPOSED, DesignationStatus.APPROVED)

    @property
    def decided_on(self):
        """The day of the decision as the decree states it (its date), else the day it was recorded."""
        if self.decree_date:
            return self.decree_date
        return timezone.localtime(self.decided_at).date() if self.decided_at else None

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

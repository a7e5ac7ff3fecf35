"""Legality documents (permits and certificates) of products and producers, and their expiry."""

import datetime
import uuid
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.scans import validate_scan_upload
from core.storage import private_storage

from .registry import Producer, Product, today

EXPIRY_WARNING_DAYS = 90


def expired_q(on: datetime.date | None = None) -> Q:
    """Legality documents past their expiry date."""
    return Q(expires_on__lt=on or today())


def expiring_q(on: datetime.date | None = None, days: int = EXPIRY_WARNING_DAYS) -> Q:
    """Legality documents that expire within `days`."""
    on = on or today()
    return Q(expires_on__gte=on, expires_on__lte=on + datetime.timedelta(days=days))


class LegalityDocumentQuerySet(models.QuerySet):
    def expired(self, on: datetime.date | None = None) -> "LegalityDocumentQuerySet":
        return self.filter(expired_q(on))

    def expiring(
        self, on: datetime.date | None = None, days: int = EXPIRY_WARNING_DAYS
    ) -> "LegalityDocumentQuerySet":
        return self.filter(expiring_q(on, days))

    def valid(self, on: datetime.date | None = None) -> "LegalityDocumentQuerySet":
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on or today()))


def nib_documents_follow(producers) -> None:
    """A producer's NIB documents carry the producer's NIB (one source): after the NIB changed, by a
    form, the admin or an import (which writes in bulk, past Producer.save), each one is corrected and
    the correction recorded in its history. One query, and a save per document corrected."""
    nibs = {producer.pk: producer.nib for producer in producers if producer.pk and producer.nib}
    if not nibs:
        return
    for document in LegalityDocument.objects.filter(kind="nib", producer_id__in=nibs):
        if document.number != nibs[document.producer_id]:
            document.number = nibs[document.producer_id]
            document.save(update_fields=["number", "updated_at"])


# The usual issuer of each kind, shown when an official left the issuer empty.
USUAL_ISSUERS = {
    "nib": _("Kementerian Investasi/BKPM (OSS)"),
    "spp_irt": _("Pemerintah kabupaten/kota (SPP-IRT)"),
    "halal": _("BPJPH Kementerian Agama"),
    "bpom_md": _("Badan POM"),
    "hki": _("DJKI Kementerian Hukum"),
    "sni": _("Lembaga Sertifikasi Produk (LSPro)"),
}

# The issuers' public pages where a buyer checks a number (by searching it there).
CHECK_URLS = {
    "nib": "https://oss.go.id/informasi/kbli-berbasis-risiko",
    "spp_irt": "https://sppirt.pom.go.id/",
    "halal": "https://bpjph.halal.go.id/search/sertifikat",
    "bpom_md": "https://cekbpom.pom.go.id/",
    "hki": "https://pdki-indonesia.dgip.go.id/",
    "sni": "https://akses-sni.bsn.go.id/",
}


def with_producer_nibs(producers, documents=()) -> list["LegalityDocument"]:
    """The documents given, and each producer's NIB as a record of its own when no NIB document stands
    for it (as Producer.legality_records, for several producers at once): a NIB is a public business
    number (OSS) with no expiry."""
    documents = list(documents)
    nib_holders = {d.producer_id for d in documents if d.kind == LegalityDocument.Kind.NIB}
    for producer in producers:
        if producer.nib and producer.pk not in nib_holders:
            nib = LegalityDocument(producer=producer, kind=LegalityDocument.Kind.NIB, number=producer.nib)
            documents.insert(0, nib)
    return documents


def legality_upload_to(instance: "LegalityDocument", filename: str) -> str:
    """A random name in private storage: the original name often holds the owner's name or NIK."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    extension = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png"}.get(extension, "bin")
    return f"legalitas/{today():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class LegalityDocument(models.Model):
    """A permit or certificate held by a product or a producer (exactly one of the two)."""

    class Kind(models.TextChoices):
        NIB = "nib", _("NIB")
        SPP_IRT = "spp_irt", _("SPP-IRT")
        HALAL = "halal", _("Sertifikat halal")
        BPOM_MD = "bpom_md", _("BPOM MD")
        HKI = "hki", _("HKI/Merek")
        SNI = "sni", _("SNI")
        OTHER = "other", _("Lainnya")

    class State(models.TextChoices):
        VALID = "valid", _("Berlaku")
        EXPIRING = "expiring", _("Segera berakhir")
        EXPIRED = "expired", _("Kedaluwarsa")

    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legality_documents",
        verbose_name=_("produk"),
    )
    producer = models.ForeignKey(
        Producer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legality_documents",
        verbose_name=_("produsen"),
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("nomor"), max_length=100)
    issuer = models.CharField(
        _("penerbit"),
        max_length=150,
        blank=True,
        help_text=_("Kosongkan untuk penerbit yang lazim (misalnya BPJPH untuk sertifikat halal)."),
    )
    issued_on = models.DateField(_("tanggal terbit"))
    expires_on = models.DateField(
        _("berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("Kosongkan bila tidak ada masa berlaku (sertifikat halal)."),
    )
    scan = models.FileField(
        _("pindaian dokumen"),
        upload_to=legality_upload_to,
        storage=private_storage,
        validators=[validate_scan_upload],
        blank=True,
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = LegalityDocumentQuerySet.as_manager()
    history = HistoricalRecords(
        verbose_name=_("riwayat dokumen legalitas"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat dokumen legalitas"),
        excluded_fields=["updated_at"],
    )

    class Meta:
        ordering = ["expires_on", "kind", "pk"]
        verbose_name = _("dokumen legalitas")
        verbose_name_plural = pgettext_lazy("plural", "dokumen legalitas")
        constraints = [
            models.CheckConstraint(
                condition=(Q(product__isnull=False) & Q(producer__isnull=True))
                | (Q(product__isnull=True) & Q(producer__isnull=False)),
                name="legality_for_product_xor_producer",
                violation_error_message=_("Dokumen legalitas milik satu produk atau satu produsen."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=models.F("issued_on")),
                name="legality_expires_after_issue",
                violation_error_message=_("Tanggal berlaku sampai tidak boleh sebelum tanggal terbit."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="halal") | Q(expires_on__isnull=True),
                name="legality_halal_has_no_expiry",
                violation_error_message=_(
                    "Sertifikat halal tidak memiliki masa berlaku; kosongkan tanggal berlaku sampai."
                ),
            ),
        ]
        indexes = [models.Index(fields=["expires_on"], name="legality_expires_on")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.kind == self.Kind.NIB and self.producer_id is not None and not self.number:
            self.number = self.producer.nib
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if (self.product_id is None) == (self.producer_id is None):
            raise ValidationError(_("Dokumen legalitas milik satu produk atau satu produsen."))
        if self.expires_on and self.issued_on and self.expires_on < self.issued_on:
            raise ValidationError(
                {"expires_on": _("Tanggal berlaku sampai tidak boleh sebelum tanggal terbit.")}
            )
        if self.kind == self.Kind.HALAL and self.expires_on:
            raise ValidationError(
                {"expires_on": _("Sertifikat halal tidak memiliki masa berlaku; kosongkan tanggal ini.")}
            )
        self._clean_producer_nib()

    def _clean_producer_nib(self) -> None:
        """A producer's NIB document records the NIB of the producer's own data (one source): its
        number is that NIB, and a producer without one gets it on the producer form first."""
        if self.kind != self.Kind.NIB or self.producer_id is None:
            return
        nib = self.producer.nib
        if not nib:
            raise ValidationError(
                {
                    "kind": _(
                        "Isi NIB pada data produsen terlebih dahulu; dokumen NIB ini melengkapinya "
                        "dengan tanggal terbit dan pindaian."
                    )
                }
            )
        if not self.number:
            self.number = nib
        elif "".join(self.number.split()) != nib:
            raise ValidationError(
                {
                    "number": _(
                        "NIB produsen ini %(nib)s (dari data produsen). Kosongkan nomor atau tulis NIB "
                        "yang sama; bila NIB-nya salah, ubah pada data produsen."
                    )
                    % {"nib": nib}
                }
            )
        self.number = nib

    @property
    def issuer_name(self) -> str:
        """Who issued it: as typed, or the usual issuer of its kind."""
        return self.issuer or str(USUAL_ISSUERS.get(self.kind, ""))

    @property
    def check_url(self) -> str:
        """The issuer's public page where anyone can check a number of this kind ("" when none)."""
        return CHECK_URLS.get(self.kind, "")

    @property
    def check_site(self) -> str:
        """The check page's host, as a link names it ("cekbpom.pom.go.id")."""
        return urlsplit(self.check_url).hostname or ""

    def state(self, on: datetime.date | None = None) -> str:
        on = on or today()
        if self.expires_on is None or self.expires_on > on + datetime.timedelta(days=EXPIRY_WARNING_DAYS):
            return self.State.VALID
        if self.expires_on < on:
            return self.State.EXPIRED
        return self.State.EXPIRING

    def get_state_display(self) -> str:
        return str(self.State(self.state()).label)

    @property
    def holder(self) -> "Product | Producer":
        return self.product if self.product_id else self.producer

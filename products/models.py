"""The product registry: categories, products, producers (UMKM), legality documents and photos."""

import datetime
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.concurrency import bump_row_version
from core.scans import validate_scan_upload
from core.storage import private_storage
from villages.models import Village, service_area
from villages.roles import Scope

EXPIRY_WARNING_DAYS = 90
NIB_PATTERN = re.compile(r"\d{13}")
# An Indonesian mobile number after +62: 8, then 8 to 11 more digits.
WHATSAPP_PATTERN = re.compile(r"\+628[1-9]\d{7,10}")


# Shown wherever a NIB is refused because a producer the official may not see holds it (the producer
# form, the spreadsheet import). A NIB names one business, so it stays unique and a refusal cannot help
# saying that the number is in use; and since an officer can list every producer of their own area,
# "in use, not by one of mine" follows from any refusal at all. So the text says that much and nothing
# more: not who holds it, in which village or kecamatan, or whether the holder is next door or in
# another regency, and it reads the same on every path so that none of them tells more than another.
# (The NIB itself is public in OSS; who holds it and where is what the officer must not learn.) A
# genuine clash, e.g. a producer registered twice, is for the Dinas, who sees the whole regency.
NIB_HELD_ELSEWHERE = _(
    "NIB ini sudah terdaftar di portal dan tidak dapat dipakai di sini. Bila NIB ini memang milik "
    "produsen ini, hubungi Dinas."
)


def normalise_whatsapp(raw: str) -> str:
    """Return the number as +628…, or raise ValidationError when it is not an Indonesian mobile."""
    digits = re.sub(r"[\s\-.()]", "", raw or "")
    if not digits:
        return ""
    if digits.startswith("+62"):
        number = digits
    elif digits.startswith("62"):
        number = "+" + digits
    elif digits.startswith("0"):
        number = "+62" + digits[1:]
    elif digits.startswith("8"):
        number = "+62" + digits
    else:
        number = digits
    if not WHATSAPP_PATTERN.fullmatch(number):
        raise ValidationError(
            _("Nomor WhatsApp tidak valid. Tulis nomor ponsel Indonesia, misalnya 0812-3456-7890."),
            code="invalid_whatsapp",
        )
    return number


def today() -> datetime.date:
    return timezone.localdate()


class Category(models.Model):
    name = models.CharField(_("nama"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("keterangan"), blank=True)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("kategori")
        verbose_name_plural = pgettext_lazy("plural", "kategori")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:category", args=[self.slug])


class ProducerQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> "ProducerQuerySet":
        queryset = self.filter(service_area("village__code"))
        return queryset if scope.is_dinas else queryset.filter(village__district_id__in=scope.district_codes)

    def search(self, query: str) -> "ProducerQuerySet":
        query = query.strip()
        if not query:
            return self
        return self.filter(
            Q(business_name__icontains=query) | Q(owner_name__icontains=query) | Q(nib__startswith=query)
        )

    def for_officials_list(self) -> "ProducerQuerySet":
        return self.select_related("village__district").annotate(product_count=models.Count("products"))


class Producer(models.Model):
    """A UMKM: a household, group, cooperative, BUMDes or small business that makes products."""

    class Kind(models.TextChoices):
        PERORANGAN = "perorangan", _("Perorangan")
        KELOMPOK = "kelompok", _("Kelompok usaha")
        KOPERASI = "koperasi", _("Koperasi")
        BUMDES = "bumdes", _("BUMDes")
        USAHA_KECIL = "usaha_kecil", _("Usaha kecil")

    business_name = models.CharField(_("nama usaha"), max_length=150)
    owner_name = models.CharField(_("pemilik atau ketua kelompok"), max_length=150)
    kind = models.CharField(_("bentuk usaha"), max_length=20, choices=Kind.choices, default=Kind.PERORANGAN)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="producers", verbose_name=_("desa/kelurahan")
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    whatsapp = models.CharField(
        _("nomor WhatsApp"),
        max_length=16,
        blank=True,
        validators=[RegexValidator(f"^{WHATSAPP_PATTERN.pattern}$", _("Nomor WhatsApp tidak valid."))],
        help_text=_("Nomor ponsel Indonesia; disimpan sebagai +62…"),
    )
    nib = models.CharField(
        _("NIB"),
        max_length=13,
        blank=True,
        validators=[RegexValidator(r"^\d{13}$", _("NIB terdiri dari 13 angka."))],
        help_text=_("Nomor Induk Berusaha dari OSS, 13 angka."),
    )
    workers = models.PositiveIntegerField(
        _("jumlah pekerja"), default=1, validators=[MaxValueValidator(100000)]
    )
    year_started = models.PositiveSmallIntegerField(
        _("tahun mulai usaha"), null=True, blank=True, validators=[MinValueValidator(1900)]
    )
    latitude = models.DecimalField(_("lintang"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("bujur"), max_digits=9, decimal_places=6, null=True, blank=True)
    contact_consent = models.BooleanField(
        _("setuju kontak dipublikasikan"),
        default=False,
        help_text=_(
            "Sesuai UU PDP: tanpa persetujuan ini, alamat dan WhatsApp tidak pernah tampil untuk publik."
        ),
    )
    is_demo = models.BooleanField(_("data contoh"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Optimistic lock for edit forms (core.concurrency): every save adds one.
    row_version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = ProducerQuerySet.as_manager()
    # Who changed what and when (the officials' pages and the admin show it). A change's own time
    # is the record's history_date, so updated_at would only repeat it.
    history = HistoricalRecords(
        verbose_name=_("riwayat produsen (UMKM)"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat produsen (UMKM)"),
        excluded_fields=["updated_at"],
    )

    class Meta:
        ordering = ["business_name", "pk"]
        verbose_name = _("produsen (UMKM)")
        verbose_name_plural = pgettext_lazy("plural", "produsen (UMKM)")
        constraints = [
            models.UniqueConstraint(
                fields=["nib"],
                condition=~Q(nib=""),
                name="producer_nib_unique",
                violation_error_message=_("NIB ini sudah terdaftar untuk produsen lain."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="producer_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="producer_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.business_name

    def save(self, *args, **kwargs) -> None:
        kwargs["update_fields"] = bump_row_version(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("products:producer_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.year_started and self.year_started > today().year:
            raise ValidationError({"year_started": _("Tahun mulai usaha tidak boleh di masa depan.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."))

    @property
    def public_whatsapp(self) -> str:
        """The WhatsApp number the public may see: only with the producer's consent."""
        return self.whatsapp if self.contact_consent else ""


class ProductQuerySet(models.QuerySet):
    def published(self) -> "ProductQuerySet":
        return self.filter(status=Product.Status.PUBLISHED)

    def for_scope(self, scope: Scope) -> "ProductQuerySet":
        queryset = self.filter(service_area("village__code"))
        return queryset if scope.is_dinas else queryset.filter(village__district_id__in=scope.district_codes)

    def search(self, query: str) -> "ProductQuerySet":
        query = query.strip()
        if not query:
            return self
        return self.filter(
            Q(name__icontains=query)
            | Q(village__name__icontains=query)
            | Q(producers__business_name__icontains=query)
        ).distinct()

    def public(self) -> "ProductQuerySet":
        """What the public may see: published products of the served regency."""
        return self.published().filter(service_area("village__code"))

    def with_public_flagship(self) -> "ProductQuerySet":
        """`is_flagship` and `flagship_year`: whether the product is its village's approved flagship.

        The designation must name the product's own village: a product that left the village it was
        designated for (data changed behind the services' back) is no village's flagship."""
        approved = Designation.objects.approved().filter(product=OuterRef("pk"), village=OuterRef("village"))
        return self.annotate(
            is_flagship=Exists(approved), flagship_year=models.Subquery(approved.values("year")[:1])
        )

    def with_stars(self, on: datetime.date | None = None) -> "ProductQuerySet":
        """`stars` and `assessed_on` of the latest assessment still valid (36 months), or None."""
        cutoff = add_months(on or today(), -ASSESSMENT_VALID_MONTHS)
        latest = Assessment.objects.filter(product=OuterRef("pk"), assessed_on__gt=cutoff).order_by(
            "-assessed_on", "-pk"
        )
        return self.annotate(
            stars=models.Subquery(latest.values("stars")[:1]),
            assessed_on=models.Subquery(latest.values("assessed_on")[:1]),
        )

    def with_valid_legality(self, kind: str) -> "ProductQuerySet":
        """Products holding a valid document of this kind, themselves or through one of their producers."""
        documents = LegalityDocument.objects.valid().filter(kind=kind)
        return self.filter(
            Exists(documents.filter(product=OuterRef("pk")))
            | Exists(documents.filter(producer__products=OuterRef("pk")))
        )

    def for_catalogue(self) -> "ProductQuerySet":
        """Product cards: place, category, flagship and stars in one query, plus one query for the
        cover photos (a card shows only the cover's small rendition)."""
        return (
            self.select_related("village__district", "category")
            .with_public_flagship()
            .with_stars()
            .prefetch_related(
                models.Prefetch(
                    "photos", queryset=ProductPhoto.objects.filter(is_cover=True), to_attr="cover_photos"
                )
            )
        )

    def legality_missing(self) -> "ProductQuerySet":
        return self.filter(~Exists(LegalityDocument.objects.filter(product=OuterRef("pk"))))

    def legality_expired(self) -> "ProductQuerySet":
        return self.filter(Exists(LegalityDocument.objects.expired().filter(product=OuterRef("pk"))))

    def legality_expiring(self) -> "ProductQuerySet":
        return self.filter(Exists(LegalityDocument.objects.expiring().filter(product=OuterRef("pk"))))

    def for_officials_list(self) -> "ProductQuerySet":
        return self.select_related("village__district", "category").annotate(
            producer_count=models.Count("producers", distinct=True),
            has_expired=Exists(LegalityDocument.objects.expired().filter(product=OuterRef("pk"))),
            has_expiring=Exists(LegalityDocument.objects.expiring().filter(product=OuterRef("pk"))),
            has_document=Exists(LegalityDocument.objects.filter(product=OuterRef("pk"))),
        )


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Terbit")

    class MarketReach(models.TextChoices):
        VILLAGE = "desa", _("Desa dan sekitarnya")
        REGENCY = "kabupaten", _("Kabupaten")
        PROVINCE = "provinsi", _("Provinsi")
        NATIONAL = "nasional", _("Nasional")
        EXPORT = "ekspor", _("Ekspor")

    name = models.CharField(_("nama produk"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=180, unique=True, editable=False)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="products", verbose_name=_("desa/kelurahan")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("kategori")
    )
    story = models.TextField(
        _("cerita produk"), blank=True, help_text=_("Asal-usul, keunikan, cara membuat.")
    )
    raw_materials = models.TextField(_("bahan baku"), blank=True)
    price_min = models.PositiveBigIntegerField(_("harga terendah (Rp)"), null=True, blank=True)
    price_max = models.PositiveBigIntegerField(_("harga tertinggi (Rp)"), null=True, blank=True)
    price_unit = models.CharField(
        _("satuan harga"), max_length=40, blank=True, help_text=_("misalnya: per buah, per kg")
    )
    monthly_capacity = models.PositiveIntegerField(_("kapasitas per bulan"), null=True, blank=True)
    capacity_unit = models.CharField(_("satuan kapasitas"), max_length=40, blank=True)
    market_reach = models.CharField(
        _("jangkauan pasar"), max_length=12, choices=MarketReach.choices, default=MarketReach.VILLAGE
    )
    markets = models.CharField(
        _("pasar yang dicapai"),
        max_length=255,
        blank=True,
        help_text=_("misalnya: Jakarta, Bandung, Palembang"),
    )
    producers = models.ManyToManyField(
        Producer, related_name="products", blank=True, verbose_name=_("produsen")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_demo = models.BooleanField(_("data contoh"), default=False)
    # What the public search looks in: names of the product, its place, category and producers, and
    # its story, lower-cased. Derived data, kept by products.search.search_refresh (see signals.py).
    search_text = models.TextField(_("teks pencarian"), blank=True, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Optimistic lock for edit forms (core.concurrency): every save adds one.
    row_version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = ProductQuerySet.as_manager()
    # search_text is derived (rewritten by bulk_update, without history) and updated_at repeats the
    # record's own time: neither is a change anyone made.
    history = HistoricalRecords(
        verbose_name=_("riwayat produk"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat produk"),
        excluded_fields=["search_text", "updated_at"],
        # Its producers too: restoring a deleted product brings its links back (core.history).
        m2m_fields=[producers],
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("produk")
        verbose_name_plural = pgettext_lazy("plural", "produk")
        constraints = [
            models.CheckConstraint(
                condition=Q(price_min__isnull=True)
                | Q(price_max__isnull=True)
                | Q(price_max__gte=models.F("price_min")),
                name="product_price_range_ordered",
                violation_error_message=_("Harga tertinggi tidak boleh lebih rendah dari harga terendah."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="product_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "village"], name="product_status_village")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self._unique_slug()
        kwargs["update_fields"] = bump_row_version(self, kwargs.get("update_fields"))
        update_fields = kwargs.get("update_fields")
        writes_village = update_fields is None or {"village", "village_id"} & set(update_fields)
        if writes_village and self.village_moves():
            # The last guard, for every path that skips clean() (scripts, bulk code): the row is
            # locked first so that designation_propose, which locks it too, cannot slip a proposal
            # in between this check and the write.
            with transaction.atomic(using=kwargs.get("using")):
                list(Product.objects.select_for_update().filter(pk=self.pk).values_list("pk"))
                self._refuse_move_away_from_designation()
                super().save(*args, **kwargs)
        else:
            super().save(*args, **kwargs)
        self._stored_village_id = self.village_id

    def get_absolute_url(self) -> str:
        return reverse("products:product_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("catalogue:product", args=[self.slug])

    @property
    def cover(self) -> "ProductPhoto | None":
        """The cover photo, from for_catalogue()'s prefetch (never a query of its own)."""
        covers = getattr(self, "cover_photos", None)
        return covers[0] if covers else None

    def clean(self) -> None:
        super().clean()
        if self.price_min is not None and self.price_max is not None and self.price_max < self.price_min:
            raise ValidationError(
                {"price_max": _("Harga tertinggi tidak boleh lebih rendah dari harga terendah.")}
            )
        # A flagship (or a proposed one) belongs to its village by a Dinas decision: only ending or
        # deciding the designation frees the product to move. save() refuses the same.
        if self.village_moves():
            self._refuse_move_away_from_designation()

    # The village a product was read with, to tell a move from any other save (see village_moves).
    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._stored_village_id = instance.__dict__.get("village_id")
        return instance

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._stored_village_id = self.__dict__.get("village_id")

    def village_moves(self) -> bool:
        """Whether saving would give an existing product another village than the one it was read with
        (an instance not read from the database is assumed to move: it is checked)."""
        if self.pk is None or self.village_id is None:
            return False
        return getattr(self, "_stored_village_id", None) != self.village_id

    def open_designation_elsewhere(self) -> "Designation | None":
        """A proposal or an approved designation of this product for a village other than its own
        village as set now; the approved one first."""
        return (
            Designation.objects.open()
            .filter(product_id=self.pk)
            .exclude(village_id=self.village_id)
            .select_related("village")
            .order_by("status", "-pk")
            .first()
        )

    def _refuse_move_away_from_designation(self) -> None:
        designation = self.open_designation_elsewhere()
        if designation is not None:
            raise ValidationError({"village": designation.village_change_refusal()})

    @staticmethod
    def slug_base(name: str, village_name: str) -> str:
        """The slug before any "-2" that tells it from another's (imports allocate slugs in bulk)."""
        name, village = slugify(name), slugify(village_name)
        return (name if village in name else f"{name}-{village}")[:160].strip("-") or "produk"

    def _unique_slug(self) -> str:
        base = Product.slug_base(self.name, self.village.name)
        slug, n = base, 2
        while Product.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


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


def photo_upload_to(instance: "ProductPhoto", filename: str) -> str:
    return f"produk/{today():%Y/%m}/{filename}"


class ProductPhoto(models.Model):
    """A product photo, stored only as re-encoded renditions (the original is never kept)."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="photos", verbose_name=_("produk")
    )
    large = models.ImageField(
        _("foto"), upload_to=photo_upload_to, width_field="large_width", height_field="large_height"
    )
    large_width = models.PositiveIntegerField(editable=False)
    large_height = models.PositiveIntegerField(editable=False)
    medium = models.ImageField(
        upload_to=photo_upload_to, width_field="medium_width", height_field="medium_height"
    )
    medium_width = models.PositiveIntegerField(editable=False)
    medium_height = models.PositiveIntegerField(editable=False)
    thumb = models.ImageField(
        upload_to=photo_upload_to, width_field="thumb_width", height_field="thumb_height"
    )
    thumb_width = models.PositiveIntegerField(editable=False)
    thumb_height = models.PositiveIntegerField(editable=False)
    caption = models.CharField(_("keterangan foto"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)
    is_cover = models.BooleanField(_("foto sampul"), default=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    # Deleted photos can be restored with their product (core.history); their files are kept.
    history = HistoricalRecords(
        verbose_name=_("riwayat foto produk"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat foto produk"),
    )

    class Meta:
        ordering = ["-is_cover", "position", "pk"]
        verbose_name = _("foto produk")
        verbose_name_plural = pgettext_lazy("plural", "foto produk")
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=Q(is_cover=True), name="product_one_cover_photo"
            ),
        ]

    def __str__(self) -> str:
        return self.caption or f"{self.product} #{self.position}"

    @property
    def alt_text(self) -> str:
        return self.caption or str(self.product)


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

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Diusulkan")
        APPROVED = "approved", _("Ditetapkan")
        REJECTED = "rejected", _("Ditolak")
        ENDED = "ended", _("Berakhir")

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
                condition=Q(status__in=["proposed", "approved", "rejected", "ended"]),
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
        ]
        indexes = [models.Index(fields=["product", "-assessed_on"], name="assessment_latest")]

    def __str__(self) -> str:
        return f"{self.product} · {self.assessed_on:%Y-%m-%d} · {self.stars}★"

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


def legality_expiry_counts(scope: Scope) -> dict:
    """How many legality documents of the scope's products and producers have expired, and how many
    expire soon. A document belongs to a product or to a producer, never both: each side is counted
    through its own index and the two added (an OR of the two would read every document)."""
    counts = {"expired": 0, "expiring": 0}
    for owner, within in (
        ("product__in", Product.objects.for_scope(scope)),
        ("producer__in", Producer.objects.for_scope(scope)),
    ):
        side = LegalityDocument.objects.filter(**{owner: within}).aggregate(
            expired=models.Count("pk", filter=expired_q()), expiring=models.Count("pk", filter=expiring_q())
        )
        counts = {key: counts[key] + side[key] for key in counts}
    return counts


def due_for_assessment(products: ProductQuerySet, on: datetime.date | None = None) -> ProductQuerySet:
    """Published or flagship products with no assessment, or whose last one is 36 months old or more."""
    on = on or today()
    last = (
        Assessment.objects.filter(product=OuterRef("pk")).order_by("-assessed_on").values("assessed_on")[:1]
    )
    flagship = Designation.objects.approved().filter(product=OuterRef("pk"), village=OuterRef("village"))
    return (
        products.annotate(last_assessed_on=models.Subquery(last), is_flagship=Exists(flagship))
        .filter(Q(status=Product.Status.PUBLISHED) | Q(is_flagship=True))
        .filter(
            Q(last_assessed_on__isnull=True)
            | Q(last_assessed_on__lte=add_months(on, -ASSESSMENT_VALID_MONTHS))
        )
        .select_related("village__district", "category")
    )


class HeldUpload(models.Model):
    """A spreadsheet of producers or products between its upload and its import (ovop_portal's
    import pages). Kept in the database, not in a server's temp folder, so that the preview and the
    import work whichever app server answers them; bound to the official who uploaded it."""

    token = models.CharField(max_length=32, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    data = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name

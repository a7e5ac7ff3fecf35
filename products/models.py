"""The product registry: categories, products, producers (UMKM), legality documents and photos."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from villages.models import Village
from villages.roles import Scope

EXPIRY_WARNING_DAYS = 90
NIB_PATTERN = re.compile(r"\d{13}")
# An Indonesian mobile number after +62: 8, then 8 to 11 more digits.
WHATSAPP_PATTERN = re.compile(r"\+628[1-9]\d{7,10}")


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
        verbose_name_plural = _("kategori")

    def __str__(self) -> str:
        return self.name


class ProducerQuerySet(models.QuerySet):
    def for_scope(self, scope: Scope) -> "ProducerQuerySet":
        queryset = self.filter(village__district__regency_id=settings.OVOP_REGENCY_CODE)
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

    objects = ProducerQuerySet.as_manager()

    class Meta:
        ordering = ["business_name", "pk"]
        verbose_name = _("produsen (UMKM)")
        verbose_name_plural = _("produsen (UMKM)")
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
        queryset = self.filter(village__district__regency_id=settings.OVOP_REGENCY_CODE)
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
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("produk")
        verbose_name_plural = _("produk")
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
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("products:product_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.price_min is not None and self.price_max is not None and self.price_max < self.price_min:
            raise ValidationError(
                {"price_max": _("Harga tertinggi tidak boleh lebih rendah dari harga terendah.")}
            )

    def _unique_slug(self) -> str:
        base = slugify(f"{self.name} {self.village.name}")[:160] or "produk"
        slug, n = base, 2
        while Product.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug


class LegalityDocumentQuerySet(models.QuerySet):
    def expired(self, on: datetime.date | None = None) -> "LegalityDocumentQuerySet":
        return self.filter(expires_on__lt=on or today())

    def expiring(
        self, on: datetime.date | None = None, days: int = EXPIRY_WARNING_DAYS
    ) -> "LegalityDocumentQuerySet":
        on = on or today()
        return self.filter(expires_on__gte=on, expires_on__lte=on + datetime.timedelta(days=days))

    def valid(self, on: datetime.date | None = None) -> "LegalityDocumentQuerySet":
        return self.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on or today()))


def legality_upload_to(instance: "LegalityDocument", filename: str) -> str:
    return f"legalitas/{today():%Y/%m}/{filename}"


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
    scan = models.FileField(_("pindaian dokumen"), upload_to=legality_upload_to, blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = LegalityDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["expires_on", "kind", "pk"]
        verbose_name = _("dokumen legalitas")
        verbose_name_plural = _("dokumen legalitas")
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

    class Meta:
        ordering = ["-is_cover", "position", "pk"]
        verbose_name = _("foto produk")
        verbose_name_plural = _("foto produk")
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

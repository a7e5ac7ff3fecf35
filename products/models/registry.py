"""The product registry: categories, producers (UMKM), products, their photos and held spreadsheet uploads."""

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.concurrency import bump_row_version
from core.money import MAX_RUPIAH
from villages.models import ScopedQuerySet, Village, service_area

from ..validators import validate_nib, validate_whatsapp

if TYPE_CHECKING:  # siblings import this module; it imports them inside methods
    from .designation import Designation

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


def _approval_in_own_village():
    """The approved designation that makes a product (OuterRef "pk") its village's flagship: the rule of
    with_public_flagship and of the stored `listed_as_flagship`."""
    from .designation import Designation

    return Designation.objects.approved().filter(product=OuterRef("pk"), village=OuterRef("village"))


def today() -> datetime.date:
    return timezone.localdate()


class Category(models.Model):
    name = models.CharField(_("nama"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_en = models.CharField(_("nama (bahasa Inggris)"), max_length=80, blank=True)
    description = models.TextField(_("keterangan"), blank=True)
    description_en = models.TextField(_("keterangan (bahasa Inggris)"), blank=True)
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("kategori")
        verbose_name_plural = pgettext_lazy("plural", "kategori")

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:category", args=[self.slug])

    @property
    def display_name(self) -> str:
        """The name in the active language: English when one is set and the page is in English."""
        if self.name_en and get_language() == "en":
            return self.name_en
        return self.name

    @property
    def display_description(self) -> str:
        if self.description_en and get_language() == "en":
            return self.description_en
        return self.description


class ProducerQuerySet(ScopedQuerySet):
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
    profile = models.TextField(
        _("tentang usaha"),
        blank=True,
        help_text=_("Untuk halaman produsen: siapa mereka, sejak kapan, apa keunggulannya."),
    )
    whatsapp = models.CharField(
        _("nomor WhatsApp"),
        max_length=16,
        blank=True,
        validators=[validate_whatsapp],
        help_text=_("Nomor ponsel Indonesia; disimpan sebagai +62…"),
    )
    nib = models.CharField(
        _("NIB"),
        max_length=13,
        blank=True,
        validators=[validate_nib],
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
        # The officials' list's order: a page of a country's producers read in order, not sorted.
        indexes = [models.Index(fields=["business_name", "id"], name="producer_name_order")]
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
        with transaction.atomic():
            super().save(*args, **kwargs)
            # The NIB typed here is the producer's NIB legality record (one source).
            from .legality import nib_documents_follow

            nib_documents_follow([self])

    def get_absolute_url(self) -> str:
        return reverse("officials:producer_detail", args=[self.pk])

    @property
    def public_slug(self) -> str:
        """The public page's address: the name for people, the id to find it (a renamed producer keeps
        its page; the old address redirects)."""
        return f"{slugify(self.business_name)[:80].strip('-') or 'produsen'}-{self.pk}"

    def get_public_url(self) -> str:
        """The public profile page: only producers who consented to publication have one."""
        return reverse("catalogue:producer", args=[self.public_slug])

    def legality_records(self) -> list:
        """The producer's legality, as every page shows it: its documents, and its NIB as a record of
        its own when no NIB document (with a date or scan) stands for it. Reads the prefetched
        `legality_documents` when there is one."""
        from .legality import with_producer_nibs

        return with_producer_nibs([self], self.legality_documents.all())

    def clean(self) -> None:
        super().clean()
        if self.year_started and self.year_started > today().year:
            raise ValidationError({"year_started": _("Tahun mulai usaha tidak boleh di masa depan.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."))
        if not self.nib and self.pk and self.legality_documents.filter(kind="nib").exists():
            # Its NIB document records this NIB (one source): emptied here, it would name a NIB
            # the producer no longer has.
            raise ValidationError(
                {
                    "nib": _(
                        "Produsen ini punya dokumen NIB. Hapus dokumen itu lebih dulu bila NIB-nya "
                        "memang dikosongkan."
                    )
                }
            )

    @property
    def public_whatsapp(self) -> str:
        """The WhatsApp number the public may see: only with the producer's consent."""
        return self.whatsapp if self.contact_consent else ""


class ProductQuerySet(ScopedQuerySet):
    def published(self) -> "ProductQuerySet":
        return self.filter(status=Product.Status.PUBLISHED)

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
        approved = _approval_in_own_village()
        return self.annotate(
            is_flagship=Exists(approved), flagship_year=models.Subquery(approved.values("year")[:1])
        )

    def refresh_flagship_listing(self) -> int:
        """Rewrite `listed_as_flagship` where it differs from is_flagship (with_public_flagship's rule);
        the number of products changed. Two statements that touch only the rows that are wrong, so a
        whole country's repair rewrites nothing when nothing changed."""
        approved = Exists(_approval_in_own_village())
        now_flagships = self.filter(listed_as_flagship=False).filter(approved)
        no_longer = self.filter(listed_as_flagship=True).exclude(approved)
        return now_flagships.update(listed_as_flagship=True) + no_longer.update(listed_as_flagship=False)

    def with_stars(self, on: datetime.date | None = None) -> "ProductQuerySet":
        """`stars`, `assessed_on` and `assessor_role` of the latest assessment still valid (36 months), or
        None."""
        from .assessment import ASSESSMENT_VALID_MONTHS, Assessment, add_months

        cutoff = add_months(on or today(), -ASSESSMENT_VALID_MONTHS)
        latest = Assessment.objects.filter(product=OuterRef("pk"), assessed_on__gt=cutoff).order_by(
            "-assessed_on", "-pk"
        )
        return self.annotate(
            stars=models.Subquery(latest.values("stars")[:1]),
            assessed_on=models.Subquery(latest.values("assessed_on")[:1]),
            assessor_role=models.Subquery(latest.values("assessor_role")[:1]),
        )

    def due_for_assessment(self, on: datetime.date | None = None) -> "ProductQuerySet":
        """Published or flagship products with no assessment, or whose last one is 36 months old or
        more."""
        from .assessment import ASSESSMENT_VALID_MONTHS, Assessment, add_months
        from .designation import Designation

        on = on or today()
        last = (
            Assessment.objects.filter(product=OuterRef("pk"))
            .order_by("-assessed_on")
            .values("assessed_on")[:1]
        )
        # Beside "published", PostgreSQL tests this through a hash of every approved designation it
        # may meet: those of the area served only (a regency's few hundred through the code-prefix
        # index, not the country's 58,000). A flagship outside the area is no one's to assess.
        flagship = Designation.objects.approved().filter(
            service_area("village__code"), product=OuterRef("pk"), village=OuterRef("village")
        )
        return (
            self.annotate(last_assessed_on=models.Subquery(last), is_flagship=Exists(flagship))
            .filter(Q(status=Product.Status.PUBLISHED) | Q(is_flagship=True))
            .filter(
                Q(last_assessed_on__isnull=True)
                | Q(last_assessed_on__lte=add_months(on, -ASSESSMENT_VALID_MONTHS))
            )
            .select_related("village__district", "category")
        )

    def with_valid_legality(self, kind: str) -> "ProductQuerySet":
        """Products holding a valid document of this kind, themselves or through one of their producers."""
        from .legality import LegalityDocument

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
        from .legality import LegalityDocument

        return self.filter(~Exists(LegalityDocument.objects.filter(product=OuterRef("pk"))))

    def legality_expired(self) -> "ProductQuerySet":
        from .legality import LegalityDocument

        return self.filter(Exists(LegalityDocument.objects.expired().filter(product=OuterRef("pk"))))

    def legality_expiring(self) -> "ProductQuerySet":
        from .legality import LegalityDocument

        return self.filter(Exists(LegalityDocument.objects.expiring().filter(product=OuterRef("pk"))))

    def for_officials_list(self) -> "ProductQuerySet":
        from .legality import LegalityDocument

        return self.select_related("village__district", "category").annotate(
            producer_count=models.Count("producers", distinct=True),
            has_expired=Exists(LegalityDocument.objects.expired().filter(product=OuterRef("pk"))),
            has_expiring=Exists(LegalityDocument.objects.expiring().filter(product=OuterRef("pk"))),
            has_document=Exists(LegalityDocument.objects.filter(product=OuterRef("pk"))),
        )


# Defined at module level so that Product's Meta can build its constraint from the values (a Meta cannot
# see names of the model's own body); Product.Status names it as before.
class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    PUBLISHED = "published", _("Terbit")


class Product(models.Model):
    Status = ProductStatus

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
    price_min = models.PositiveBigIntegerField(
        _("harga terendah (Rp)"), null=True, blank=True, validators=[MaxValueValidator(MAX_RUPIAH)]
    )
    price_max = models.PositiveBigIntegerField(
        _("harga tertinggi (Rp)"), null=True, blank=True, validators=[MaxValueValidator(MAX_RUPIAH)]
    )
    price_unit = models.CharField(
        _("satuan harga"), max_length=40, blank=True, help_text=_("misalnya: per buah, per kg")
    )
    monthly_capacity = models.PositiveIntegerField(_("kapasitas per bulan"), null=True, blank=True)
    capacity_unit = models.CharField(_("satuan kapasitas"), max_length=40, blank=True)
    market_reach = models.CharField(
        _("jangkauan pasar"), max_length=12, choices=MarketReach.choices, default=MarketReach.VILLAGE
    )
    producers = models.ManyToManyField(
        Producer, related_name="products", blank=True, verbose_name=_("produsen")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_demo = models.BooleanField(_("data contoh"), default=False)
    # What the public search looks in: names of the product, its place, category and producers, and
    # its story, lower-cased. Derived data, kept by products.search.search_refresh (see signals.py).
    search_text = models.TextField(_("teks pencarian"), blank=True, editable=False)
    # Whether the product is its village's approved flagship, stored so that the catalogue's
    # "flagships first" reads an index instead of testing every product of the country against the
    # designations (issue 19). Derived data, kept by ProductQuerySet.refresh_flagship_listing (see
    # signals.py, and the daily products.tasks.refresh_flagship_listing for writes behind the models'
    # back); it only orders the catalogue: the badge and the flagships-only filter read the designations.
    listed_as_flagship = models.BooleanField(_("tercantum sebagai unggulan"), default=False, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    # Optimistic lock for edit forms (core.concurrency): every save adds one.
    row_version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = ProductQuerySet.as_manager()
    # search_text and listed_as_flagship are derived (rewritten by UPDATE, without history) and
    # updated_at repeats the record's own time: none is a change anyone made.
    history = HistoricalRecords(
        verbose_name=_("riwayat produk"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat produk"),
        excluded_fields=["search_text", "listed_as_flagship", "updated_at"],
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
            models.CheckConstraint(condition=Q(status__in=ProductStatus.values), name="product_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "village"], name="product_status_village"),
            # The officials' list's order: a page of a country's products read in order, not sorted.
            models.Index(fields=["name", "id"], name="product_name_order"),
            # The catalogue's default order, flagships first: its pages read from the index alone, the
            # served area tested on the village it carries (PostgreSQL; SQLite ignores `include`).
            models.Index(
                fields=["-listed_as_flagship", "name", "id"],
                include=["village"],
                condition=Q(status=ProductStatus.PUBLISHED),
                name="catalogue_flagships_first",
            ),
        ]

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
        return reverse("officials:product_detail", args=[self.pk])

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
        from .designation import Designation

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

"""What a product sells as and where a buyer gets it: its variants (size, flavour, motif, each with its
price and measures), its points of sale, the cities and regions it reaches, and the producers' shops
on the marketplaces and social pages Indonesians use."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.money import MAX_RUPIAH

from .registry import Producer, Product


class ProductVariant(models.Model):
    """One thing a buyer can order: a size, flavour or motif of the product, with its own price and
    measures."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="variants", verbose_name=_("produk")
    )
    name = models.CharField(
        _("nama varian"), max_length=100, help_text=_("misalnya: Kemasan 250 g, Rasa pedas, Motif kawung")
    )
    price = models.PositiveBigIntegerField(
        _("harga (Rp)"), null=True, blank=True, validators=[MaxValueValidator(MAX_RUPIAH)]
    )
    unit = models.CharField(_("satuan"), max_length=40, help_text=_("misalnya: bungkus, botol, lembar, buah"))
    net_weight_grams = models.PositiveIntegerField(
        _("berat bersih (gram)"), null=True, blank=True, validators=[MaxValueValidator(10**7)]
    )
    dimensions = models.CharField(
        _("ukuran"), max_length=60, blank=True, help_text=_("misalnya: 30 × 20 × 15 cm, 2 × 1 m")
    )
    shelf_life_days = models.PositiveSmallIntegerField(
        _("masa simpan (hari)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Untuk pangan: berapa hari produk aman dikonsumsi sejak dibuat."),
    )
    min_order = models.PositiveIntegerField(
        _("pesanan minimum"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10**6)]
    )
    lead_time_days = models.PositiveSmallIntegerField(
        _("waktu produksi (hari)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_("Berapa hari pesanan siap bila tidak ada stok; kosongkan bila selalu tersedia."),
    )
    position = models.PositiveSmallIntegerField(_("urutan"), default=0)

    history = HistoricalRecords(
        verbose_name=_("riwayat varian produk"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat varian produk"),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("varian produk")
        verbose_name_plural = pgettext_lazy("plural", "varian produk")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "name"],
                name="variant_name_unique_per_product",
                violation_error_message=_("Produk ini sudah punya varian dengan nama itu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} – {self.name}"


class SalesPoint(models.Model):
    """A place where a buyer finds the product: a shop, gift centre, supermarket, exhibition or
    reseller."""

    class Kind(models.TextChoices):
        VILLAGE_SHOP = "toko_desa", _("Toko atau warung desa")
        GIFT_CENTRE = "oleh_oleh", _("Pusat oleh-oleh")
        SUPERMARKET = "swalayan", _("Swalayan")
        EXHIBITION = "pameran", _("Pameran atau galeri")
        RESELLER = "reseller", _("Reseller atau agen")

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="sales_points", verbose_name=_("produk")
    )
    name = models.CharField(_("nama toko atau gerai"), max_length=150)
    kind = models.CharField(_("jenis tempat"), max_length=12, choices=Kind.choices)
    place = models.CharField(
        _("kecamatan atau kota"), max_length=100, help_text=_("misalnya: Kecamatan Ciruas, Kota Serang")
    )

    history = HistoricalRecords(
        verbose_name=_("riwayat tempat penjualan"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat tempat penjualan"),
    )

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("tempat penjualan")
        verbose_name_plural = pgettext_lazy("plural", "tempat penjualan")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "name", "place"],
                name="sales_point_unique_per_product",
                violation_error_message=_("Tempat penjualan ini sudah tercatat untuk produk ini."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.place})"


class MarketArea(models.Model):
    """A city, province or country the product is sold to, and since when: the product's market
    network as data."""

    class Level(models.TextChoices):
        CITY = "kota", _("Kota atau kabupaten")
        PROVINCE = "provinsi", _("Provinsi")
        COUNTRY = "negara", _("Negara (ekspor)")

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="market_areas", verbose_name=_("produk")
    )
    name = models.CharField(_("nama wilayah"), max_length=100, help_text=_("misalnya: Jakarta, Palembang"))
    level = models.CharField(_("tingkat"), max_length=10, choices=Level.choices, default=Level.CITY)
    since_year = models.PositiveSmallIntegerField(
        _("sejak tahun"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )

    history = HistoricalRecords(
        verbose_name=_("riwayat wilayah pemasaran"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat wilayah pemasaran"),
    )

    class Meta:
        ordering = ["level", "name", "pk"]
        verbose_name = _("wilayah pemasaran")
        verbose_name_plural = pgettext_lazy("plural", "wilayah pemasaran")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "name"],
                name="market_area_unique_per_product",
                violation_error_message=_("Wilayah ini sudah tercatat untuk produk ini."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Platform(models.TextChoices):
    SHOPEE = "shopee", "Shopee"
    TOKOPEDIA = "tokopedia", "Tokopedia"
    TIKTOK_SHOP = "tiktok", "TikTok Shop"
    BUKALAPAK = "bukalapak", "Bukalapak"
    BLIBLI = "blibli", "Blibli"
    EKATALOG = "ekatalog", _("e-Katalog LKPP")
    BELA = "bela", _("Bela Pengadaan")
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"


# The hosts each platform's shop addresses live on (the host itself or one of its subdomains). A link
# elsewhere is refused: the public page must send a buyer where its label says.
PLATFORM_HOSTS: dict[str, tuple[str, ...]] = {
    Platform.SHOPEE: ("shopee.co.id", "shp.ee"),
    Platform.TOKOPEDIA: ("tokopedia.com", "tokopedia.link"),
    Platform.TIKTOK_SHOP: ("tiktok.com",),
    Platform.BUKALAPAK: ("bukalapak.com",),
    Platform.BLIBLI: ("blibli.com",),
    Platform.EKATALOG: ("e-katalog.lkpp.go.id", "katalog.inaproc.id"),
    Platform.BELA: ("bela.lkpp.go.id",),
    Platform.INSTAGRAM: ("instagram.com",),
    Platform.FACEBOOK: ("facebook.com", "fb.com"),
}

ONLINE_SHOP_PLATFORMS = frozenset(
    {
        Platform.SHOPEE,
        Platform.TOKOPEDIA,
        Platform.TIKTOK_SHOP,
        Platform.BUKALAPAK,
        Platform.BLIBLI,
        Platform.EKATALOG,
        Platform.BELA,
    }
)


def shop_url_refusal(platform: str, url: str) -> str | None:
    """Why this address is not a shop on this platform, or None when it is."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" or not host:
        return str(_("Alamat toko harus diawali https://."))
    hosts = PLATFORM_HOSTS.get(platform, ())
    if not any(host == allowed or host.endswith("." + allowed) for allowed in hosts):
        return str(
            _("Alamat ini bukan alamat %(platform)s (harus di %(hosts)s).")
            % {"platform": Platform(platform).label, "hosts": ", ".join(hosts)}
        )
    return None


class ShopLink(models.Model):
    """A producer's shop or page on a marketplace or social network; with a product, the listing of
    that product."""

    Platform = Platform

    producer = models.ForeignKey(
        Producer, on_delete=models.CASCADE, related_name="shop_links", verbose_name=_("produsen")
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="shop_links",
        verbose_name=_("produk"),
        help_text=_("Kosongkan bila tautan ini ke toko produsen, bukan ke satu produk."),
    )
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    url = models.URLField(_("alamat tautan"), max_length=300)

    history = HistoricalRecords(
        verbose_name=_("riwayat tautan toko"),
        verbose_name_plural=pgettext_lazy("plural", "riwayat tautan toko"),
    )

    class Meta:
        ordering = ["platform", "pk"]
        verbose_name = _("tautan toko")
        verbose_name_plural = pgettext_lazy("plural", "tautan toko")
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "url"],
                name="shop_link_unique_per_producer",
                violation_error_message=_("Tautan ini sudah tercatat untuk produsen ini."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.url}"

    @property
    def is_online_shop(self) -> bool:
        return self.platform in ONLINE_SHOP_PLATFORMS

    def clean(self) -> None:
        super().clean()
        if self.platform and self.url:
            refusal = shop_url_refusal(self.platform, self.url)
            if refusal:
                raise ValidationError({"url": refusal})
        if (
            self.product_id
            and self.producer_id
            and not self.product.producers.filter(pk=self.producer_id).exists()
        ):
            raise ValidationError({"product": _("Produk ini tidak dibuat oleh produsen ini.")})

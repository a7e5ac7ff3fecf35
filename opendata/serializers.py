"""What each open dataset publishes, field by field: the one definition the API, the CSV downloads, the
OpenAPI schema and the data dictionary on /data-terbuka/ are all built from.

Every field is something a public page already shows for the same object (tests/opendata/
test_privacy.py renders the page and checks): never an owner's name, an address, a NIB, a proposal,
a note or an officer, and amounts only where the admin setting lets the public pages show them."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assistance.models import Programme
from core.links import public_url


class WhatsAppField(serializers.CharField):
    """A WhatsApp number as stored (+62…); the CSV writes it the way Indonesians do (0812-…)."""


def _page(name: str, *args) -> str:
    return public_url(reverse(name, args=args))


class VillageSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Kode Kemendagri desa/kelurahan, misalnya 36.04.09.2009."))
    name = serializers.CharField(help_text=_("Nama desa/kelurahan."))
    kind = serializers.CharField(help_text=_("Jenis: desa atau kelurahan."))
    district_code = serializers.CharField(source="district_id", help_text=_("Kode Kemendagri kecamatan."))
    district_name = serializers.CharField(source="district.name", help_text=_("Nama kecamatan."))
    regency_code = serializers.CharField(
        source="district.regency_id", help_text=_("Kode Kemendagri kabupaten/kota.")
    )
    regency_name = serializers.CharField(source="district.regency.name", help_text=_("Nama kabupaten/kota."))
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("Lintang titik tengah wilayah (bukan lokasi kantor), atau kosong."),
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        coerce_to_string=False,
        allow_null=True,
        help_text=_("Bujur titik tengah wilayah, atau kosong."),
    )
    has_products = serializers.BooleanField(
        help_text=_("Apakah desa ini punya produk yang terbit di katalog.")
    )
    flagship_slug = serializers.CharField(
        allow_null=True, help_text=_("Slug produk unggulan desa yang ditetapkan, atau kosong.")
    )
    flagship_url = serializers.SerializerMethodField(
        help_text=_("Alamat halaman produk unggulan, atau kosong.")
    )
    url = serializers.SerializerMethodField(help_text=_("Alamat halaman publik desa ini."))

    def get_flagship_url(self, village) -> str | None:
        return _page("catalogue:product", village.flagship_slug) if village.flagship_slug else None

    def get_url(self, village) -> str:
        return _page("catalogue:village_detail", village.code)


class ProductSerializer(serializers.Serializer):
    slug = serializers.SlugField(help_text=_("Pengenal tetap produk di alamat halamannya."))
    name = serializers.CharField(help_text=_("Nama produk."))
    category_slug = serializers.SlugField(source="category.slug", help_text=_("Slug kategori."))
    category_name = serializers.CharField(source="category.name", help_text=_("Nama kategori."))
    village_code = serializers.CharField(
        source="village_id", help_text=_("Kode Kemendagri desa asal produk.")
    )
    district_code = serializers.CharField(
        source="village.district_id", help_text=_("Kode Kemendagri kecamatan asal produk.")
    )
    price_min = serializers.IntegerField(
        allow_null=True, help_text=_("Harga terendah dalam Rupiah, atau kosong.")
    )
    price_max = serializers.IntegerField(
        allow_null=True, help_text=_("Harga tertinggi dalam Rupiah, atau kosong.")
    )
    price_unit = serializers.CharField(help_text=_("Satuan harga, misalnya per buah."))
    is_flagship = serializers.BooleanField(help_text=_("Apakah produk ini produk unggulan desanya."))
    flagship_year = serializers.IntegerField(
        allow_null=True, help_text=_("Tahun penetapan sebagai produk unggulan, atau kosong.")
    )
    stars = serializers.IntegerField(
        allow_null=True,
        help_text=_("Bintang (1–5) dari penilaian terakhir yang masih berlaku (36 bulan), atau kosong."),
    )
    url = serializers.SerializerMethodField(help_text=_("Alamat halaman publik produk."))

    def get_url(self, product) -> str:
        return _page("catalogue:product", product.slug)


class ProducerSerializer(serializers.Serializer):
    business_name = serializers.CharField(help_text=_("Nama usaha."))
    kind = serializers.CharField(
        help_text=_("Bentuk usaha: perorangan, kelompok, koperasi, bumdes, usaha_kecil.")
    )
    year_started = serializers.IntegerField(allow_null=True, help_text=_("Tahun mulai usaha, atau kosong."))
    village_code = serializers.CharField(source="village_id", help_text=_("Kode Kemendagri desa produsen."))
    whatsapp = WhatsAppField(
        source="public_whatsapp",
        help_text=_("Nomor WhatsApp yang disetujui produsen untuk dipublikasikan, atau kosong."),
    )
    url = serializers.SerializerMethodField(help_text=_("Alamat halaman publik produsen, atau kosong."))

    def get_url(self, producer) -> str | None:
        try:
            return public_url(producer.get_public_url())
        except NoReverseMatch:  # the producers' public pages are not part of this release
            return None


class DesignationSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("Tahun penetapan produk unggulan."))
    village_code = serializers.CharField(source="village_id", help_text=_("Kode Kemendagri desa."))
    product_slug = serializers.SlugField(source="product.slug", help_text=_("Slug produk unggulan."))
    product_url = serializers.SerializerMethodField(help_text=_("Alamat halaman publik produk unggulan."))

    def get_product_url(self, designation) -> str:
        return _page("catalogue:product", designation.product.slug)


class AssistanceSerializer(serializers.Serializer):
    product_slug = serializers.SlugField(source="product__slug", help_text=_("Slug produk yang didampingi."))
    kind = serializers.CharField(source="programme__kind", help_text=_("Jenis pendampingan (kode)."))
    kind_name = serializers.SerializerMethodField(
        help_text=_("Jenis pendampingan, seperti tampil di halaman produk.")
    )
    year = serializers.IntegerField(source="programme__fiscal_year", help_text=_("Tahun anggaran."))
    total = serializers.SerializerMethodField(
        help_text=_(
            "Nilai bantuan dalam Rupiah, hanya bila pengaturan admin mengizinkan nilai tampil; "
            "selain itu kosong."
        )
    )

    def get_kind_name(self, row) -> str:
        return str(Programme.Kind(row["programme__kind"]).label)

    def get_total(self, row) -> int | None:
        return row.get("total") if settings.OVOP_PUBLIC_ASSISTANCE_AMOUNTS else None

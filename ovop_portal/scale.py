"""National-scale data for benchmarks (`manage.py seed_scale`): never for a real deployment.

It loads every region of the country (or the regions asked for) and generates, deterministically from a
seed, what a national OVOP registry would hold after some years of work:

- a product in 88% of villages: an approved flagship (with its SK Bupati) in 70% of them, a proposal
  waiting in 10%, a product without designation in 8% (some with a rejected proposal); a tenth of the
  flagship villages also keep their former flagship, ended and replaced by the current one;
- about 3 producers (UMKM) per product, linked to it, with NIB numbers, WhatsApp numbers and consent;
- legality documents of mixed kinds (NIB, SPP-IRT, halal, BPOM MD, HKI, SNI, others), some expired;
- scored assessments for about three quarters of the flagships (some only old, so due again);
- 2 assistance programmes per regency per fiscal year for the current year and the two before, about
  500,000 deliveries over them (never past a programme's budget), mentoring visits, and quarterly
  outcome figures before and after a product's first assistance.

Every row respects the database constraints and the rules of the models' `clean()` and of the services
(one approved flagship per village, a product in its own village, deliveries within the budget, ...).
Generated products, producers and programmes are marked `is_demo`; the officers are inactive accounts
named `skala-<regency code>` with unusable passwords.

Speed: rows are written with `bulk_create` in batches, with primary keys chosen here (1, 2, 3, ... per
table, the sequences set afterwards), so no row is read back and the same seed gives the same rows,
keys included. `bulk_create` sends no signals, so:
- no simple-history rows are written for the generated data (the history pages show nothing for it);
- `Product.search_text` is filled here with `products.search.search_document`, as search_refresh would;
- the public page cache is invalidated once at the end.
Timestamps (`created_at`, `updated_at` and the rest) are derived from the data's own dates, never from
the clock: the reference day is 30 June of `year` (default: this year).
"""

import datetime
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate, pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, reset_queries, transaction
from django.db.models import Q
from django.utils.text import slugify

from assistance.models import Delivery, MentoringVisit, OutcomeRecord, Programme
from products.models import (
    Assessment,
    AssessmentCriterion,
    AssessmentScore,
    Category,
    Designation,
    LegalityDocument,
    Producer,
    Product,
    stars_for,
)
from products.search import search_document
from villages.models import District, Regency, Village
from villages.services import RegionFileError, regions_load, validate_scope_code

from .cache import invalidate_public_pages

DEFAULT_SEED = 1979  # the year Oita started "One Village One Product"
BATCH = 2000
# The country in data/wilayah/wilayah_id.csv.gz has 83,762 villages: at scale 1 it gets 500,000
# deliveries and about 100,000 mentoring visits; a subset of regions gets its share.
NATIONAL_VILLAGES = 83_762
DELIVERIES_PER_VILLAGE = 500_000 / NATIONAL_VILLAGES
VISITS_PER_VILLAGE = 1.2
OUTCOME_SHARE = 0.25  # of the flagships assisted, at scale 1
PROGRAMMES_PER_REGENCY_YEAR = 2
FLAGSHIP_SHARE, PROPOSED_SHARE, LISTED_SHARE = 0.70, 0.10, 0.08  # the rest: no product yet
FORMER_FLAGSHIP_SHARE = 0.10
REJECTED_SHARE = 0.30  # of the villages with a product but no designation
PRODUCER_COUNTS = {1: 10, 2: 25, 3: 30, 4: 20, 5: 15}  # weights: 3.05 producers per product
OFFICER_PREFIX = "skala-"
OFFICER_PASSWORD = "!seed_scale"  # noqa: S105 -- starts with "!": Django's mark of an unusable password

TZ = ZoneInfo(settings.TIME_ZONE)


class ScaleRefused(Exception):
    """The database or the options do not allow generating; the message says why."""


# -- vocabulary --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductKind:
    category: str
    name: str
    price_unit: str
    price: tuple[int, int]
    unit: str  # of capacity and of production volume
    capacity: tuple[int, int]  # per month
    raw_materials: str
    provinces: tuple[str, ...] = ()  # province code prefixes where it is typical ("" = anywhere)


def _kind(category, name, price_unit, price, unit, capacity, raw, provinces=""):
    return ProductKind(category, name, price_unit, price, unit, capacity, raw, tuple(provinces.split()))


PRODUCT_KINDS = [
    _kind("makanan-olahan", "Keripik Singkong", "per bungkus", (8_000, 25_000), "bungkus", (300, 3000),
          "singkong, minyak kelapa, bumbu"),
    _kind("makanan-olahan", "Keripik Pisang", "per bungkus", (10_000, 30_000), "bungkus", (300, 3000),
          "pisang kepok, gula aren"),
    _kind("makanan-olahan", "Kerupuk Ikan", "per kg", (40_000, 90_000), "kg", (100, 1500),
          "ikan tenggiri, tepung tapioka"),
    _kind("makanan-olahan", "Pempek", "per paket", (25_000, 75_000), "paket", (200, 2000),
          "ikan, sagu", "16 19"),
    _kind("makanan-olahan", "Dodol", "per kotak", (15_000, 45_000), "kotak", (200, 2500),
          "beras ketan, gula merah, santan", "32 36 14"),
    _kind("makanan-olahan", "Emping Melinjo", "per kg", (60_000, 120_000), "kg", (100, 1000),
          "biji melinjo", "36 32"),
    _kind("makanan-olahan", "Abon Ikan", "per bungkus", (25_000, 60_000), "bungkus", (100, 1500),
          "ikan tongkol, rempah"),
    _kind("makanan-olahan", "Sambal Roa", "per botol", (30_000, 60_000), "botol", (100, 1200),
          "ikan roa asap, cabai", "71 75"),
    _kind("makanan-olahan", "Rengginang", "per bungkus", (10_000, 25_000), "bungkus", (300, 3000),
          "beras ketan, garam"),
    _kind("makanan-olahan", "Terasi Udang", "per bungkus", (8_000, 20_000), "bungkus", (300, 4000),
          "udang rebon, garam", "19 21 61 73"),
    _kind("makanan-olahan", "Ikan Asin", "per kg", (45_000, 110_000), "kg", (200, 3000),
          "ikan laut, garam", "19 21 73 74 81"),
    _kind("makanan-olahan", "Rendang Kemasan", "per kaleng", (60_000, 150_000), "kaleng", (100, 800),
          "daging sapi, santan, rempah", "13"),
    _kind("makanan-olahan", "Bakpia", "per kotak", (25_000, 50_000), "kotak", (300, 4000),
          "tepung terigu, kacang hijau", "34 33"),
    _kind("makanan-olahan", "Lempok Durian", "per kotak", (30_000, 70_000), "kotak", (100, 800),
          "durian, gula", "14 16 61"),
    _kind("makanan-olahan", "Kue Bagea", "per bungkus", (15_000, 35_000), "bungkus", (200, 1500),
          "sagu, kenari", "71 72 81 82"),
    _kind("makanan-olahan", "Sagu Lempeng", "per ikat", (10_000, 25_000), "ikat", (200, 2000),
          "tepung sagu", "81 82 91 92 94"),
    _kind("makanan-olahan", "Keripik Tempe", "per bungkus", (10_000, 25_000), "bungkus", (300, 3000),
          "tempe, tepung beras, bumbu", "33 35 34"),
    _kind("makanan-olahan", "Bawang Goreng", "per toples", (35_000, 80_000), "toples", (100, 1200),
          "bawang merah lokal", "72 52 33"),
    _kind("minuman", "Kopi Robusta", "per bungkus 200 g", (25_000, 60_000), "bungkus", (200, 2500),
          "biji kopi robusta", "16 18 35 51"),
    _kind("minuman", "Kopi Arabika", "per bungkus 200 g", (45_000, 120_000), "bungkus", (100, 1500),
          "biji kopi arabika", "11 12 73 53 32"),
    _kind("minuman", "Teh Daun Kelor", "per kotak", (20_000, 45_000), "kotak", (100, 1500),
          "daun kelor kering", "53 52 35"),
    _kind("minuman", "Jahe Merah Instan", "per toples", (25_000, 55_000), "toples", (200, 2000),
          "jahe merah, gula aren"),
    _kind("minuman", "Wedang Uwuh", "per bungkus", (10_000, 25_000), "bungkus", (300, 3000),
          "kayu secang, jahe, cengkih", "34 33"),
    _kind("minuman", "Sirup Pala", "per botol", (30_000, 60_000), "botol", (100, 1000),
          "daging buah pala, gula", "81 82 17"),
    _kind("minuman", "Jamu Kunyit Asam", "per botol", (8_000, 20_000), "botol", (300, 4000),
          "kunyit, asam jawa, gula merah", "33 35 34"),
    _kind("minuman", "Bandrek", "per bungkus", (12_000, 30_000), "bungkus", (200, 2000),
          "jahe, gula aren, rempah", "32 12"),
    _kind("minuman", "Sari Buah Markisa", "per botol", (25_000, 50_000), "botol", (200, 1500),
          "buah markisa", "12 73"),
    _kind("kerajinan", "Gerabah", "per buah", (15_000, 250_000), "buah", (100, 1500),
          "tanah liat", "36 33 52"),
    _kind("kerajinan", "Anyaman Rotan", "per buah", (50_000, 600_000), "buah", (50, 500),
          "rotan", "19 62 63 64 16"),
    _kind("kerajinan", "Anyaman Bambu", "per buah", (20_000, 250_000), "buah", (100, 1000),
          "bambu apus, bambu tali"),
    _kind("kerajinan", "Ukiran Kayu", "per buah", (100_000, 2_500_000), "buah", (10, 200),
          "kayu jati, kayu mahoni", "33 51"),
    _kind("kerajinan", "Golok", "per buah", (75_000, 350_000), "buah", (30, 400),
          "besi baja, kayu sonokeling", "36 32"),
    _kind("kerajinan", "Tikar Pandan", "per lembar", (40_000, 200_000), "lembar", (50, 600),
          "daun pandan duri"),
    _kind("kerajinan", "Kerajinan Kerang", "per buah", (10_000, 150_000), "buah", (100, 1500),
          "kulit kerang, resin", "19 21 51 73"),
    _kind("kerajinan", "Topeng Kayu", "per buah", (75_000, 750_000), "buah", (20, 300),
          "kayu pule, cat alam", "51 34 32"),
    _kind("kerajinan", "Miniatur Perahu", "per buah", (50_000, 500_000), "buah", (20, 300),
          "kayu, kain layar", "73 74 76"),
    _kind("kerajinan", "Noken", "per buah", (75_000, 500_000), "buah", (20, 300),
          "serat kayu, kulit anggrek", "91 92 94 95 96 97"),
    _kind("fesyen-tekstil", "Batik Tulis", "per lembar", (250_000, 2_500_000), "lembar", (20, 200),
          "kain mori, malam, pewarna alam", "31 32 33 34 35 36"),
    _kind("fesyen-tekstil", "Batik Cap", "per lembar", (100_000, 450_000), "lembar", (100, 800),
          "kain katun, malam", "31 32 33 34 35 36"),
    _kind("fesyen-tekstil", "Tenun Ikat", "per lembar", (300_000, 3_000_000), "lembar", (10, 150),
          "benang kapas, pewarna alam", "53 52 51 64"),
    _kind("fesyen-tekstil", "Songket", "per lembar", (500_000, 5_000_000), "lembar", (5, 80),
          "benang sutra, benang emas", "13 16 14 52 61"),
    _kind("fesyen-tekstil", "Ulos", "per lembar", (200_000, 2_000_000), "lembar", (10, 150),
          "benang kapas", "12"),
    _kind("fesyen-tekstil", "Tas Anyaman Pandan", "per buah", (50_000, 250_000), "buah", (50, 800),
          "daun pandan, kain pelapis"),
    _kind("fesyen-tekstil", "Sepatu Kulit", "per pasang", (200_000, 650_000), "pasang", (50, 600),
          "kulit sapi samak", "32 35 36"),
    _kind("fesyen-tekstil", "Sarung Tenun", "per lembar", (150_000, 1_200_000), "lembar", (20, 300),
          "benang sutra, benang katun", "73 74 75 76"),
    _kind("fesyen-tekstil", "Kain Sasirangan", "per lembar", (150_000, 900_000), "lembar", (30, 400),
          "kain katun, pewarna", "63"),
    _kind("herbal-kosmetik", "Minyak Atsiri Nilam", "per botol", (75_000, 350_000), "botol", (50, 600),
          "daun nilam", "11 74 33"),
    _kind("herbal-kosmetik", "Sabun Sereh Wangi", "per batang", (10_000, 30_000), "batang", (300, 4000),
          "minyak sereh wangi, minyak kelapa"),
    _kind("herbal-kosmetik", "Lulur Rempah", "per toples", (25_000, 75_000), "toples", (100, 1500),
          "beras, kunyit, temu giring", "33 34 51"),
    _kind("herbal-kosmetik", "Minyak Kayu Putih", "per botol", (20_000, 60_000), "botol", (200, 3000),
          "daun kayu putih", "81 82"),
    _kind("herbal-kosmetik", "Minyak Kelapa Murni", "per botol", (35_000, 90_000), "botol", (100, 1500),
          "kelapa tua", "71 72 75"),
    _kind("pertanian-perikanan", "Beras Organik", "per kg", (15_000, 30_000), "kg", (1000, 20000),
          "padi organik"),
    _kind("pertanian-perikanan", "Gula Aren", "per kg", (25_000, 50_000), "kg", (200, 3000),
          "nira aren", "36 32 73 13"),
    _kind("pertanian-perikanan", "Madu Hutan", "per botol", (80_000, 250_000), "botol", (30, 500),
          "madu lebah hutan", "52 53 61 62 64"),
    _kind("pertanian-perikanan", "Lada Putih", "per kg", (90_000, 160_000), "kg", (100, 2000),
          "buah lada", "19 18"),
    _kind("pertanian-perikanan", "Cengkih Kering", "per kg", (90_000, 150_000), "kg", (100, 2000),
          "bunga cengkih", "71 72 81 82"),
    _kind("pertanian-perikanan", "Udang Kering", "per kg", (120_000, 300_000), "kg", (50, 800),
          "udang laut", "21 19 64"),
    _kind("pertanian-perikanan", "Rumput Laut Kering", "per kg", (10_000, 30_000), "kg", (1000, 20000),
          "rumput laut", "73 53 52 72"),
    _kind("pertanian-perikanan", "Kakao Fermentasi", "per kg", (35_000, 80_000), "kg", (500, 8000),
          "biji kakao", "73 74 76 72"),
    _kind("pertanian-perikanan", "Vanili Kering", "per kg", (800_000, 3_000_000), "kg", (5, 100),
          "polong vanili", "51 53 92"),
    _kind("pertanian-perikanan", "Salak Pondoh", "per kg", (8_000, 18_000), "kg", (1000, 15000),
          "buah salak", "34 33"),
    _kind("jasa-wisata", "Desa Wisata", "per orang", (25_000, 150_000), "pengunjung", (200, 3000),
          "alam, budaya dan kuliner desa"),
    _kind("jasa-wisata", "Homestay", "per malam", (150_000, 450_000), "malam", (20, 200),
          "rumah warga"),
    _kind("jasa-wisata", "Paket Edukasi Membatik", "per orang", (50_000, 175_000), "peserta", (50, 800),
          "kain, malam, canting", "33 34 35 36"),
    _kind("jasa-wisata", "Wisata Agro", "per orang", (20_000, 100_000), "pengunjung", (200, 3000),
          "kebun buah dan sayur warga"),
]  # fmt: skip

STORY_LINES = [
    "Bahan bakunya diambil dari kebun dan perairan warga sekitar.",
    "Dibuat secara tradisional, tanpa bahan pengawet.",
    "Dipasarkan lewat pasar desa, toko oleh-oleh dan penjualan daring.",
    "Resepnya turun-temurun dari para orang tua di desa.",
    "Dikerjakan ibu-ibu kelompok usaha di sela musim tanam.",
    "Sudah beberapa kali tampil di pameran produk unggulan kabupaten.",
    "Kemasannya baru diperbarui agar lebih tahan lama dan menarik.",
    "Pemuda desa mengelola penjualan lewat media sosial.",
    "Sebagian hasilnya dikirim ke kota-kota besar lewat pedagang pengumpul.",
    "Pengunjung dapat melihat langsung proses pembuatannya.",
]
MARKETS_BY_REACH = {
    "desa": ["pasar desa", "warung sekitar"],
    "kabupaten": ["pasar kecamatan", "toko oleh-oleh", "pasar kabupaten"],
    "provinsi": ["ibu kota provinsi", "toko oleh-oleh bandara", "pameran provinsi"],
    "nasional": ["Jakarta", "Surabaya", "Bandung", "Medan", "Makassar", "Denpasar", "Palembang"],
    "ekspor": ["Malaysia", "Singapura", "Jepang", "Belanda", "Australia", "Arab Saudi"],
}
REACH_WEIGHTS = {"desa": 30, "kabupaten": 35, "provinsi": 20, "nasional": 12, "ekspor": 3}
FIRST_NAMES = [
    "Siti", "Ahmad", "Nur", "Sri", "Budi", "Dewi", "Agus", "Rina", "Eko", "Wayan", "Made", "Ketut",
    "Yohanes", "Maria", "Fransiska", "Rahmat", "Suryani", "Andi", "Daeng", "Hasan", "Fatimah", "Yusuf",
    "Aminah", "Bambang", "Lestari", "Ratna", "Joko", "Sumarni", "Teguh", "Wati", "Hendra", "Yuliana",
    "Ruslan", "Marlina", "Slamet", "Kartini", "Darmawan", "Nyoman", "Putu", "Kadek", "Maya", "Ilham",
    "Aisyah", "Rudi", "Sinta", "Petrus", "Markus"
]  # fmt: skip
LAST_NAMES = [
    "Rahmawati", "Hidayat", "Santoso", "Wahyuni", "Saputra", "Lestari", "Nasution", "Siregar", "Sinaga",
    "Pratama", "Kurniawan", "Susanti", "Manurung", "Tanjung", "Harahap", "Lubis", "Setiawan", "Wibowo",
    "Purnamasari", "Mahmud", "Ramadhan", "Anggraini", "Wijaya", "Hutapea", "Simanjuntak", "Suryadi",
    "Rumbiak", "Kogoya", "Pattiasina", "Latuconsina", "Mokodompit", "Lamusu", "Bakara", "Halim"
]  # fmt: skip
BUSINESS_WORDS = [
    "Sumber Rejeki", "Makmur Jaya", "Berkah Abadi", "Maju Bersama", "Sejahtera", "Tunas Harapan",
    "Mekar Sari", "Karya Mandiri", "Sinar Baru", "Barokah", "Cahaya Desa", "Lestari", "Harapan Jaya",
    "Sekar Arum", "Srikandi", "Mandiri Sejahtera", "Rukun Makmur"
]  # fmt: skip
WHATSAPP_PREFIXES = [
    "811", "812", "813", "821", "822", "823", "852", "853", "857",
    "858", "877", "878", "895", "896", "897", "881", "882",
]  # fmt: skip
PRODUCER_KINDS = {"perorangan": 45, "kelompok": 25, "usaha_kecil": 18, "koperasi": 7, "bumdes": 5}
WORKERS = {"perorangan": (1, 5), "kelompok": (5, 30), "usaha_kecil": (4, 40), "koperasi": (10, 60),
           "bumdes": (3, 20)}  # fmt: skip
ADDRESS_PARTS = ["Dusun", "Kampung", "Jalan", "Lorong", "Banjar", "Jorong", "Lingkungan"]

# Programme kind: (title, value of a typical delivery in Rp, what is delivered)
PROGRAMME_KINDS = {
    "permodalan": ("Bantuan permodalan UMKM produk unggulan", 20_000_000,
                   ["Bantuan modal kerja", "Modal usaha bergulir", "Modal pembelian bahan baku"]),
    "pemasaran": ("Fasilitasi pemasaran produk unggulan desa", 7_500_000,
                  ["Keikutsertaan pameran produk", "Pelatihan pemasaran daring", "Promosi di lokapasar"]),
    "kemasan": ("Redesain kemasan produk unggulan", 10_000_000,
                ["Desain dan cetak kemasan baru", "Label dan stiker kemasan", "Satu unit mesin sealer"]),
    "pelatihan": ("Pelatihan SDM pelaku UMKM", 4_000_000,
                  ["Pelatihan teknik produksi", "Pelatihan pembukuan usaha", "Pelatihan keamanan pangan"]),
    "teknologi": ("Bantuan peralatan dan teknologi produksi", 35_000_000,
                  ["Satu unit mesin pengolah", "Peralatan produksi", "Satu unit mesin pengering"]),
    "sertifikasi": ("Fasilitasi sertifikasi dan legalitas produk", 2_500_000,
                    ["Fasilitasi sertifikat halal", "Pendaftaran merek (HKI)", "Pendampingan SPP-IRT"]),
    "pendampingan": ("Pendampingan produk unggulan desa", 3_500_000,
                     ["Pendampingan mutu produk", "Pendampingan manajemen usaha"]),
    "penggalian": ("Penggalian potensi desa", 6_000_000,
                   ["Pemetaan potensi bahan baku dan keterampilan warga", "Kajian potensi produk lokal"]),
    "tren": ("Pengenalan tren pasar", 3_000_000,
             ["Lokakarya tren pasar", "Kunjungan belajar ke sentra produksi"]),
}  # fmt: skip
FUNDING_WEIGHTS = {"apbd_kab": 50, "apbd_prov": 15, "apbn": 15, "dana_desa": 10, "csr": 7, "lainnya": 3}
FINDINGS = [
    "Produksi berjalan rutin; bahan baku cukup untuk tiga bulan.",
    "Mutu produk belum seragam antarproduksi.",
    "Kemasan masih sederhana dan mudah rusak dalam pengiriman.",
    "Pembukuan usaha belum terpisah dari keuangan rumah tangga.",
    "Permintaan naik menjelang hari raya; kapasitas belum mencukupi.",
    "Peralatan bantuan sudah dipakai penuh dan terawat baik.",
    "Penjualan daring mulai berjalan lewat media sosial.",
    "Izin edar sudah diurus; menunggu terbitnya sertifikat.",
    "Harga bahan baku naik; margin keuntungan menipis.",
    "Anggota kelompok bertambah; pembagian kerja perlu diatur.",
]
NEXT_ACTIONS = [
    "Contoh kemasan baru dari program kemasan",
    "Daftarkan sertifikat halal lewat program sertifikasi",
    "Ikut pelatihan pembukuan sederhana",
    "Uji coba resep dengan masa simpan lebih lama",
    "Buka akun toko di lokapasar",
    "Susun jadwal produksi bersama anggota kelompok",
    "Cari pemasok bahan baku kedua",
]


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _kind_weights(province: str) -> list[float]:
    """Kinds typical of the province weigh more; the others stay possible."""
    return [
        (6.0 if any(province.startswith(p) for p in kind.provinces) else 0.3) if kind.provinces else 1.0
        for kind in PRODUCT_KINDS
    ]


def _split(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integers proportional to `weights`, summing exactly to `total`."""
    cumulative = list(accumulate(weights))
    if not cumulative or cumulative[-1] <= 0:
        return [0] * len(weights)
    marks = [0] + [round(total * c / cumulative[-1]) for c in cumulative]
    return [b - a for a, b in pairwise(marks)]


# -- what was planned, kept between stages (ids and a few numbers, never model instances) --------------


@dataclass(slots=True)
class PlannedVillage:
    code: str
    name: str
    kind: str
    district: str
    district_name: str
    regency: str
    province: str
    latitude: Decimal | None
    longitude: Decimal | None
    main_product: int = 0  # the flagship, or else the village's product; 0: none


@dataclass(slots=True)
class PlannedProduct:
    id: int
    village: PlannedVillage
    kind: ProductKind
    name: str
    role: str  # flagship, former, proposed, listed
    producer_first: int
    producer_count: int
    created: datetime.datetime
    price: int  # a typical price, for turnover figures
    capacity: int
    year: int  # of its designation (flagship, former), or of its registration
    first_assistance: datetime.date | None = None


@dataclass
class StageReport:
    name: str
    counts: dict[str, int]
    seconds: float
    peak_rss_mb: float | None

    def line(self) -> str:
        counts = ", ".join(f"{value:,} {label}" for label, value in self.counts.items())
        rss = f", peak RSS {self.peak_rss_mb:,.0f} MB" if self.peak_rss_mb is not None else ""
        return f"  {self.name:<12} {counts} in {self.seconds:.1f}s{rss}"


@dataclass
class ScaleReport:
    seed: int
    scale: float
    regions: tuple[str, ...]
    years: tuple[int, ...]
    dry_run: bool
    stages: list[StageReport] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)  # rows per data model at the end

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def seconds(self) -> float:
        return sum(stage.seconds for stage in self.stages)


def _peak_rss_mb(reset: bool = False) -> float | None:
    """The process's peak resident memory (Linux: VmHWM, reset per stage through clear_refs)."""
    try:
        if reset:
            Path("/proc/self/clear_refs").write_text("5")
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    except (ImportError, OSError):
        return None


# -- which tables this touches ---------------------------------------------------------------------------


def data_models(*, with_history: bool = False) -> list[type[models.Model]]:
    """The models holding product and programme data: producers, products, programmes and every model
    that points to them (documents, photos, designations, assessments, deliveries, visits, outcomes)."""
    found = {Producer, Product, Programme}
    candidates = apps.get_models(include_auto_created=True)
    grew = True
    while grew:
        grew = False
        for model in candidates:
            if model in found or hasattr(model, "instance_type"):
                continue
            if any(f.is_relation and f.related_model in found for f in model._meta.concrete_fields):
                found.add(model)
                grew = True
    if with_history:
        found |= {model for model in candidates if getattr(model, "instance_type", None) in found}
    return sorted(found, key=lambda model: model._meta.label)


def existing_data() -> dict[str, int]:
    """Rows already in the data tables, by model label (only the non-empty ones)."""
    counts = {model._meta.label: model._base_manager.count() for model in data_models()}
    return {label: count for label, count in counts.items() if count}


def _data_reset() -> int:
    """Empty every data table and its history (TRUNCATE on PostgreSQL); returns the rows removed."""
    tables = [model._meta.db_table for model in data_models(with_history=True)]
    removed = sum(existing_data().values())
    if connection.vendor == "postgresql":
        # TRUNCATE is refused while deferred constraint checks are pending (rows written earlier in the
        # same transaction, as in a test): run them now.
        connection.check_constraints()
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
    return removed


# -- the generator -----------------------------------------------------------------------------------


class _Writer:
    """Collects unsaved rows of one model and writes them in batches (with `auto=False` only when
    told, so that rows of several models go out parents first)."""

    def __init__(self, model: type[models.Model], *, auto: bool = True):
        self.model, self.auto, self.pending, self.written = model, auto, [], 0

    def add(self, obj: models.Model) -> None:
        self.pending.append(obj)
        if self.auto and len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.model._base_manager.bulk_create(self.pending, batch_size=BATCH)
            self.written += len(self.pending)
            self.pending = []
            # With DEBUG on, Django keeps the text of the last 9,000 queries: here ~1 MB each.
            reset_queries()


class _GivenTimestamps:
    """While inside, auto_now/auto_now_add fields keep the value set on the instance (bulk_create
    otherwise stamps the clock), so the generated rows carry dates derived from their own data."""

    def __init__(self, models_: Iterable[type[models.Model]]):
        self.fields = [
            f
            for model in models_
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]

    def __enter__(self):
        self.saved = [(f, f.auto_now, f.auto_now_add) for f in self.fields]
        for f in self.fields:
            f.auto_now = f.auto_now_add = False

    def __exit__(self, *exc):
        for f, auto_now, auto_now_add in self.saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _at(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """A working-hours moment of that day."""
    return datetime.datetime(day.year, day.month, day.day, rng.randint(8, 15), rng.randint(0, 59), tzinfo=TZ)


def _day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return datetime.date.fromordinal(rng.randint(start.toordinal(), max(start, end).toordinal()))


def _round_to(value: float, step: int) -> int:
    return max(step, int(value / step + 0.5) * step)


def _nib(producer_id: int) -> str:
    # 13 digits, unique: the id times a number prime to 10**12 is a permutation of 0 .. 10**12 - 1.
    return f"9{(producer_id * 7_919_113) % 10**12:012d}"


class Generator:
    def __init__(self, *, seed: int, scale: float, year: int, villages: list[PlannedVillage], officers):
        self.seed, self.scale, self.year = seed, scale, year
        self.years = (year - 2, year - 1, year)
        self.reference = datetime.date(year, 6, 30)
        self.villages = villages
        self.officers: dict[str, int] = officers  # regency code -> user id
        self.regencies: dict[str, list[PlannedVillage]] = {}
        for village in villages:
            self.regencies.setdefault(village.regency, []).append(village)
        self.categories = {c.slug: c for c in Category.objects.all()}
        missing = {kind.category for kind in PRODUCT_KINDS} - set(self.categories)
        if missing:
            raise ScaleRefused(f"The product categories {sorted(missing)} are missing: run migrate.")
        self.criteria = list(AssessmentCriterion.objects.filter(is_active=True).order_by("position", "pk"))
        self.products: list[PlannedProduct] = []  # products[id - 1]
        self.producer_has_nib = bytearray(1)  # producer_has_nib[id]
        # (programme id, regency, kind, year, deliveries, value of a typical delivery)
        self.delivery_plan: list[tuple[int, str, str, int, int, int]] = []

    def rng(self, stage: str) -> random.Random:
        # One stream per stage: changing what one stage draws leaves the others as they were.
        return random.Random(f"{self.seed}:{stage}")

    # -- products, producers and their links --

    def products_create(self) -> dict[str, int]:
        rng = self.rng("products")
        Link = Product.producers.through
        producers, products = _Writer(Producer, auto=False), _Writer(Product, auto=False)
        links = _Writer(Link, auto=False)
        unsearchable: list[tuple[Product, list[Producer]]] = []  # products waiting for their search_text

        def flush() -> None:
            # The producers go first, so the database can say in which order it lists them.
            producers.flush()
            self._search_text_fill(unsearchable)
            unsearchable.clear()
            products.flush()
            links.flush()

        districts: dict[str, District] = {}
        kind_weights: dict[str, list[float]] = {}
        producer_id = link_id = 0
        for village in self.villages:
            draw = rng.random()
            if draw >= FLAGSHIP_SHARE + PROPOSED_SHARE + LISTED_SHARE:
                continue
            if draw < FLAGSHIP_SHARE:
                role = "flagship"
            elif draw < FLAGSHIP_SHARE + PROPOSED_SHARE:
                role = "proposed"
            else:
                role = "listed"
            weights = kind_weights.get(village.province)
            if weights is None:
                weights = kind_weights[village.province] = list(accumulate(_kind_weights(village.province)))
            plans = [(rng.choices(PRODUCT_KINDS, cum_weights=weights)[0], role)]
            if role == "flagship" and rng.random() < FORMER_FLAGSHIP_SHARE:
                former = rng.choices(PRODUCT_KINDS, cum_weights=weights)[0]
                if former.name != plans[0][0].name:
                    plans.insert(0, (former, "former"))
            years = self._years(rng, [r for _, r in plans])
            district = districts.get(village.district)
            if district is None:
                district = districts[village.district] = District(
                    code=village.district, name=village.district_name, regency_id=village.regency
                )
            place = Village(code=village.code, name=village.name, kind=village.kind, district=district)
            first = producer_id + 1
            count = rng.choices(list(PRODUCER_COUNTS), weights=list(PRODUCER_COUNTS.values()))[0]
            planned = [
                self._plan_product(rng, len(self.products) + n + 1, village, kind, role, years[n])
                for n, (kind, role) in enumerate(plans)
            ]
            rows = []
            for n in range(count):
                producer_id += 1
                rows.append(self._producer(rng, producer_id, village, planned[0], n))
                self.producer_has_nib.append(bool(rows[-1].nib))
                producers.add(rows[-1])
            for product in planned:
                # A former flagship was made by (most of) the same producers as the current one.
                linked = rows if product.role != "former" else rows[: max(1, count - 1)]
                product.producer_first, product.producer_count = first, len(linked)
                self.products.append(product)
                row = self._product(rng, product, place)
                unsearchable.append((row, linked))
                products.add(row)
                for producer in linked:
                    link_id += 1
                    links.add(Link(id=link_id, product_id=product.id, producer_id=producer.pk))
                if product.role != "former":
                    village.main_product = product.id
            if len(producers.pending) >= BATCH:
                flush()
        flush()
        return {
            "products": products.written,
            "producers": producers.written,
            "product-producer links": links.written,
        }

    def _years(self, rng: random.Random, roles: list[str]) -> list[int]:
        """The designation year of a flagship (and of the flagship it replaced), else of registration."""
        role = roles[-1]
        if role == "flagship":
            year = rng.randint(2019 if len(roles) > 1 else 2016, self.year)
            if rng.random() < 0.5:  # recent designations weigh more
                year = rng.randint(max(year, self.year - 3), self.year)
            return [rng.randint(2012, year - 2), year] if len(roles) > 1 else [year]
        return [self.year if role == "proposed" else rng.randint(self.year - 5, self.year - 1)]

    def _plan_product(self, rng, pk, village, kind: ProductKind, role: str, year: int) -> PlannedProduct:
        # Registered before its designation year (or, for the others, in the year given).
        if role in ("flagship", "former", "proposed"):
            start, end = datetime.date(year - 2, 1, 1), datetime.date(year - 1, 12, 31)
        else:
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        low, high = kind.price
        return PlannedProduct(
            id=pk,
            village=village,
            kind=kind,
            name=f"{kind.name} {village.name}"[:150],
            role=role,
            producer_first=0,
            producer_count=0,
            created=_at(_day_between(rng, start, end), rng),
            price=_round_to(rng.uniform(low, (low + high) / 2), 500),
            capacity=_round_to(rng.uniform(*kind.capacity), 10),
            year=year,
        )

    def _producer(self, rng, pk: int, village: PlannedVillage, product: PlannedProduct, n: int) -> Producer:
        kind = _weighted(rng, PRODUCER_KINDS)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        word, words = product.kind.name.split()[0], rng.choice(BUSINESS_WORDS)
        business = {
            "perorangan": f"{word} {first}" if rng.random() < 0.6 else f"UD {words}",
            "kelompok": f"KUB {word} {words}",
            "usaha_kecil": f"CV {words} {village.name}",
            "koperasi": f"Koperasi {words} {village.name}",
            "bumdes": f"BUMDes {village.name} {words}",
        }[kind]
        latitude = longitude = None
        if village.latitude is not None and village.longitude is not None:
            latitude = village.latitude + Decimal(rng.randint(-9000, 9000)).scaleb(-6)
            longitude = village.longitude + Decimal(rng.randint(-9000, 9000)).scaleb(-6)
        low, high = WORKERS[kind]
        joined = product.created - datetime.timedelta(days=rng.randint(0, 400) + 30 * n)
        whatsapp = f"+62{rng.choice(WHATSAPP_PREFIXES)}{rng.randint(0, 10**8 - 1):08d}"
        return Producer(
            id=pk,
            business_name=business[:150],
            owner_name=f"{first} {last}" if kind == "perorangan" else f"Ketua: {first} {last}",
            kind=kind,
            village_id=village.code,
            address=f"{rng.choice(ADDRESS_PARTS)} {words}, RT {rng.randint(1, 15):03d}/RW "
            f"{rng.randint(1, 9):03d}, {village.name}",
            whatsapp=whatsapp if rng.random() < 0.8 else "",
            nib=_nib(pk) if rng.random() < 0.7 else "",
            workers=rng.randint(low, high),
            year_started=rng.randint(min(1985, joined.year), joined.year),
            latitude=latitude,
            longitude=longitude,
            contact_consent=rng.random() < 0.6,
            is_demo=True,
            created_at=joined,
            updated_at=joined + datetime.timedelta(days=rng.randint(0, 30)),
        )

    def _product(self, rng, planned: PlannedProduct, place: Village) -> Product:
        kind, village = planned.kind, planned.village
        reach = _weighted(rng, REACH_WEIGHTS)
        published = {"flagship": 0.92, "former": 0.5, "proposed": 0.6, "listed": 0.4}[planned.role]
        story = (
            f"{planned.name} dibuat oleh {planned.producer_count} pelaku UMKM di {village.kind} "
            f"{village.name}, Kecamatan {village.district_name}. " + " ".join(rng.sample(STORY_LINES, 2))
        )
        return Product(
            id=planned.id,
            name=planned.name,
            # Unique without a query: one product of a kind per village.
            slug=f"{slugify(planned.name)[:150]}-{village.code.replace('.', '')}",
            village=place,
            category=self.categories[kind.category],
            story=story,
            raw_materials=kind.raw_materials,
            price_min=planned.price,
            price_max=_round_to(planned.price * rng.uniform(1.0, 2.5), 500),
            price_unit=kind.price_unit,
            monthly_capacity=planned.capacity,
            capacity_unit=kind.unit,
            market_reach=reach,
            markets=", ".join(rng.sample(MARKETS_BY_REACH[reach], 2)),
            status=Product.Status.PUBLISHED if rng.random() < published else Product.Status.DRAFT,
            is_demo=True,
            created_at=planned.created,
            updated_at=planned.created + datetime.timedelta(days=rng.randint(0, 90)),
        )

    @staticmethod
    def _search_text_fill(rows: list[tuple[Product, list[Producer]]]) -> None:
        """Fill `search_text` as products.search.search_refresh would. search_document reads the
        producers through the relation, in Producer's default order (by name: the database's collation
        decides), so the database orders the producers just written and each product gets its own."""
        if not rows:
            return
        first = min(producer.pk for _, linked in rows for producer in linked)
        last = max(producer.pk for _, linked in rows for producer in linked)
        in_order = Producer._base_manager.filter(pk__range=(first, last)).order_by(*Producer._meta.ordering)
        rank = {pk: n for n, pk in enumerate(in_order.values_list("pk", flat=True))}
        for product, linked in rows:
            product._prefetched_objects_cache = {"producers": sorted(linked, key=lambda p: rank[p.pk])}
            product.search_text = search_document(product)
            del product._prefetched_objects_cache

    # -- designations --

    def designations_create(self) -> dict[str, int]:
        rng = self.rng("designations")
        writer = _Writer(Designation)
        counts = dict.fromkeys(Designation.Status.values, 0)
        pk = 0
        for village in self.villages:
            if not village.main_product:
                continue
            current = self.products[village.main_product - 1]
            former = self.products[current.id - 2] if current.id > 1 else None
            if former is None or former.role != "former" or former.village is not village:
                former = None
            officer = self.officers[village.regency]
            if current.role == "flagship":
                pk += 1
                approved = self._approved(rng, pk, current, officer)
                writer.add(approved)
                counts["approved"] += 1
                if former:
                    pk += 1
                    ended = self._approved(rng, pk, former, officer)
                    ended.status = Designation.Status.ENDED
                    ended.ended_by_id, ended.ended_at = officer, approved.decided_at
                    # As products.services.designation_approve words it.
                    ended.end_reason = (
                        f"Digantikan oleh penetapan {current.name} (SK {approved.decree_number})."
                    )
                    ended.replaced_by_id = approved.pk
                    writer.add(ended)
                    counts["ended"] += 1
            elif current.role == "proposed":
                pk += 1
                start = max(datetime.date(self.year, 1, 2), current.created.date())
                writer.add(
                    Designation(
                        id=pk,
                        village_id=village.code,
                        product_id=current.id,
                        status=Designation.Status.PROPOSED,
                        year=self.year,
                        notes="Usulan hasil musyawarah desa.",
                        proposed_by_id=officer,
                        proposed_at=_at(_day_between(rng, start, self.reference), rng),
                    )
                )
                counts["proposed"] += 1
            elif rng.random() < REJECTED_SHARE:
                pk += 1
                proposed_on = min(
                    current.created.date() + datetime.timedelta(days=rng.randint(30, 300)),
                    self.reference - datetime.timedelta(days=60),
                )
                proposed_at = _at(proposed_on, rng)
                writer.add(
                    Designation(
                        id=pk,
                        village_id=village.code,
                        product_id=current.id,
                        status=Designation.Status.REJECTED,
                        year=proposed_on.year,
                        proposed_by_id=officer,
                        proposed_at=proposed_at,
                        decided_by_id=officer,
                        decided_at=proposed_at + datetime.timedelta(days=rng.randint(14, 60)),
                        rejection_reason="Bahan baku belum berkelanjutan; produksi belum rutin.",
                    )
                )
                counts["rejected"] += 1
        writer.flush()
        return {label: n for label, n in counts.items() if n}

    def _approved(self, rng, pk: int, product: PlannedProduct, officer: int) -> Designation:
        year = product.year
        last = datetime.date(year, 4 if year == self.year else 10, 28)  # decided by the reference day
        proposed_on = _day_between(rng, datetime.date(year, 1, 2), last)
        decided_at = _at(proposed_on + datetime.timedelta(days=rng.randint(14, 60)), rng)
        return Designation(
            id=pk,
            village_id=product.village.code,
            product_id=product.id,
            status=Designation.Status.APPROVED,
            year=year,
            notes="Usulan hasil musyawarah desa.",
            proposed_by_id=officer,
            proposed_at=_at(proposed_on, rng),
            decided_by_id=officer,
            decided_at=decided_at,
            decree_number=f"500.1/Kep.{rng.randint(1, 400)}-Huk/{year}",
            decree_date=decided_at.date(),
        )

    # -- legality documents --

    def documents_create(self) -> dict[str, int]:
        rng = self.rng("documents")
        writer = _Writer(LegalityDocument)
        kinds = dict.fromkeys(LegalityDocument.Kind.values, 0)
        expired = 0
        for document in self._documents(rng):
            writer.add(document)
            kinds[document.kind] += 1
            expired += document.expires_on is not None and document.expires_on < self.reference
        writer.flush()
        return {"documents": writer.written, **{k: n for k, n in kinds.items() if n}, "expired": expired}

    def _documents(self, rng: random.Random) -> Iterator[LegalityDocument]:
        pk = 0
        Kind = LegalityDocument.Kind
        oss_start = datetime.date(2018, 7, 1)  # NIB numbers come from OSS since mid-2018
        seen_producers = 0
        for product in self.products:
            code = product.village.code.replace(".", "")
            # Each producer's NIB once (a former flagship shares its producers with the current one).
            last = product.producer_first + product.producer_count - 1
            for producer_id in range(max(product.producer_first, seen_producers + 1), last + 1):
                if self.producer_has_nib[producer_id]:
                    pk += 1
                    issued = _day_between(rng, oss_start, self.reference)
                    yield self._document(
                        pk, rng, Kind.NIB, _nib(producer_id), issued, None, producer=producer_id
                    )
            seen_producers = max(seen_producers, last)
            plan = {
                "makanan-olahan": [(Kind.SPP_IRT, 0.8, 5), (Kind.HALAL, 0.55, 0), (Kind.BPOM_MD, 0.1, 5)],
                "minuman": [(Kind.SPP_IRT, 0.75, 5), (Kind.HALAL, 0.5, 0), (Kind.BPOM_MD, 0.15, 5)],
                "herbal-kosmetik": [(Kind.OTHER, 0.5, 3), (Kind.HALAL, 0.3, 0), (Kind.HKI, 0.2, 10)],
                "kerajinan": [(Kind.HKI, 0.35, 10), (Kind.SNI, 0.05, 4)],
                "fesyen-tekstil": [(Kind.HKI, 0.35, 10), (Kind.SNI, 0.08, 4)],
                "pertanian-perikanan": [(Kind.OTHER, 0.3, 3), (Kind.HALAL, 0.2, 0)],
                "jasa-wisata": [(Kind.OTHER, 0.3, 3)],
            }[product.kind.category]
            for kind, share, years in plan:
                if rng.random() >= share:
                    continue
                pk += 1
                issued = _day_between(rng, self.reference - datetime.timedelta(days=6 * 365), self.reference)
                expires = issued + datetime.timedelta(days=365 * years) if years else None
                number = {
                    Kind.SPP_IRT: f"P-IRT 2{code[:4]}01{pk % 10**6:06d}-{(expires or issued).year % 100:02d}",
                    Kind.HALAL: f"ID{code[:4]}{pk:012d}",
                    Kind.BPOM_MD: f"BPOM RI MD {2 * 10**11 + pk:012d}",
                    Kind.HKI: f"IDM000{pk:07d}",
                    Kind.SNI: f"SNI-{code[:4]}-{pk:07d}",
                    Kind.OTHER: f"REG/{code[:4]}/{issued.year}/{pk:07d}",
                }[kind]
                yield self._document(pk, rng, kind, number, issued, expires, product=product.id)

    @staticmethod
    def _document(pk, rng, kind, number, issued, expires, *, product=None, producer=None):
        created = _at(issued, rng)
        return LegalityDocument(
            id=pk,
            product_id=product,
            producer_id=producer,
            kind=kind,
            number=number,
            issued_on=issued,
            expires_on=expires,
            created_at=created,
            updated_at=created,
        )

    # -- assessments --

    def assessments_create(self) -> dict[str, int]:
        rng = self.rng("assessments")
        assessments, scores = _Writer(Assessment, auto=False), _Writer(AssessmentScore, auto=False)
        if not self.criteria:
            return {"assessments": 0, "scores": 0}
        maximum = sum(c.max_points for c in self.criteria)
        pk = score_pk = 0
        for product in self.products:
            if product.role != "flagship":
                continue
            draw = rng.random()
            if draw >= 0.75:
                continue
            dates = []
            if draw < 0.60:  # a recent one, still valid (36 months)
                dates.append(self.reference - datetime.timedelta(days=rng.randint(0, 900)))
            if draw >= 0.60 or rng.random() < 0.2:  # an old one: alone, the product is due again
                dates.append(self.reference - datetime.timedelta(days=rng.randint(1150, 2200)))
            quality = rng.triangular(0.3, 0.98, 0.7)
            officer = self.officers[product.village.regency]
            for assessed_on in sorted(dates):
                pk += 1
                points = [
                    min(c.max_points, max(0, round(c.max_points * (quality + rng.uniform(-0.15, 0.15)))))
                    for c in self.criteria
                ]
                total = sum(points)
                assessments.add(
                    Assessment(
                        id=pk,
                        product_id=product.id,
                        assessed_on=assessed_on,
                        assessor_id=officer,
                        notes="Penilaian berkala produk unggulan.",
                        total_points=total,
                        max_points=maximum,
                        stars=stars_for(total, maximum),
                        created_at=_at(assessed_on, rng),
                    )
                )
                for criterion, given in zip(self.criteria, points, strict=True):
                    score_pk += 1
                    scores.add(
                        AssessmentScore(
                            id=score_pk,
                            assessment_id=pk,
                            criterion_id=criterion.pk,
                            points=given,
                            max_points=criterion.max_points,
                        )
                    )
                quality = min(0.98, quality + rng.uniform(0, 0.1))
            if len(scores.pending) >= BATCH:
                assessments.flush()
                scores.flush()
        assessments.flush()
        scores.flush()
        return {"assessments": assessments.written, "scores": scores.written}

    # -- programmes and deliveries --

    def programmes_create(self) -> dict[str, int]:
        """The programmes, each with the deliveries it will get planned now, so its budget can cover
        them: deliveries are written in the next stage, and never pass the budget."""
        rng = self.rng("programmes")
        writer = _Writer(Programme)
        regency_rows = {
            code: (name, province)
            for code, name, province in Regency.objects.filter(code__in=self.regencies).values_list(
                "code", "name", "province__name"
            )
        }
        sizes = [len(self.regencies[code]) for code in self.regencies]
        totals = _split(round(sum(sizes) * DELIVERIES_PER_VILLAGE * self.scale), sizes)
        pk = 0
        for regency, total in zip(self.regencies, totals, strict=True):
            name, province = regency_rows[regency]
            plans = []
            for year in self.years:
                for kind in rng.sample(list(PROGRAMME_KINDS), PROGRAMMES_PER_REGENCY_YEAR):
                    plans.append((year, kind))
            shares = _split(total, [rng.uniform(0.7, 1.3) for _ in plans])
            for (year, kind), count in zip(plans, shares, strict=True):
                pk += 1
                title, unit, _ = PROGRAMME_KINDS[kind]
                unit = _round_to(unit * rng.uniform(0.7, 1.4), 100_000)
                funding = _weighted(rng, FUNDING_WEIGHTS)
                # Every delivery is worth at most 1.5 units: the budget covers them all.
                budget = -(-int(max(count, 5) * unit * 1.5 * rng.uniform(1.0, 1.25)) // 10**6) * 10**6
                agency = {
                    "apbd_kab": f"Disperindagkop {name}",
                    "apbd_prov": f"Dinas Koperasi dan UKM Provinsi {province}",
                    "apbn": "Kementerian Koperasi dan UKM",
                    "dana_desa": "Pemerintah desa",
                    "csr": "Mitra CSR",
                    "lainnya": "Lembaga mitra",
                }[funding]
                created = _at(
                    datetime.date(year - 1, 11, 1) + datetime.timedelta(days=rng.randint(0, 60)), rng
                )
                writer.add(
                    Programme(
                        id=pk,
                        name=f"{title} {name} {year}"[:200],
                        kind=kind,
                        fiscal_year=year,
                        budget=budget,
                        funding_source=funding,
                        agency=agency[:150],
                        status=Programme.Status.CLOSED if year < self.year else Programme.Status.RUNNING,
                        description=f"Program {kind} tahun anggaran {year} untuk desa-desa di {name}.",
                        is_demo=True,
                        created_at=created,
                        updated_at=created,
                    )
                )
                self.delivery_plan.append((pk, regency, kind, year, count, unit))
        writer.flush()
        return {"programmes": writer.written}

    def deliveries_create(self) -> dict[str, int]:
        rng = self.rng("deliveries")
        writer = _Writer(Delivery)
        counts = dict.fromkeys(Delivery.Status.values, 0)
        with_product = {
            regency: [v for v in villages if v.main_product] for regency, villages in self.regencies.items()
        }
        pk = 0
        for programme, regency, kind, year, count, unit in self.delivery_plan:
            villages, assisted = self.regencies[regency], with_product[regency] or self.regencies[regency]
            officer = self.officers[regency]
            descriptions = PROGRAMME_KINDS[kind][2]
            start = datetime.date(year, 2, 1)
            end = datetime.date(year, 12, 15)
            for _ in range(count):
                pk += 1
                explore = kind == "penggalian"
                village = rng.choice(villages) if explore or rng.random() < 0.15 else rng.choice(assisted)
                product = self.products[village.main_product - 1] if village.main_product else None
                if product is not None and (explore or rng.random() < 0.15):
                    product = None
                producer = None
                if product is not None and rng.random() < 0.4:
                    producer = product.producer_first + rng.randrange(product.producer_count)
                day = _day_between(rng, start, end)
                if year < self.year:
                    status = "cancelled" if rng.random() < 0.05 else "delivered"
                else:
                    status = "delivered" if day <= self.reference else "planned"
                    if rng.random() < 0.05:
                        status = "cancelled"
                counts[status] += 1
                first = product.first_assistance if product is not None else None
                if product is not None and status == "delivered" and (first is None or day < first):
                    product.first_assistance = day
                created = _at(min(day, self.reference), rng)
                writer.add(
                    Delivery(
                        id=pk,
                        programme_id=programme,
                        village_id=village.code,
                        product_id=product.id if product else None,
                        producer_id=producer,
                        delivered_on=day,
                        value=min(_round_to(unit * rng.uniform(0.5, 1.5), 50_000), unit * 3 // 2),
                        description=rng.choice(descriptions),
                        status=status,
                        officer_id=officer,
                        created_at=created,
                        updated_at=created,
                    )
                )
        writer.flush()
        return {"deliveries": writer.written, **{label: n for label, n in counts.items() if n}}

    # -- mentoring visits and outcome figures --

    def visits_create(self) -> dict[str, int]:
        rng = self.rng("visits")
        writer = _Writer(MentoringVisit)
        by_regency: dict[str, list[PlannedProduct]] = {}
        for product in self.products:
            if product.role != "former":
                by_regency.setdefault(product.village.regency, []).append(product)
        sizes = [len(self.regencies[code]) for code in self.regencies]
        totals = _split(round(sum(sizes) * VISITS_PER_VILLAGE * self.scale), sizes)
        start = self.reference - datetime.timedelta(days=3 * 365)
        pk = overdue = 0
        for regency, total in zip(self.regencies, totals, strict=True):
            products = by_regency.get(regency)
            if not products:
                continue
            flagships = [p for p in products if p.role == "flagship"] or products
            officer = self.officers[regency]
            for _ in range(total):
                product = rng.choice(flagships) if rng.random() < 0.8 else rng.choice(products)
                subject = rng.random()
                producer = product.producer_first + rng.randrange(product.producer_count)
                visited = _day_between(rng, start, self.reference)
                pk += 1
                visit = MentoringVisit(
                    id=pk,
                    product_id=product.id if subject < 0.85 else None,
                    producer_id=producer if subject >= 0.6 else None,
                    visited_on=visited,
                    officer_id=officer,
                    findings=" ".join(rng.sample(FINDINGS, 2)),
                    created_at=_at(visited, rng),
                )
                if rng.random() < 0.65:
                    visit.next_action = rng.choice(NEXT_ACTIONS)
                    visit.next_action_due = visited + datetime.timedelta(days=rng.randint(14, 120))
                    old = visit.next_action_due < self.reference - datetime.timedelta(days=30)
                    visit.next_action_done = rng.random() < (0.85 if old else 0.3)
                    overdue += visit.next_action_due < self.reference and not visit.next_action_done
                writer.add(visit)
        writer.flush()
        return {"visits": writer.written, "actions overdue": overdue}

    def outcomes_create(self) -> dict[str, int]:
        rng = self.rng("outcomes")
        writer = _Writer(OutcomeRecord)
        share = min(1.0, OUTCOME_SHARE * self.scale)
        quarters = [(y, q) for y in self.years for q in (1, 2, 3, 4)][: 4 * 2 + 2]  # up to Q2 this year
        pk = products = 0
        for product in self.products:
            if product.role != "flagship" or product.first_assistance is None or rng.random() >= share:
                continue
            products += 1
            officer = self.officers[product.village.regency]
            volume = product.capacity * 3 * rng.uniform(0.45, 0.7)
            workers = product.producer_count * rng.randint(2, 6)
            markets = rng.randint(1, 4)
            growth = rng.uniform(0.02, 0.08)  # per quarter since the first assistance
            assisted = product.first_assistance
            assisted_quarter = assisted.year * 4 + (assisted.month - 1) // 3
            for year, quarter in quarters[rng.randint(0, 2) :]:
                period_start = datetime.date(year, 3 * quarter - 2, 1)
                # As assistance.models.before_and_after splits them.
                after = period_start >= assisted
                since = year * 4 + quarter - 1 - assisted_quarter
                factor = rng.uniform(0.92, 1.08) * (1 + growth * since if after else 1)
                pk += 1
                recorded = _at(period_start + datetime.timedelta(days=rng.randint(95, 120)), rng)
                writer.add(
                    OutcomeRecord(
                        id=pk,
                        product_id=product.id,
                        year=year,
                        quarter=quarter,
                        production_volume=min(10**9, round(volume * factor)),
                        volume_unit=product.kind.unit,
                        turnover=round(volume * factor * product.price * rng.uniform(0.9, 1.1)),
                        workers=workers + (rng.randint(0, 3) if after else 0),
                        markets_reached=markets + (rng.randint(0, 3) if after else 0),
                        new_legality_documents=int(after and rng.random() < 0.15),
                        recorded_by_id=officer,
                        created_at=recorded,
                    )
                )
        writer.flush()
        return {"outcome records": writer.written, "products": products}


# -- the entry point -----------------------------------------------------------------------------------


def _normalise_regions(regions: Iterable[str] | None) -> tuple[str, ...]:
    """Province or regency codes, checked, without the ones another already covers."""
    try:
        codes = sorted({validate_scope_code(code) for code in regions or ()})
    except RegionFileError as error:
        raise ScaleRefused(str(error)) from error
    return tuple(c for c in codes if not any(c != o and c.startswith(o + ".") for o in codes))


def _villages(regions: tuple[str, ...]) -> list[PlannedVillage]:
    queryset = Village.objects.all()
    if regions:
        condition = Q()
        for code in regions:
            condition |= Q(code__startswith=code + ".")
        queryset = queryset.filter(condition)
    rows = queryset.order_by("code").values_list(
        "code",
        "name",
        "kind",
        "district_id",
        "district__name",
        "district__regency_id",
        "district__regency__province_id",
        "latitude",
        "longitude",
    )
    return [PlannedVillage(*row) for row in rows.iterator(chunk_size=5000)]


def _officers(regencies: Iterable[str]) -> tuple[dict[str, int], int]:
    """One inactive officer account per regency, `skala-<code>`, kept between runs (stable ids)."""
    User = get_user_model()
    wanted = {f"{OFFICER_PREFIX}{code}": code for code in regencies}
    existing = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
    missing = [name for name in sorted(wanted) if name not in existing]
    User.objects.bulk_create(
        [
            User(
                username=name,
                first_name="Petugas data skala",
                email=f"{name}@example.invalid",
                password=OFFICER_PASSWORD,
                is_active=False,
                date_joined=datetime.datetime(2016, 1, 1, tzinfo=TZ),
            )
            for name in missing
        ],
        batch_size=BATCH,
    )
    existing = dict(User.objects.filter(username__in=wanted).values_list("username", "pk"))
    return {code: existing[name] for name, code in wanted.items()}, len(missing)


def _sequences_reset() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), data_models())
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _analyse() -> dict[str, int]:
    """VACUUM ANALYZE the data tables (PostgreSQL, outside a transaction): fresh planner statistics
    and the visibility map set, so a benchmark does not begin by writing hint bits on every page."""
    tables = [model._meta.db_table for model in data_models()]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    return {"tables": len(tables)}


def scale_data_create(
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    regions: Iterable[str] | None = None,
    year: int | None = None,
    reset: bool = False,
    dry_run: bool = False,
    region_file: Path | None = None,
    progress: Callable[[StageReport], None] | None = None,
) -> ScaleReport:
    """Load the regions and generate benchmark data; see the module docstring.

    Refuses (ScaleRefused) when the database already holds products, producers or programmes, unless
    `reset`, which first deletes all of them with everything that points to them, and their history.
    """
    if not 0 < scale <= 1:
        raise ScaleRefused("--scale must be more than 0 and at most 1.")
    this_year = datetime.date.today().year
    year = year or this_year
    if not 2020 <= year <= this_year:
        raise ScaleRefused(f"--year must be between 2020 and {this_year}.")
    regions = _normalise_regions(regions)
    if not reset:
        found = existing_data()
        if found:
            listed = ", ".join(f"{count:,} {label}" for label, count in found.items())
            raise ScaleRefused(
                f"The database already holds data ({listed}). seed_scale never mixes generated rows "
                "with real ones: use --reset to DELETE them first (only on a benchmark database)."
            )
    report = ScaleReport(
        seed=seed, scale=scale, regions=regions or ("ID",), years=(year - 2, year - 1, year), dry_run=dry_run
    )

    def stage(name: str, work: Callable[[], dict[str, int]]) -> None:
        _peak_rss_mb(reset=True)
        started = time.monotonic()
        counts = work()
        done = StageReport(name, counts, time.monotonic() - started, _peak_rss_mb())
        report.stages.append(done)
        if progress:
            progress(done)

    def regions_stage() -> dict[str, int]:
        source = region_file or settings.OVOP_REGION_FILE
        loaded = [regions_load(source=source, scope=scope) for scope in regions or (None,)]
        return {
            "regions added": sum(r.total("added") for r in loaded),
            "unchanged": sum(r.total("unchanged") for r in loaded),
        }

    generator: Generator | None = None

    def plan_stage() -> dict[str, int]:
        nonlocal generator
        villages = _villages(regions)
        if not villages:
            raise ScaleRefused("No village is loaded for these regions.")
        officers, created = _officers(sorted({v.regency for v in villages}))
        generator = Generator(seed=seed, scale=scale, year=year, villages=villages, officers=officers)
        return {"villages": len(villages), "regencies": len(officers), "officers created": created}

    with transaction.atomic(), _GivenTimestamps(data_models()):
        if reset:
            stage("reset", lambda: {"rows deleted": _data_reset()})
        stage("regions", regions_stage)
        stage("plan", plan_stage)
        for name in ("products", "designations", "documents", "assessments", "programmes", "deliveries",
                     "visits", "outcomes"):  # fmt: skip
            stage(name, getattr(generator, f"{name}_create"))
        _sequences_reset()
        report.tables = {model._meta.label: model._base_manager.count() for model in data_models()}
        if dry_run:
            transaction.set_rollback(True)
    if not dry_run:
        invalidate_public_pages()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            stage("analyse", _analyse)
    return report

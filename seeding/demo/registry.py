"""Demo products, producers, legality documents and illustrative photos, in both regencies.

The real cases of the source articles (../shared/DOMAIN.md) are kept as they are: the gerabah of Desa
Bumijaya (Ciruas), the rattan weaving of Desa Dendang (Kelapa) and the pempek udang of Desa Belo Laut
(Mentok). Everything else is invented to show every situation of the programme and is marked
`is_demo`. Prices are typical market prices of such products; legality fits the product: processed
food holds an SPP-IRT and a halal certificate, crafts and textiles their producers' NIB (and, for a
brand, its HKI registration).
"""

import datetime
import io
import random
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from core.images import validate_photo
from products.models import Category, LegalityDocument, Producer, Product
from products.services import product_photo_add
from villages.models import Village


@dataclass(frozen=True)
class DemoProduct:
    code: str  # the village
    name: str
    category: str
    story: str
    price: tuple[int, int]
    unit: str  # "per ..."
    capacity: tuple[int, str]  # per month
    reach: str
    producers: list[tuple[str, str, str, int, bool]]  # business, owner, kind, workers, contact consent
    real: bool = False  # a case of the source articles, not invented
    status: str = "published"
    # (kind, days from today to expiry or None): the product's own documents
    documents: list[tuple[str, int | None]] = field(default_factory=list)
    raw_materials: str = ""


FOOD = [("spp_irt", 4 * 365), ("halal", None)]
N, R, P = Product.MarketReach.NATIONAL, Product.MarketReach.REGENCY, Product.MarketReach.PROVINCE

DEMO_PRODUCTS = [
    # --- Kabupaten Serang --------------------------------------------------------------------------
    DemoProduct(
        "36.04.09.2009",
        "Gerabah Bumijaya",
        "kerajinan",
        "Gerabah tanah liat dari Desa Bumijaya, Kecamatan Ciruas: kendi, pot, celengan dan hiasan, "
        "dibentuk dengan tangan dan dibakar di tungku desa. Salah satu produk UMKM yang sudah berhasil "
        "di Kabupaten Serang.",
        (25_000, 150_000),
        "per buah",
        (1_400, "buah"),
        N,
        [
            ("Sentra Gerabah Bumijaya", "Kelompok Perajin Bumijaya", "kelompok", 24, True),
            ("Gerabah Pak Sarmin", "Sarmin", "perorangan", 4, False),
        ],
        real=True,
        # Tableware (kendi, plates) is "barang gunaan" under UU 33/2014: a halal certificate fits.
        documents=[("halal", None)],
        raw_materials="Tanah liat sawah, pasir halus, kayu bakar",
    ),
    DemoProduct(
        "36.04.09.2005",
        "Batik Kabupaten Serang",
        "fesyen-tekstil",
        "Batik tulis dan cap bermotif khas Kabupaten Serang, kain 2 meter. Lokasi dan pembuatnya di sini "
        "adalah contoh.",
        (175_000, 750_000),
        "per lembar",
        (300, "lembar"),
        P,
        [("Batik Kepandean", "Siti Aminah", "usaha_kecil", 9, True)],
        documents=[("hki", None)],
        raw_materials="Kain katun primisima, malam, pewarna sintetis dan alam",
    ),
    DemoProduct(
        "36.04.05.2004",
        "Kerupuk Ikan Toyomerto",
        "makanan-olahan",
        "Kerupuk ikan tenggiri dari pesisir Kramatwatu, dijemur dan dikemas 250 gram.",
        (18_000, 30_000),
        "per bungkus 250 g",
        (4_000, "bungkus"),
        P,
        [("KUB Kerupuk Toyomerto", "Rohimah", "kelompok", 14, True)],
        documents=FOOD,
        raw_materials="Ikan tenggiri, tepung tapioka, bawang putih",
    ),
    DemoProduct(
        "36.04.06.2006",
        "Golok Sukadalem",
        "kerajinan",
        "Golok tempa dengan gagang kayu, contoh produk pandai besi desa.",
        (120_000, 350_000),
        "per buah",
        (120, "buah"),
        R,
        [("Pandai Besi Sukadalem", "Jaenudin", "perorangan", 3, True)],
        raw_materials="Baja per bekas, kayu sonokeling",
    ),
    DemoProduct(
        "36.04.17.2001",
        "Jahe Merah Instan Carenang",
        "minuman",
        "Minuman serbuk jahe merah dengan gula aren, kemasan 200 gram.",
        (20_000, 30_000),
        "per bungkus 200 g",
        (1_500, "bungkus"),
        R,
        [("UMKM Rempah Carenang", "Hasanah", "usaha_kecil", 6, True)],
        # The SPP-IRT ran out three weeks ago: one reason this flagship needs help.
        documents=[("spp_irt", -20), ("halal", None)],
        raw_materials="Jahe merah, gula aren, kayu manis",
    ),
    DemoProduct(
        "36.04.17.2002",
        "Gula Aren Pamanuk",
        "makanan-olahan",
        "Gula aren cetak dari nira pohon aren di kebun warga, dimasak di tungku kayu.",
        (25_000, 32_000),
        "per kg",
        (900, "kg"),
        R,
        [("Kelompok Penyadap Aren Pamanuk", "Sukma", "kelompok", 18, True)],
        documents=FOOD,
        raw_materials="Nira aren, kayu bakar",
    ),
    DemoProduct(
        "36.04.19.2001",
        "Keripik Singkong Petir",
        "makanan-olahan",
        "Keripik singkong pedas manis, kemasan 200 gram.",
        (10_000, 18_000),
        "per bungkus 200 g",
        (2_000, "bungkus"),
        R,
        [("Keripik Ibu Juju", "Juju", "perorangan", 5, True)],
        documents=FOOD,
        raw_materials="Singkong, cabai, gula merah",
    ),
    DemoProduct(
        "36.04.19.2005",
        "Emping Melinjo Padasuka",
        "makanan-olahan",
        "Emping melinjo tipis dijemur matahari, dikemas 250 gram.",
        (30_000, 40_000),
        "per bungkus 250 g",
        (1_200, "bungkus"),
        P,
        [
            ("KWT Melinjo Padasuka", "Ratna", "kelompok", 15, True),
            ("Emping Bu Enah", "Enah", "perorangan", 2, False),
        ],
        # Its SPP-IRT must be renewed within the month: the lists of documents to renew show it.
        documents=[("spp_irt", 30), ("halal", None)],
        raw_materials="Biji melinjo tua",
    ),
    DemoProduct(
        "36.04.09.2002",
        "Tas Anyaman Pandan Citerep",
        "fesyen-tekstil",
        "Tas anyaman daun pandan dengan pewarna alami.",
        (45_000, 150_000),
        "per buah",
        (250, "buah"),
        R,
        [("Anyaman Citerep", "Maemunah", "kelompok", 11, False)],
        raw_materials="Daun pandan duri, pewarna alami",
    ),
    DemoProduct(
        "36.04.06.2001",
        "Opak Ketan Waringinkurung",
        "makanan-olahan",
        "Opak ketan bakar, renyah dan gurih, kemasan isi 10.",
        (12_000, 20_000),
        "per bungkus isi 10",
        (2_500, "bungkus"),
        R,
        [("Opak Mang Udin", "Udin", "perorangan", 4, True)],
        documents=FOOD,
        raw_materials="Beras ketan, kelapa parut",
    ),
    DemoProduct(
        "36.04.05.2003",
        "Bandeng Presto Pejaten",
        "makanan-olahan",
        "Bandeng presto duri lunak dari tambak Kramatwatu, dikemas vakum.",
        (35_000, 55_000),
        "per ekor (350-400 g)",
        (3_000, "ekor"),
        P,
        [("Presto Bandeng Pejaten", "Mulyati", "usaha_kecil", 8, True)],
        documents=FOOD,
        raw_materials="Bandeng tambak, bumbu kuning",
    ),
    DemoProduct(
        "36.04.09.2001",
        "Sate Bandeng Ciruas",
        "makanan-olahan",
        "Sate bandeng khas Serang: daging bandeng dibumbui, dimasukkan lagi ke kulitnya dan dibakar. "
        "Berawal dari calon produk hasil penggalian potensi desa.",
        (40_000, 65_000),
        "per ekor",
        (1_800, "ekor"),
        R,
        [("Sate Bandeng Bu Iis", "Iis", "perorangan", 6, True)],
        documents=FOOD,
        raw_materials="Bandeng, santan, bumbu rempah",
    ),
    DemoProduct(
        "36.04.05.2002",
        "Terasi Udang Margasana",
        "makanan-olahan",
        "Terasi udang rebon fermentasi, dikemas 100 gram.",
        (8_000, 15_000),
        "per bungkus 100 g",
        (2_000, "bungkus"),
        R,
        [("Terasi Pak Jumadi", "Jumadi", "perorangan", 3, False)],
        documents=FOOD,
    ),
    DemoProduct(
        "36.04.06.2003",
        "Anyaman Bambu Binangun",
        "kerajinan",
        "Besek, tampah dan kap lampu dari bambu tali.",
        (15_000, 120_000),
        "per buah",
        (600, "buah"),
        R,
        [("Perajin Bambu Binangun", "Kelompok Perajin Binangun", "kelompok", 12, True)],
    ),
    DemoProduct(
        "36.04.17.2003",
        "Keripik Pisang Mandaya",
        "makanan-olahan",
        "Keripik pisang kepok rasa original dan cokelat.",
        (12_000, 22_000),
        "per bungkus 200 g",
        (1_000, "bungkus"),
        R,
        [("Keripik Pisang Mandaya", "Nurhasanah", "perorangan", 3, True)],
        documents=FOOD,
    ),
    DemoProduct(
        "36.04.19.2004",
        "Kopi Robusta Sindangsari",
        "minuman",
        "Kopi robusta bubuk dari kebun warga, masih dalam pendataan.",
        (35_000, 60_000),
        "per bungkus 250 g",
        (300, "bungkus"),
        R,
        [("Kopi Sindangsari", "Dedi", "perorangan", 2, False)],
        status="draft",
    ),
    # --- Kabupaten Bangka Barat --------------------------------------------------------------------
    DemoProduct(
        "19.05.04.2005",
        "Kerajinan Anyaman Rotan Dendang",
        "kerajinan",
        "Anyaman rotan dari Desa Dendang, Kecamatan Kelapa, sentra rotan Provinsi Kepulauan Bangka "
        "Belitung; ditetapkan sebagai lokasi OVOP Kabupaten Bangka Barat pada 2016.",
        (75_000, 1_500_000),
        "per buah",
        (400, "buah"),
        N,
        [("Sentra Rotan Dendang", "Kelompok Perajin Rotan Dendang", "kelompok", 30, True)],
        real=True,
        raw_materials="Rotan manau dan rotan sega dari hutan sekitar",
    ),
    DemoProduct(
        "19.05.01.2006",
        "Pempek Udang Belo Laut",
        "makanan-olahan",
        "Pempek udang dari Desa Belo Laut, Kecamatan Mentok, dibuat puluhan rumah tangga produksi dan "
        "dijual sampai Jakarta, Bandung dan Palembang; lokasi OVOP Kabupaten Bangka Barat sejak 2016.",
        (50_000, 85_000),
        "per paket isi 10",
        (6_000, "paket"),
        N,
        [
            ("Pempek Udang Bu Yati", "Yati", "perorangan", 5, True),
            ("Rumah Produksi Pempek Belo Laut", "Kelompok Rumah Tangga Produksi", "kelompok", 40, True),
        ],
        real=True,
        documents=FOOD,
        raw_materials="Udang laut, tepung sagu",
    ),
    DemoProduct(
        "19.05.02.2004",
        "Lada Putih Peradong",
        "pertanian-perikanan",
        "Lada putih kering dari kebun warga Simpang Teritip, dikemas 250 gram.",
        (35_000, 45_000),
        "per bungkus 250 g",
        (800, "bungkus"),
        P,
        [("Kelompok Tani Lada Peradong", "Sarbini", "kelompok", 20, True)],
        raw_materials="Buah lada matang",
    ),
]

DEMO_PRODUCTS += [
    DemoProduct(
        "19.05.05.2001",
        "Terasi Udang Tempilang",
        "makanan-olahan",
        "Terasi udang rebon dari nelayan Tempilang, dikemas 100 gram.",
        (10_000, 18_000),
        "per bungkus 100 g",
        (1_500, "bungkus"),
        R,
        [("Terasi Rebon Tempilang", "Halimah", "kelompok", 9, True)],
        # Its SPP-IRT ran out: the Bangka Barat flagship that needs help.
        documents=[("spp_irt", -45), ("halal", None)],
        raw_materials="Udang rebon, garam",
    ),
    DemoProduct(
        "19.05.03.2001",
        "Kemplang Ikan Jebus",
        "makanan-olahan",
        "Kemplang ikan tenggiri panggang, kemasan 250 gram.",
        (20_000, 35_000),
        "per bungkus 250 g",
        (1_000, "bungkus"),
        R,
        [("Kemplang Bu Ros", "Rosmawati", "perorangan", 4, True)],
        documents=FOOD,
        raw_materials="Ikan tenggiri, tepung sagu",
    ),
]

PALETTE = {
    "kerajinan": (176, 96, 58),
    "fesyen-tekstil": (64, 72, 140),
    "makanan-olahan": (200, 150, 60),
    "minuman": (150, 50, 40),
    "pertanian-perikanan": (70, 120, 70),
}


def demo_photo(title: str, colour: tuple[int, int, int], seed: int) -> SimpleUploadedFile:
    """An illustrative photo drawn with Pillow: never a picture of the real product."""
    rng = random.Random(seed)  # noqa: S311 -- decoration only
    image = Image.new("RGB", (1200, 900), colour)
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x, y, r = rng.randint(0, 1200), rng.randint(0, 900), rng.randint(40, 220)
        shade = tuple(min(255, c + rng.randint(10, 70)) for c in colour)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=shade)
    font = ImageFont.load_default(size=64)
    draw.rectangle((0, 700, 1200, 900), fill=(250, 246, 238))
    draw.text((48, 740), title, fill=(40, 40, 40), font=font)
    draw.text(
        (48, 830), "foto ilustrasi (data contoh)", fill=(90, 90, 90), font=ImageFont.load_default(size=32)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(f"{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _number(kind: str, index: int, code: str) -> str:
    """Illustrative document numbers in each document's own shape."""
    return {
        "spp_irt": f"P-IRT 2{index:02d}{code[:2]}{code[3:5]}0100{index:02d}-26",
        "halal": f"ID{code[:2]}110000{index:06d}",
        "hki": f"IDM000{900000 + index}",
    }[kind]


def _documents(item: DemoProduct, index: int, product: Product, producers: list[Producer], today) -> None:
    for n, producer in enumerate(producers):
        if not producer.legality_documents.exists():
            LegalityDocument.objects.create(
                producer=producer,
                kind=LegalityDocument.Kind.NIB,
                number=producer.nib,
                issued_on=today - datetime.timedelta(days=400 + n),
            )
    if product.legality_documents.exists():
        return
    for kind, expires_in in item.documents:
        expires = today + datetime.timedelta(days=expires_in) if expires_in is not None else None
        LegalityDocument.objects.create(
            product=product,
            kind=kind,
            number=_number(kind, index, item.code),
            issued_on=(expires - datetime.timedelta(days=5 * 365))
            if expires
            else today - datetime.timedelta(days=500),
            expires_on=expires,
        )


@transaction.atomic
def demo_registry_create(*, today: datetime.date) -> int:
    """Create the demo products, producers, documents and photos for the loaded villages."""
    villages = Village.objects.in_service_area().in_bulk([item.code for item in DEMO_PRODUCTS])
    categories = {c.slug: c for c in Category.objects.all()}
    created = 0
    for index, item in enumerate(DEMO_PRODUCTS):
        village = villages.get(item.code)
        if village is None:
            continue
        product, was_created = Product.objects.get_or_create(
            name=item.name,
            village=village,
            defaults={
                "category": categories[item.category],
                "status": item.status,
                "is_demo": not item.real,
                "story": item.story,
                "raw_materials": item.raw_materials,
                "price_min": item.price[0],
                "price_max": item.price[1],
                "price_unit": item.unit,
                "monthly_capacity": item.capacity[0],
                "capacity_unit": item.capacity[1],
                "market_reach": item.reach,
            },
        )
        created += was_created
        producers = []
        for n, (business, owner, kind, workers, consent) in enumerate(item.producers):
            producer, _ = Producer.objects.get_or_create(
                business_name=business,
                village=village,
                defaults={
                    "owner_name": owner,
                    "kind": kind,
                    "workers": workers,
                    "contact_consent": consent,
                    "whatsapp": f"+62812{index:02d}{n:02d}{4321 + index:04d}",
                    "nib": f"912{index:02d}{n:02d}00{item.code[-4:]}"[:13].ljust(13, "0"),
                    "year_started": 2005 + index % 15,
                    "address": f"Kampung {village.name}",
                    "is_demo": True,
                },
            )
            producers.append(producer)
        product.producers.add(*producers)
        _documents(item, index, product, producers, today)
        if not product.photos.exists():
            colour = PALETTE.get(item.category, (90, 120, 80))
            for n, caption in enumerate(["", "Proses pembuatan"]):
                upload = demo_photo(item.name, colour, seed=index * 10 + n)
                product_photo_add(
                    product=product, upload=upload, caption=caption, image=validate_photo(upload)
                )
    return created

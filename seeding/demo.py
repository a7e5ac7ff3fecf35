"""Demo data for `make demo`. Safe to run again: it looks records up before creating them.

The real cases come from the source articles (see ../shared/DOMAIN.md): the gerabah of Desa Bumijaya
(Ciruas) and, when Kabupaten Bangka Barat is loaded, the rattan weaving of Desa Dendang and the pempek
udang of Desa Belo Laut. Everything invented to make pages look real (producers, prices, documents,
the other products) is marked `is_demo`.
"""

import datetime
import io
import os
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from PIL import Image, ImageDraw, ImageFont

from core.images import validate_photo
from products.models import Category, LegalityDocument, Producer, Product
from products.services import product_photo_add
from villages.models import OfficerArea, Village
from villages.roles import PETUGAS_DINAS, PETUGAS_KECAMATAN

DEFAULT_DEMO_PASSWORD = "ovop-demo-2026"  # noqa: S105 -- demo accounts only, printed by make run
CIRUAS = "36.04.09"


def demo_password() -> str:
    return os.environ.get("OVOP_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def _account(username: str, password: str, *, first_name: str, staff: bool = False, superuser: bool = False):
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.invalid", "first_name": first_name}
    )
    user.is_active = True
    user.is_staff = staff or superuser
    user.is_superuser = superuser
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def demo_accounts_create(*, password: str) -> list[tuple[str, str]]:
    """Create (or reset the password of) the demo accounts; return (username, role) pairs."""
    accounts = [("admin", "superuser, Django admin")]
    _account("admin", password, first_name="Admin", superuser=True)
    dinas = _account("dinas", password, first_name="Petugas Dinas")
    dinas.groups.add(Group.objects.get(name=PETUGAS_DINAS))
    accounts.append(("dinas", "Petugas Dinas (seluruh kabupaten)"))
    if Village.objects.filter(district_id=CIRUAS).exists():
        officer = _account("petugas-ciruas", password, first_name="Petugas Kecamatan Ciruas")
        officer.groups.add(Group.objects.get(name=PETUGAS_KECAMATAN))
        OfficerArea.objects.get_or_create(user=officer, district_id=CIRUAS)
        accounts.append(("petugas-ciruas", "Petugas Kecamatan Ciruas"))
    return accounts


# (village code, product name, category slug, status, is_demo, story, producers)
# producers: (business name, owner, kind, workers, consent)
DEMO_PRODUCTS = [
    (
        "36.04.09.2009",
        "Gerabah Bumijaya",
        "kerajinan",
        "published",
        False,
        "Gerabah tanah liat dari Desa Bumijaya, Kecamatan Ciruas: kendi, pot, celengan dan hiasan, dibentuk "
        "dengan tangan dan dibakar di tungku desa. Salah satu produk UMKM yang sudah berhasil di "
        "Kabupaten Serang.",
        [
            ("Sentra Gerabah Bumijaya", "Kelompok Perajin Bumijaya", "kelompok", 24, True),
            ("Gerabah Pak Sarmin", "Sarmin", "perorangan", 4, False),
        ],
    ),
    (
        "36.04.09.2005",
        "Batik Kabupaten Serang",
        "fesyen-tekstil",
        "published",
        True,
        "Batik tulis dan cap bermotif khas Kabupaten Serang. Lokasi dan pembuatnya di sini adalah contoh.",
        [("Batik Kepandean", "Siti Aminah", "usaha_kecil", 9, True)],
    ),
    (
        "36.04.06.2006",
        "Golok Sukadalem",
        "kerajinan",
        "published",
        True,
        "Golok tempa dengan gagang kayu, contoh produk pandai besi desa.",
        [("Pandai Besi Sukadalem", "Jaenudin", "perorangan", 3, True)],
    ),
    (
        "36.04.19.2005",
        "Emping Melinjo Padasuka",
        "makanan-olahan",
        "published",
        True,
        "Emping melinjo tipis dijemur matahari, dikemas 250 gram. Contoh produk makanan olahan.",
        [
            ("KWT Melinjo Padasuka", "Ratna", "kelompok", 15, True),
            ("Emping Bu Enah", "Enah", "perorangan", 2, False),
        ],
    ),
    (
        "36.04.17.2001",
        "Jahe Merah Instan Carenang",
        "minuman",
        "published",
        True,
        "Minuman serbuk jahe merah dengan gula aren. Contoh produk minuman.",
        [("UMKM Rempah Carenang", "Hasanah", "usaha_kecil", 6, True)],
    ),
    (
        "36.04.09.2002",
        "Tas Anyaman Pandan Citerep",
        "fesyen-tekstil",
        "draft",
        True,
        "Tas anyaman daun pandan, masih dalam pendataan. Contoh produk berstatus draf.",
        [("Anyaman Citerep", "Maemunah", "kelompok", 11, False)],
    ),
    (
        "19.05.04.2005",
        "Kerajinan Anyaman Rotan Dendang",
        "kerajinan",
        "published",
        False,
        "Anyaman rotan dari Desa Dendang, Kecamatan Kelapa, sentra rotan Provinsi Kepulauan Bangka Belitung; "
        "ditetapkan sebagai lokasi OVOP Kabupaten Bangka Barat pada 2016.",
        [("Sentra Rotan Dendang", "Kelompok Perajin Rotan Dendang", "kelompok", 30, True)],
    ),
    (
        "19.05.01.2006",
        "Pempek Udang Belo Laut",
        "makanan-olahan",
        "published",
        False,
        "Pempek udang dari Desa Belo Laut, Kecamatan Mentok, dibuat puluhan rumah tangga produksi dan dijual "
        "sampai Jakarta, Bandung dan Palembang; lokasi OVOP Kabupaten Bangka Barat sejak 2016.",
        [
            ("Pempek Udang Bu Yati", "Yati", "perorangan", 5, True),
            ("Rumah Produksi Pempek Belo Laut", "Kelompok Rumah Tangga Produksi", "kelompok", 40, True),
        ],
    ),
]

PALETTE = {
    "kerajinan": (176, 96, 58),
    "fesyen-tekstil": (64, 72, 140),
    "makanan-olahan": (200, 150, 60),
    "minuman": (150, 50, 40),
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


# Tableware (kendi, plates) is "barang gunaan" under the halal product law (UU 33/2014), so a pottery
# centre may hold a halal certificate too. The number is illustrative like every demo document.
HALAL_TABLEWARE = {"Gerabah Bumijaya"}


def _documents(product: Product, producers: list[Producer], today: datetime.date, index: int) -> None:
    for n, producer in enumerate(producers):
        if not producer.legality_documents.exists():
            LegalityDocument.objects.create(
                producer=producer,
                kind=LegalityDocument.Kind.NIB,
                number=producer.nib,
                issued_on=today - datetime.timedelta(days=400 + n),
            )
    is_food = product.category.slug in ("makanan-olahan", "minuman")
    if product.legality_documents.exists() or not (is_food or product.name in HALAL_TABLEWARE):
        return
    LegalityDocument.objects.create(
        product=product,
        kind=LegalityDocument.Kind.HALAL,
        number=f"ID36110000{index:06d}",
        issued_on=today - datetime.timedelta(days=500),
    )
    if not is_food:
        return
    # One product's SPP-IRT expires soon, another's has already expired: the lists have something to show.
    expires = today + datetime.timedelta(days=30) if index % 2 == 0 else today - datetime.timedelta(days=20)
    LegalityDocument.objects.create(
        product=product,
        kind=LegalityDocument.Kind.SPP_IRT,
        number=f"P-IRT 2{index:02d}3604010{index:03d}-25",
        issued_on=expires - datetime.timedelta(days=5 * 365),
        expires_on=expires,
    )


@transaction.atomic
def demo_registry_create(*, today: datetime.date) -> int:
    """Create the demo products, producers, documents and photos for the loaded villages."""
    villages = Village.objects.in_bulk([row[0] for row in DEMO_PRODUCTS])
    categories = {c.slug: c for c in Category.objects.all()}
    created = 0
    for index, (code, name, category, status, is_demo, story, producer_rows) in enumerate(DEMO_PRODUCTS):
        village = villages.get(code)
        if village is None:
            continue
        product, was_created = Product.objects.get_or_create(
            name=name,
            village=village,
            defaults={
                "category": categories[category],
                "status": status,
                "is_demo": is_demo,
                "story": story,
                "price_min": 15000 * (index + 1),
                "price_max": 45000 * (index + 1),
                "price_unit": "per buah",
                "monthly_capacity": 500 * (index + 1),
                "capacity_unit": "buah",
                "market_reach": Product.MarketReach.NATIONAL if not is_demo else Product.MarketReach.REGENCY,
            },
        )
        created += was_created
        producers = []
        for n, (business, owner, kind, workers, consent) in enumerate(producer_rows):
            producer, _ = Producer.objects.get_or_create(
                business_name=business,
                village=village,
                defaults={
                    "owner_name": owner,
                    "kind": kind,
                    "workers": workers,
                    "contact_consent": consent,
                    "whatsapp": f"+62812{index:02d}{n:02d}{4321 + index:04d}",
                    "nib": f"912{index:02d}{n:02d}00{code[-4:]}"[:13].ljust(13, "0"),
                    "year_started": 2005 + index,
                    "address": f"Kampung {village.name}",
                    "is_demo": True,
                },
            )
            producers.append(producer)
        product.producers.add(*producers)
        _documents(product, producers, today, index)
        if not product.photos.exists():
            colour = PALETTE.get(category, (90, 120, 80))
            for n, caption in enumerate(["", "Proses pembuatan"]):
                upload = demo_photo(name, colour, seed=index * 10 + n)
                product_photo_add(
                    product=product, upload=upload, caption=caption, image=validate_photo(upload)
                )
    return created


# (product name, status, year, decree number, decree date) — the real designations of the source
# articles; decree numbers are illustrative (the articles name none) and say so in the notes.
DEMO_DESIGNATIONS = [
    ("Gerabah Bumijaya", "approved", 2025, "500.1/Kep.12-Huk/2025 (contoh)", datetime.date(2025, 4, 14)),
    (
        "Kerajinan Anyaman Rotan Dendang",
        "approved",
        2016,
        "188.45/123/DISPERINDAGKOP/2016 (contoh)",
        datetime.date(2016, 5, 2),
    ),
    (
        "Pempek Udang Belo Laut",
        "approved",
        2016,
        "188.45/124/DISPERINDAGKOP/2016 (contoh)",
        datetime.date(2016, 5, 2),
    ),
    ("Emping Melinjo Padasuka", "proposed", 2026, "", None),
    ("Jahe Merah Instan Carenang", "proposed", 2026, "", None),
]
# (product name, years ago, points per criterion in rubric order): one is due for re-assessment.
DEMO_ASSESSMENTS = [
    ("Gerabah Bumijaya", 0, [18, 20, 16, 17, 10]),
    ("Emping Melinjo Padasuka", 1, [15, 17, 12, 15, 13]),
    ("Golok Sukadalem", 4, [14, 12, 8, 12, 5]),
]


@transaction.atomic
def demo_designations_create(*, today: datetime.date) -> int:
    """Designations and assessments for the demo products that exist (idempotent)."""
    from products.models import AssessmentCriterion, Designation
    from products.services import assessment_record, designation_approve, designation_propose

    User = get_user_model()
    officer = User.objects.filter(username="petugas-ciruas").first() or User.objects.get(username="admin")
    dinas = User.objects.get(username="dinas")
    products = {p.name: p for p in Product.objects.filter(name__in=[d[0] for d in DEMO_DESIGNATIONS])}
    created = 0
    for name, status, year, number, decree_date in DEMO_DESIGNATIONS:
        product = products.get(name)
        if product is None or product.designations.exists():
            continue
        proposal = designation_propose(
            product=product, proposed_by=officer, year=year, notes="Data contoh: nomor SK bersifat ilustrasi."
        )
        if status == Designation.Status.APPROVED:
            designation_approve(
                designation=proposal,
                decided_by=dinas,
                decree_number=number,
                decree_date=decree_date,
                expected_current_id=None,
            )
        created += 1
    criteria = list(AssessmentCriterion.objects.filter(is_active=True))
    for name, years_ago, scores in DEMO_ASSESSMENTS:
        product = Product.objects.filter(name=name).first()
        if product is None or product.assessments.exists() or len(criteria) != len(scores):
            continue
        assessment_record(
            product=product,
            assessor=dinas,
            assessed_on=today.replace(year=today.year - years_ago, day=min(today.day, 28)),
            points={c.pk: points for c, points in zip(criteria, scores, strict=True)},
            notes="Penilaian contoh.",
        )
    return created


# (name, kind, year, budget, funding, agency) — illustrative programmes, marked as demo data.
DEMO_PROGRAMMES = [
    ("Fasilitasi tungku pembakaran gerabah", "teknologi", 2025, 150_000_000, "apbd_kab", "Disperindag"),
    ("Permodalan perajin batik", "permodalan", 2025, 100_000_000, "apbd_kab", "Dinas Koperasi dan UKM"),
    (
        "Pelatihan pemasaran digital UMKM",
        "pemasaran",
        2025,
        75_000_000,
        "apbn",
        "Kementerian Koperasi dan UKM",
    ),
    (
        "Sertifikasi halal gratis",
        "sertifikasi",
        2025,
        50_000_000,
        "apbd_prov",
        "Dinas Koperasi dan UKM Banten",
    ),
    ("Penggalian potensi desa", "penggalian", 2025, 40_000_000, "dana_desa", "Pemerintah desa"),
    ("Redesain kemasan produk unggulan", "kemasan", 2026, 60_000_000, "apbd_kab", "Disperindag"),
    ("Pendampingan produk unggulan desa", "pendampingan", 2026, 80_000_000, "apbd_kab", "Disperindag"),
    ("Pengenalan tren pasar gerabah", "tren", 2026, 30_000_000, "csr", "Mitra CSR"),
    ("Pelatihan SDM perajin", "pelatihan", 2026, 45_000_000, "apbd_kab", "Disperindag"),
]
# (programme name, village code, product name or "", date, value, description)
DEMO_DELIVERIES = [
    (
        "Fasilitasi tungku pembakaran gerabah",
        "36.04.09.2009",
        "Gerabah Bumijaya",
        datetime.date(2025, 5, 20),
        85_000_000,
        "Satu unit tungku pembakaran gerabah",
    ),
    (
        "Permodalan perajin batik",
        "36.04.09.2005",
        "Batik Kabupaten Serang",
        datetime.date(2025, 7, 2),
        50_000_000,
        "Modal kerja kain dan malam batik",
    ),
    (
        "Redesain kemasan produk unggulan",
        "36.04.19.2005",
        "Emping Melinjo Padasuka",
        datetime.date(2026, 3, 10),
        12_000_000,
        "Desain dan cetak kemasan baru 250 g",
    ),
    (
        "Pengenalan tren pasar gerabah",
        "36.04.09.2009",
        "Gerabah Bumijaya",
        datetime.date(2026, 2, 14),
        8_000_000,
        "Lokakarya tren dekorasi rumah",
    ),
    (
        "Penggalian potensi desa",
        "36.04.09.2003",
        "",
        datetime.date(2025, 9, 1),
        10_000_000,
        "Pemetaan potensi bahan baku dan keterampilan warga",
    ),
]
# Gerabah Bumijaya: (year, quarter, volume, turnover, workers, markets) before and after the kiln.
DEMO_OUTCOMES = [
    (2024, 4, 800, 24_000_000, 18, 3),
    (2025, 1, 820, 25_500_000, 18, 3),
    (2025, 3, 1_050, 34_000_000, 21, 4),
    (2026, 1, 1_300, 46_000_000, 24, 6),
    (2026, 2, 1_400, 52_000_000, 26, 7),
]


@transaction.atomic
def demo_assistance_create(*, today: datetime.date) -> int:
    """Programmes, deliveries, a mentoring visit and outcome figures (idempotent)."""
    from assistance.models import MentoringVisit, OutcomeRecord, Programme
    from assistance.services import delivery_record

    User = get_user_model()
    dinas = User.objects.get(username="dinas")
    officer = User.objects.filter(username="petugas-ciruas").first() or dinas
    created = 0
    for name, kind, year, budget, funding, agency in DEMO_PROGRAMMES:
        _, was_created = Programme.objects.get_or_create(
            name=name,
            fiscal_year=year,
            defaults={
                "kind": kind,
                "budget": budget,
                "funding_source": funding,
                "agency": agency,
                "status": "closed" if year < today.year else "running",
                "is_demo": True,
            },
        )
        created += was_created
    programmes = {p.name: p for p in Programme.objects.filter(name__in=[p[0] for p in DEMO_PROGRAMMES])}
    villages = Village.objects.in_bulk([d[1] for d in DEMO_DELIVERIES])
    for programme_name, code, product_name, day, value, description in DEMO_DELIVERIES:
        programme, village = programmes[programme_name], villages.get(code)
        if village is None or programme.deliveries.filter(village=village, description=description).exists():
            continue
        product = Product.objects.filter(name=product_name, village=village).first() if product_name else None
        if product_name and product is None:
            continue
        # closed ones take no delivery; a bulk write of a form field bumps the edit version (core.concurrency)
        Programme.objects.filter(pk=programme.pk).update(status="running", row_version=F("row_version") + 1)
        delivery_record(
            programme=programme,
            village=village,
            product=product,
            delivered_on=day,
            value=value,
            description=description,
            officer=dinas,
        )
        Programme.objects.filter(pk=programme.pk).update(
            status="closed" if programme.fiscal_year < today.year else "running",
            row_version=F("row_version") + 1,
        )
    gerabah = Product.objects.filter(name="Gerabah Bumijaya").first()
    if gerabah and not gerabah.visits.exists():
        MentoringVisit.objects.create(
            product=gerabah,
            visited_on=today - datetime.timedelta(days=45),
            officer=officer,
            findings="Tungku baru dipakai penuh; retak produk turun. Kemasan kendi masih koran bekas.",
            next_action="Contoh kemasan kardus bersekat dari program kemasan",
            next_action_due=today - datetime.timedelta(days=10),
        )
    if gerabah and not gerabah.outcomes.exists():
        for year, quarter, volume, turnover, workers, markets in DEMO_OUTCOMES:
            OutcomeRecord.objects.create(
                product=gerabah,
                year=year,
                quarter=quarter,
                production_volume=volume,
                volume_unit="buah",
                turnover=turnover,
                workers=workers,
                markets_reached=markets,
                recorded_by=officer,
            )
    return created

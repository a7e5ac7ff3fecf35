"""Demo of the programme's village-by-village work: potential explorations in villages without a
product (one candidate already registered as a product), an official's "needs help" flag, and the
success stories of thriving flagships that villages exploring the same category can learn from.
Everything here is illustrative and says so."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from assistance.models import Exploration, ExplorationCandidate, HelpFlag, SuccessStory
from assistance.services import candidate_link, help_flag_raise
from products.models import Category, Product
from villages.models import Village

from .accounts import officer_for

# (village code, days ago, raw materials, skills, home businesses, market ideas, next step,
#  candidates: (name, category slug, notes, registered product or ""))
DEMO_EXPLORATIONS = [
    (
        "36.04.09.2001",
        420,
        "Bandeng dari tambak Pontang dan Tirtayasa",
        "Ibu-ibu PKK terbiasa mengolah bandeng",
        "Tiga warung makan olahan ikan",
        "Oleh-oleh khas Serang di jalur Serang–Jakarta",
        "Uji rasa dan kemasan",
        [("Sate bandeng", "makanan-olahan", "Resep turun-temurun", "Sate Bandeng Ciruas")],
    ),
    (
        "36.04.09.2003",
        460,
        "Ikan dan udang kecil dari muara",
        "Nelayan dan pengolah ikan asin",
        "Pengeringan ikan rumahan",
        "Toko oleh-oleh dan pasar Serang",
        "Pelatihan pengolahan kerupuk",
        [("Kerupuk udang", "makanan-olahan", "", ""), ("Ikan asin kemasan", "pertanian-perikanan", "", "")],
    ),
    (
        "36.04.09.2004",
        200,
        "Tanah liat seperti di Bumijaya",
        "Beberapa warga pernah bekerja di sentra gerabah",
        "",
        "Celengan dan suvenir untuk sekolah",
        "Belajar ke Sentra Gerabah Bumijaya",
        [("Celengan gerabah", "kerajinan", "Belajar dari keberhasilan Gerabah Bumijaya", "")],
    ),
    (
        "36.04.05.2006",
        430,
        "Ikan tongkol dan tenggiri dari TPI Kramatwatu",
        "Pengolahan ikan rumahan",
        "Dua pedagang ikan asap",
        "Abon ikan untuk warung dan sekolah",
        "Pelatihan membuat abon",
        [("Abon ikan tongkol", "makanan-olahan", "", "")],
    ),
    (
        "36.04.06.2004",
        120,
        "Kain mori dari pasar Serang",
        "Pemuda karang taruna suka melukis",
        "",
        "Batik ciprat untuk seragam sekolah dan suvenir",
        "Pelatihan batik ciprat",
        [("Batik ciprat", "fesyen-tekstil", "Belajar dari Batik Kabupaten Serang", "")],
    ),
    (
        "36.04.17.2004",
        400,
        "Pohon aren di kebun warga",
        "Penyadap nira",
        "Gula merah cetak untuk pasar desa",
        "Gula semut untuk kafe dan toko sehat",
        "Uji kadar air gula semut",
        [("Gula semut aren", "makanan-olahan", "", "")],
    ),
    (
        "36.04.19.2003",
        90,
        "Talas dan singkong dari kebun",
        "Ibu rumah tangga membuat keripik untuk warung",
        "Lima pembuat keripik rumahan",
        "Keripik talas kemasan",
        "Daftarkan PIRT bersama",
        [("Keripik talas", "makanan-olahan", "", "")],
    ),
    (
        "36.04.14.2001",
        60,
        "Beras ketan dan kelapa",
        "Pembuat kue tradisional untuk hajatan",
        "Kue gapit dan kue satu",
        "Oleh-oleh khas Tanara",
        "Pelatihan kemasan",
        [("Kue gapit Tanara", "makanan-olahan", "", "")],
    ),
    (
        "36.04.14.2002",
        75,
        "Ikan laut dari nelayan Tanara",
        "Pengasin ikan",
        "Penjemuran ikan di pantai",
        "Ikan asin higienis kemasan",
        "Bangun para-para penjemuran",
        [("Ikan asin higienis", "pertanian-perikanan", "", "")],
    ),
    (
        "36.04.14.2003",
        30,
        "Rumput mendong di sawah",
        "Beberapa ibu menganyam tikar",
        "",
        "Tas dan tatakan anyaman mendong",
        "Pelatihan desain anyaman",
        [("Anyaman mendong", "kerajinan", "", "")],
    ),
    (
        "19.05.04.2006",
        50,
        "Ikan tenggiri dan sagu",
        "Pembuat kerupuk rumahan",
        "",
        "Kemplang untuk toko oleh-oleh Pangkalpinang",
        "Uji pasar di Muntok",
        [("Kemplang ikan", "makanan-olahan", "", "")],
    ),
]
# (product, title, what worked, other assistance, published)
DEMO_STORIES = [
    (
        "Gerabah Bumijaya",
        "Tungku baru, pasar baru",
        "Tungku pembakaran dari program teknologi menurunkan gerabah retak; lokakarya tren membawa "
        "desain pot "
        "hias yang kini dipesan toko dekorasi di Jakarta. Keberhasilan ini bisa digandakan di desa lain yang "
        "punya tanah liat.",
        "Pendampingan kelompok perajin oleh petugas kecamatan.",
        True,
    ),
    (
        "Batik Kabupaten Serang",
        "Motif khas Serang masuk pameran",
        "Modal kerja untuk kain dan malam membuat perajin bisa menerima pesanan seragam; motif khas "
        "dipamerkan "
        "di pameran UMKM provinsi.",
        "",
        True,
    ),
    (
        "Pempek Udang Belo Laut",
        "Dari Belo Laut ke Palembang dan Jakarta",
        "Pendampingan setelah penetapan OVOP 2016 dan jaringan pemasaran yang diperluas membuat pempek udang "
        "mudah didapat konsumen di luar Bangka.",
        "Pelatihan kebersihan dapur dan kemasan beku.",
        True,
    ),
    (
        "Kerupuk Ikan Toyomerto",
        "Kerupuk yang naik kelas",
        "Sertifikat halal membuka pasar toko modern.",
        "",
        False,
    ),
]
FLAGS = [
    ("36.04.17.2002", "Harga nira naik; enam dari sepuluh penyadap berhenti memasak gula (data contoh).")
]


def _explorations(today: datetime.date) -> int:
    villages = Village.objects.in_service_area().in_bulk([row[0] for row in DEMO_EXPLORATIONS])
    categories = {c.slug: c for c in Category.objects.all()}
    created = 0
    for code, days_ago, raw, skills, homes, ideas, step, candidates in DEMO_EXPLORATIONS:
        village = villages.get(code)
        if village is None or Exploration.objects.filter(village=village).exists():
            continue
        exploration = Exploration(
            village=village,
            explored_on=today - datetime.timedelta(days=days_ago),
            explored_by=officer_for(code),
            participants="Kepala desa, PKK, karang taruna (data contoh)",
            raw_materials=raw,
            skills=skills,
            home_businesses=homes,
            market_ideas=ideas,
            next_step=step,
        )
        exploration.full_clean()
        exploration.save()
        created += 1
        for name, slug, notes, registered in candidates:
            candidate = ExplorationCandidate.objects.create(
                exploration=exploration, name=name, category=categories[slug], notes=notes
            )
            product = Product.objects.filter(name=registered, village=village).first() if registered else None
            if product:
                candidate_link(candidate=candidate, product=product)
    return created


def _stories() -> None:
    User = get_user_model()
    dinas = User.objects.get(username="dinas")
    for name, title, worked, other, published in DEMO_STORIES:
        product = Product.objects.filter(name=name).first()
        if product is None or SuccessStory.objects.filter(product=product).exists():
            continue
        story = SuccessStory(
            product=product,
            title=title,
            what_worked=worked,
            assistance_text=other,
            status=SuccessStory.Status.PUBLISHED if published else SuccessStory.Status.DRAFT,
            written_by=dinas,
        )
        story.full_clean()
        story.save()
        story.deliveries.set(product.deliveries.filter(status="delivered"))


def _flags() -> None:
    dinas = get_user_model().objects.get(username="dinas")
    for code, reason in FLAGS:
        village = Village.objects.in_service_area().filter(code=code).first()
        if village and not HelpFlag.objects.filter(village=village).exists():
            help_flag_raise(village=village, reason=reason, raised_by=dinas)


@transaction.atomic
def demo_programme_work_create(*, today: datetime.date) -> int:
    """Explorations, success stories and a help flag (idempotent); returns the explorations created."""
    created = _explorations(today)
    _stories()
    _flags()
    return created

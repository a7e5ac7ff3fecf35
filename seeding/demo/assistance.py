"""Demo assistance: each regency's own programmes and deliveries, mentoring visits whose follow-ups are
open, closed or rescheduled, and quarterly outcome figures that rise, fall or are missing, so that
every village situation has something to show. Amounts and figures are illustrative."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from assistance.models import MentoringVisit, OutcomeRecord, Programme
from assistance.services import delivery_record, visit_follow_up_close, visit_follow_up_reschedule
from products.models import Product
from villages.models import Village

from .accounts import officer_for

# regency -> (name, kind, year, budget, funding, agency)
DEMO_PROGRAMMES = {
    "36.04": [
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
    ],
    "19.05": [
        (
            "Bantuan peralatan anyaman rotan",
            "teknologi",
            2025,
            120_000_000,
            "apbd_kab",
            "Disperindagkop Bangka Barat",
        ),
        (
            "Pendampingan lokasi OVOP Bangka Barat",
            "pendampingan",
            2026,
            60_000_000,
            "apbd_kab",
            "Disperindagkop Bangka Barat",
        ),
        (
            "Perluasan jaringan pemasaran produk OVOP",
            "pemasaran",
            2026,
            80_000_000,
            "apbd_prov",
            "Disperindag Provinsi Kepulauan Bangka Belitung",
        ),
    ],
}
# (programme, village code, product name or "", date, value, description)
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
        "Sertifikasi halal gratis",
        "36.04.05.2004",
        "Kerupuk Ikan Toyomerto",
        datetime.date(2025, 8, 1),
        3_500_000,
        "Pendampingan sertifikasi halal",
    ),
    (
        "Penggalian potensi desa",
        "36.04.09.2003",
        "",
        datetime.date(2025, 9, 1),
        10_000_000,
        "Pemetaan potensi bahan baku dan keterampilan warga",
    ),
    (
        "Penggalian potensi desa",
        "36.04.05.2006",
        "",
        datetime.date(2025, 9, 15),
        8_000_000,
        "Lokakarya potensi olahan ikan",
    ),
    (
        "Penggalian potensi desa",
        "36.04.17.2004",
        "",
        datetime.date(2025, 10, 1),
        8_000_000,
        "Pemetaan kebun aren warga",
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
        "Pelatihan SDM perajin",
        "36.04.06.2003",
        "Anyaman Bambu Binangun",
        datetime.date(2026, 4, 10),
        6_000_000,
        "Pelatihan desain anyaman bambu",
    ),
    (
        "Pendampingan produk unggulan desa",
        "36.04.06.2006",
        "Golok Sukadalem",
        datetime.date(2026, 6, 1),
        5_000_000,
        "Pendampingan mutu tempa dan sarung golok",
    ),
    (
        "Pendampingan produk unggulan desa",
        "36.04.17.2001",
        "Jahe Merah Instan Carenang",
        datetime.date(2026, 7, 1),
        4_000_000,
        "Pendampingan perpanjangan SPP-IRT",
    ),
    (
        "Bantuan peralatan anyaman rotan",
        "19.05.04.2005",
        "Kerajinan Anyaman Rotan Dendang",
        datetime.date(2025, 6, 10),
        45_000_000,
        "Mesin pembelah dan penghalus rotan",
    ),
    (
        "Pendampingan lokasi OVOP Bangka Barat",
        "19.05.04.2005",
        "Kerajinan Anyaman Rotan Dendang",
        datetime.date(2026, 3, 1),
        10_000_000,
        "Pendampingan desain produk rotan",
    ),
    (
        "Perluasan jaringan pemasaran produk OVOP",
        "19.05.01.2006",
        "Pempek Udang Belo Laut",
        datetime.date(2026, 5, 20),
        25_000_000,
        "Pameran dan kemitraan toko oleh-oleh di Jakarta dan Palembang",
    ),
]

# product -> quarterly (volume, turnover, workers, markets), oldest first, ending with the last finished
# quarter. Rising, falling (Golok: a flagship in need of help) or none at all (Keripik Singkong Petir).
DEMO_OUTCOMES = {
    "Gerabah Bumijaya": [
        (800, 24_000_000, 18, 3),
        (820, 25_500_000, 18, 3),
        (900, 28_000_000, 19, 3),
        (1_050, 34_000_000, 21, 4),
        (1_150, 38_000_000, 22, 5),
        (1_250, 42_000_000, 24, 5),
        (1_300, 46_000_000, 24, 6),
        (1_400, 52_000_000, 26, 7),
    ],
    "Batik Kabupaten Serang": [
        (60, 21_000_000, 8, 2),
        (70, 25_000_000, 9, 3),
        (75, 27_000_000, 9, 3),
        (82, 30_500_000, 10, 4),
    ],
    "Kerupuk Ikan Toyomerto": [
        (3_000, 66_000_000, 12, 3),
        (3_300, 72_000_000, 13, 4),
        (3_600, 79_000_000, 14, 5),
    ],
    "Golok Sukadalem": [
        (40, 9_000_000, 3, 2),
        (36, 8_100_000, 3, 2),
        (32, 7_200_000, 3, 2),
        (27, 6_000_000, 2, 1),
    ],
    "Jahe Merah Instan Carenang": [
        (1_200, 30_000_000, 6, 2),
        (1_250, 31_000_000, 6, 2),
        (1_300, 32_500_000, 6, 3),
    ],
    "Gula Aren Pamanuk": [(850, 23_800_000, 18, 2), (800, 22_400_000, 17, 2), (820, 23_000_000, 17, 2)],
    "Kerajinan Anyaman Rotan Dendang": [
        (300, 60_000_000, 28, 5),
        (330, 66_000_000, 30, 6),
        (360, 73_000_000, 30, 6),
    ],
    "Pempek Udang Belo Laut": [
        (4_800, 300_000_000, 42, 6),
        (5_200, 330_000_000, 44, 7),
        (5_900, 380_000_000, 45, 8),
    ],
}
UNITS = {"Batik Kabupaten Serang": "lembar", "Gula Aren Pamanuk": "kg", "Pempek Udang Belo Laut": "paket"}

# (product, days ago, findings, next action, due in days from the visit, follow-up: "", "closed", "moved")
DEMO_VISITS = [
    (
        "Gerabah Bumijaya",
        45,
        "Tungku baru dipakai penuh; retak produk turun. Kemasan kendi masih koran bekas.",
        "Contoh kemasan kardus bersekat dari program kemasan",
        35,
        "",
    ),
    (
        "Batik Kabupaten Serang",
        20,
        "Motif baru laris di pameran; pewarna alam masih dibeli dari luar daerah.",
        "Hubungkan dengan pemasok pewarna alam",
        10,
        "closed",
    ),
    (
        "Kerupuk Ikan Toyomerto",
        30,
        "Produksi naik; ruang jemur kurang saat musim hujan.",
        "Usulkan pengering tenaga surya",
        14,
        "moved",
    ),
    (
        "Jahe Merah Instan Carenang",
        25,
        "SPP-IRT sudah habis masa berlakunya; berkas perpanjangan belum lengkap.",
        "Lengkapi berkas perpanjangan SPP-IRT",
        20,
        "",
    ),
    (
        "Gula Aren Pamanuk",
        15,
        "Harga nira naik; enam dari sepuluh penyadap berhenti memasak gula.",
        "",
        None,
        "",
    ),
    (
        "Golok Sukadalem",
        150,
        "Pesanan turun; pembeli meminta sarung golok yang lebih rapi.",
        "Pelatihan pembuatan sarung kulit",
        30,
        "",
    ),
    (
        "Kerajinan Anyaman Rotan Dendang",
        40,
        "Desain kursi baru siap dipamerkan; pasokan rotan sega lancar.",
        "Foto katalog untuk pemasaran daring",
        30,
        "",
    ),
    (
        "Pempek Udang Belo Laut",
        60,
        "Pesanan dari Palembang naik; kemasan beku perlu label baru.",
        "Label kemasan beku dengan nomor SPP-IRT",
        21,
        "closed",
    ),
]
# Visits after the 2016 designation of Bangka Barat (the source: mentoring continues after designation).
PAST_VISITS = [
    (
        "Kerajinan Anyaman Rotan Dendang",
        datetime.date(2017, 3, 15),
        "Kunjungan pertama setelah penetapan OVOP 2016: pelatihan finishing rotan disepakati.",
    ),
    (
        "Kerajinan Anyaman Rotan Dendang",
        datetime.date(2019, 8, 20),
        "Perajin muda bertambah; perlu pameran di luar provinsi.",
    ),
    (
        "Pempek Udang Belo Laut",
        datetime.date(2016, 9, 10),
        "Kunjungan pertama setelah penetapan: kebersihan dapur dan kemasan dibahas.",
    ),
]


def finished_quarters(today: datetime.date, count: int) -> list[tuple[int, int]]:
    """The last `count` finished quarters, oldest first."""
    year, quarter = today.year, (today.month - 1) // 3 + 1
    quarters = []
    for _ in range(count):
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        quarters.append((year, quarter))
    return quarters[::-1]


def _programmes(today: datetime.date) -> int:
    created = 0
    loaded = {
        regency
        for regency in DEMO_PROGRAMMES
        if Village.objects.in_service_area().filter(code__startswith=f"{regency}.").exists()
    }
    for regency in sorted(loaded):
        for name, kind, year, budget, funding, agency in DEMO_PROGRAMMES[regency]:
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
    return created


def _deliveries(today: datetime.date, dinas) -> None:
    programmes = {p.name: p for p in Programme.objects.filter(name__in=[d[0] for d in DEMO_DELIVERIES])}
    villages = Village.objects.in_service_area().in_bulk([d[1] for d in DEMO_DELIVERIES])
    for programme_name, code, product_name, day, value, description in DEMO_DELIVERIES:
        programme, village = programmes.get(programme_name), villages.get(code)
        if programme is None or village is None:
            continue
        if programme.deliveries.filter(village=village, description=description).exists():
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


def _visits(today: datetime.date) -> None:
    for name, days_ago, findings, action, due_in, follow_up in DEMO_VISITS:
        product = Product.objects.filter(name=name).first()
        if product is None or product.visits.filter(findings=findings).exists():
            continue
        visited = today - datetime.timedelta(days=days_ago)
        visit = MentoringVisit.objects.create(
            product=product,
            visited_on=visited,
            officer=officer_for(product.village_id),
            findings=findings,
            next_action=action,
            next_action_due=visited + datetime.timedelta(days=due_in) if due_in is not None else None,
        )
        if follow_up == "closed":
            visit_follow_up_close(
                visit=visit,
                done_on=min(today, visited + datetime.timedelta(days=due_in - 2)),
                note="Selesai (data contoh).",
            )
        elif follow_up == "moved":
            visit_follow_up_reschedule(
                visit=visit,
                due_on=today + datetime.timedelta(days=21),
                reason="Menunggu jadwal program teknologi (data contoh).",
            )
    for name, day, findings in PAST_VISITS:
        product = Product.objects.filter(name=name).first()
        if product and not product.visits.filter(visited_on=day).exists():
            MentoringVisit.objects.create(
                product=product,
                visited_on=day,
                officer=officer_for(product.village_id),
                findings=findings,
            )


def _outcomes(today: datetime.date) -> None:
    for name, rows in DEMO_OUTCOMES.items():
        product = Product.objects.filter(name=name).first()
        if product is None or product.outcomes.exists():
            continue
        officer = officer_for(product.village_id)
        for (year, quarter), (volume, turnover, workers, markets) in zip(
            finished_quarters(today, len(rows)), rows, strict=True
        ):
            OutcomeRecord.objects.create(
                product=product,
                year=year,
                quarter=quarter,
                production_volume=volume,
                volume_unit=UNITS.get(name, "buah" if product.category.slug == "kerajinan" else "bungkus"),
                turnover=turnover,
                workers=workers,
                markets_reached=markets,
                recorded_by=officer,
            )


@transaction.atomic
def demo_assistance_create(*, today: datetime.date) -> int:
    """Programmes, deliveries, mentoring visits and outcome figures (idempotent)."""
    dinas = get_user_model().objects.get(username="dinas")
    created = _programmes(today)
    _deliveries(today, dinas)
    _visits(today)
    _outcomes(today)
    return created

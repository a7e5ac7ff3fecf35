"""Demo designation rounds, decrees and assessments.

Serang: the 2025 round, recorded from its decree, designated seven flagships (the real gerabah of
Bumijaya among them); the 2026 round is open and holds four proposals. Bangka Barat: the 2016 round
of the source article, recorded from its decree with its real date, designating the rattan of Desa
Dendang and the pempek udang of Desa Belo Laut. Decree numbers and signatories are illustrative and
say so ("contoh").
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction

from products.models import AssessmentCriterion, DesignationRound, Product
from products.services import assessment_record, designation_propose, round_open, round_record_historical

from .accounts import officer_for

# (year, products, decree number, decree date, signatory title)
DECREES = [
    (
        2025,
        [
            "Gerabah Bumijaya",
            "Batik Kabupaten Serang",
            "Kerupuk Ikan Toyomerto",
            "Golok Sukadalem",
            "Jahe Merah Instan Carenang",
            "Gula Aren Pamanuk",
            "Keripik Singkong Petir",
        ],
        "500.1/Kep.12-Huk/2025 (contoh)",
        datetime.date(2025, 4, 14),
        "Bupati Serang",
    ),
    (
        2016,
        ["Kerajinan Anyaman Rotan Dendang", "Pempek Udang Belo Laut"],
        "188.45/123/DISPERINDAGKOP/2016 (contoh)",
        datetime.date(2016, 5, 2),
        "Bupati Bangka Barat",
    ),
    # Bangka Barat's own later round (invented): in a database holding both regencies, the year's
    # round is Serang's and this one is skipped.
    (
        2025,
        ["Terasi Udang Tempilang"],
        "500/045/DISPERINDAGKOP/2025 (contoh)",
        datetime.date(2025, 6, 2),
        "Bupati Bangka Barat",
    ),
]
# The open round of this year, and what kecamatan officers proposed in it (in each regency loaded).
OPEN_ROUND_PROPOSALS = [
    "Emping Melinjo Padasuka",
    "Tas Anyaman Pandan Citerep",
    "Opak Ketan Waringinkurung",
    "Bandeng Presto Pejaten",
    "Kemplang Ikan Jebus",  # Bangka Barat
]
# (product name, years ago, points per criterion in rubric order): Golok's stars have expired.
DEMO_ASSESSMENTS = [
    ("Gerabah Bumijaya", 0, [18, 20, 16, 17, 10]),
    ("Emping Melinjo Padasuka", 1, [15, 17, 12, 15, 13]),
    ("Golok Sukadalem", 4, [14, 12, 8, 12, 5]),
]


def _products(names: list[str]) -> list[Product]:
    found = {p.name: p for p in Product.objects.filter(name__in=names).select_related("village")}
    return [found[name] for name in names if name in found]


@transaction.atomic
def demo_designations_create(*, today: datetime.date) -> int:
    """Rounds, decrees, proposals and assessments for the demo products that exist (idempotent)."""
    dinas = get_user_model().objects.get(username="dinas")
    created = 0
    for year, names, number, decree_date, title in DECREES:
        products = _products(names)
        if not products or DesignationRound.objects.filter(year=year).exists():
            continue
        if any(p.designations.exists() for p in products):
            continue  # a database designated by hand before: left as it is
        decree = round_record_historical(
            year=year,
            products=products,
            number=number,
            decree_date=decree_date,
            signed_by_name="Nama penanda tangan (contoh)",
            signed_by_title=title,
            recorded_by=dinas,
        )
        created += decree.designations.count()
    proposals = _products(OPEN_ROUND_PROPOSALS)
    if proposals and not DesignationRound.objects.filter(year=today.year).exists():
        round = round_open(
            year=today.year,
            opened_by=dinas,
            opened_on=min(today, today.replace(month=2, day=3)),
            name=f"OVOP {today.year}",
        )
        for product in proposals:
            if product.designations.exists():
                continue
            designation_propose(
                product=product,
                proposed_by=officer_for(product.village_id),
                round=round,
                notes="Data contoh: usulan dalam putaran tahun ini.",
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

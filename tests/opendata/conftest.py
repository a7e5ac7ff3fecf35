"""The open data's test world: what may be published next to everything that must never be."""

import datetime

import pytest

from assistance.models import Programme
from assistance.services import delivery_record
from products import services
from products.models import AssessmentCriterion, Category, Product
from tests.factories import KRAMATWATU_VILLAGE, ProducerFactory, ProductFactory
from villages.models import District, Province, Regency, Village

CITEREP = "36.04.09.2002"  # another desa of Kecamatan Ciruas
BELO_LAUT = "19.05.01.2006"  # Kabupaten Bangka Barat: another regency, never served here


def designate(product, officer, dinas, year=2025):
    proposal = services.designation_propose(product=product, proposed_by=officer, year=year)
    return services.designation_approve(
        designation=proposal,
        decided_by=dinas,
        decree_number="SK-RAHASIA-1",
        decree_date=datetime.date(year, 3, 2),
        expected_current_id=None,
    )


def assess(product, assessor, share: float):
    points = {c.pk: int(c.max_points * share) for c in AssessmentCriterion.objects.filter(is_active=True)}
    return services.assessment_record(
        product=product, assessor=assessor, assessed_on=datetime.date.today(), points=points
    )


def belo_laut() -> Village:
    Province.objects.get_or_create(code="19", defaults={"name": "Kepulauan Bangka Belitung"})
    Regency.objects.get_or_create(
        code="19.05", defaults={"province_id": "19", "name": "Kabupaten Bangka Barat", "kind": "kabupaten"}
    )
    District.objects.get_or_create(code="19.05.01", defaults={"regency_id": "19.05", "name": "Mentok"})
    village, _ = Village.objects.get_or_create(
        code=BELO_LAUT, defaults={"district_id": "19.05.01", "name": "Belo Laut", "kind": "desa"}
    )
    return village


@pytest.fixture
def world(officer_a, dinas):
    """Bumijaya's flagship gerabah (4 stars, a consenting and a non-consenting producer, an assistance
    worth Rp 12.500.000), Citerep's batik with a pending proposal, a Kramatwatu product, a draft, and a
    product of another regency. The secrets are named so that a test can look for them."""
    open_producer = ProducerFactory(
        business_name="Sentra Gerabah Bumijaya",
        owner_name="Ibu Pemilik Rahasia",
        contact_consent=True,
        year_started=2005,
        address="Jalan Rahasia Nomor 7",
        nib="1234567890123",
        whatsapp="+6281211112222",
    )
    closed_producer = ProducerFactory(
        business_name="Gerabah Pak Tertutup",
        owner_name="Pak Tertutup Rahasia",
        contact_consent=False,
        whatsapp="+6281299998888",
        nib="9876543210987",
        address="Jalan Tertutup Nomor 9",
    )
    gerabah = ProductFactory(name="Gerabah Bumijaya", price_min=15000, price_max=45000, price_unit="per buah")
    gerabah.producers.add(open_producer, closed_producer)
    designate(gerabah, officer_a, dinas)
    assess(gerabah, dinas, 0.8)  # 4 stars
    programme = Programme.objects.create(
        name="Program Kemasan Rahasia",
        kind="kemasan",
        fiscal_year=2026,
        budget=50_000_000,
        funding_source="apbd_kab",
        agency="Disperindag",
        status="running",
    )
    delivery_record(
        programme=programme,
        village=gerabah.village,
        delivered_on=datetime.date(2026, 4, 1),
        value=12_500_000,
        description="Kemasan kendi catatan rahasia",
        officer=officer_a,
        product=gerabah,
    )
    batik = ProductFactory(
        name="Batik Citerep", village_id=CITEREP, category=Category.objects.get(slug="fesyen-tekstil")
    )
    services.designation_propose(
        product=batik, proposed_by=officer_a, year=2026, notes="Usulan catatan rahasia"
    )
    kramatwatu_maker = ProducerFactory(
        business_name="Emping Kramatwatu Jaya",
        village_id=KRAMATWATU_VILLAGE,
        contact_consent=True,
        whatsapp="+6281233334444",
    )
    emping = ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    emping.producers.add(kramatwatu_maker)
    draft = ProductFactory(name="Produk Draf Rahasia", status=Product.Status.DRAFT)
    draft.producers.add(ProducerFactory(business_name="Produsen Hanya Draf", contact_consent=True))
    elsewhere = ProductFactory(name="Pempek Belo Laut", village=belo_laut())
    elsewhere.producers.add(
        ProducerFactory(business_name="Pempek Luar Wilayah", village=belo_laut(), contact_consent=True)
    )
    gerabah.refresh_from_db()
    return {
        "gerabah": gerabah,
        "batik": batik,
        "emping": emping,
        "draft": draft,
        "elsewhere": elsewhere,
        "open_producer": open_producer,
        "closed_producer": closed_producer,
        "kramatwatu_maker": kramatwatu_maker,
        "officer": officer_a,
        "dinas": dinas,
    }

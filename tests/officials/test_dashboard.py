"""The officials' dashboard, completeness drill-down and annual recap, against a fixture whose figures
are worked out by hand (see `world`)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from assistance.models import Delivery, MentoringVisit, Programme
from assistance.services import delivery_record
from core.images import validate_photo
from products import services
from products.models import AssessmentCriterion, LegalityDocument, Product
from tests.factories import BUMIJAYA, LegalityDocumentFactory, ProducerFactory, ProductFactory
from villages.models import Village

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
CITEREP, CIRUAS_3, CIRUAS_5 = "36.04.09.2002", "36.04.09.2003", "36.04.09.2005"
KRAMATWATU_1 = "36.04.05.2001"


def designate(product, officer, dinas, year):
    from products.models import Designation

    current = Designation.objects.approved().filter(village=product.village).first()
    proposal = services.designation_propose(product=product, proposed_by=officer, year=year)
    return services.designation_approve(
        designation=proposal,
        decided_by=dinas,
        decree_number=f"SK-{year}",
        decree_date=datetime.date(year, 3, 2),
        expected_current_id=current.pk if current else None,
    )


def village(code):
    return Village.objects.get(code=code)


@pytest.fixture
def world(officer_a, officer_b, dinas):
    """By hand:
    Ciruas (15 villages): Bumijaya flagship A (2025, complete 5/5), Citerep flagship B (2026, nothing:
    0/5), 36.04.09.2003 product C proposed (its SPP-IRT expires in 30 days), 36.04.09.2005 product D
    with no proposal (its SPP-IRT expired). Kramatwatu: 36.04.05.2001 flagship E (2025) replaced by F
    (2026, story only: 1/5). Deliveries: Rp 10.000.000 packaging 2026 (APBD kab) to Bumijaya,
    Rp 5.000.000 planned to Citerep, Rp 20.000.000 capital 2025 (Dana Desa) to Kramatwatu.
    """
    a = ProductFactory(name="A Gerabah", story="Cerita", village=village(BUMIJAYA))
    a.producers.add(ProducerFactory())
    upload = io.BytesIO()
    Image.new("RGB", (400, 300), (120, 80, 40)).save(upload, format="JPEG")
    photo = SimpleUploadedFile("a.jpg", upload.getvalue(), content_type="image/jpeg")
    services.product_photo_add(product=a, upload=photo, caption="", image=validate_photo(photo))
    LegalityDocumentFactory(product=a, kind=LegalityDocument.Kind.HALAL, number="H-1")
    points = {c.pk: c.max_points for c in AssessmentCriterion.objects.filter(is_active=True)}
    services.assessment_record(product=a, assessor=dinas, assessed_on=TODAY, points=points)
    designate(a, officer_a, dinas, 2025)
    b = ProductFactory(name="B Anyaman", village=village(CITEREP))
    designate(b, officer_a, dinas, 2026)
    c = ProductFactory(name="C Keripik", village=village(CIRUAS_3))
    services.designation_propose(product=c, proposed_by=officer_a, year=2026)
    LegalityDocumentFactory(
        product=c,
        number="P-1",
        issued_on=TODAY - datetime.timedelta(days=300),
        expires_on=TODAY + datetime.timedelta(days=30),
    )
    d = ProductFactory(name="D Emping", village=village(CIRUAS_5))
    LegalityDocumentFactory(
        product=d, number="P-2", issued_on=datetime.date(2019, 1, 1), expires_on=datetime.date(2021, 1, 1)
    )
    e = ProductFactory(name="E Golok", village=village(KRAMATWATU_1))
    designate(e, officer_b, dinas, 2025)
    f = ProductFactory(name="F Batik", story="Cerita", village=village(KRAMATWATU_1))
    designate(f, officer_b, dinas, 2026)
    packaging = Programme.objects.create(
        name="Kemasan 2026",
        kind="kemasan",
        fiscal_year=2026,
        budget=50_000_000,
        funding_source="apbd_kab",
        agency="Disperindag",
        status="running",
    )
    capital = Programme.objects.create(
        name="Modal 2025",
        kind="permodalan",
        fiscal_year=2025,
        budget=40_000_000,
        funding_source="dana_desa",
        agency="DPMD",
        status="closed" if False else "running",
    )
    for programme, code, value, status, product in [
        (packaging, BUMIJAYA, 10_000_000, Delivery.Status.DELIVERED, a),
        (packaging, CITEREP, 5_000_000, Delivery.Status.PLANNED, b),
        (capital, KRAMATWATU_1, 20_000_000, Delivery.Status.DELIVERED, None),
    ]:
        delivery_record(
            programme=programme,
            village=village(code),
            delivered_on=datetime.date(programme.fiscal_year, 5, 1),
            value=value,
            description="-",
            officer=dinas,
            status=status,
            product=product,
        )
    return {"packaging": packaging, "capital": capital}


def test_dinas_reads_the_regencys_figures(client, world, dinas, django_assert_num_queries):
    client.force_login(dinas)
    response = client.get(reverse("officials:dashboard"))
    assert response.status_code == 200
    context = response.context
    total = context["coverage"]["total"]
    assert (total["designated"], total["proposed"], total["has_products"], total["all"]) == (3, 1, 1, 326)
    assert total["none"] == 321
    districts = {row["code"]: row for row in context["coverage"]["areas"]}
    assert (districts["36.04.09"]["designated"], districts["36.04.09"]["all"]) == (2, 15)
    assert districts["36.04.05"]["designated"] == 1
    assert round(districts["36.04.09"]["percent"], 1) == 13.3
    assert [(r["year"], r["new"], r["cumulative"]) for r in context["trend"]] == [(2025, 2, 2), (2026, 1, 3)]
    assert context["pipeline"]["awaiting"] == 1
    assert [v.code for v in context["pipeline"]["to_propose"]] == [CIRUAS_5]
    checks = {c["key"]: (c["passed"], c["missing"]) for c in context["completeness"]["checks"]}
    assert context["completeness"]["count"] == 3
    assert checks == {
        "foto": (1, 2),
        "cerita": (2, 1),
        "produsen": (1, 2),
        "legalitas": (1, 2),
        "penilaian": (1, 2),
    }
    assert round(context["completeness"]["score"]) == 40  # 6 of 15 checks
    follow = context["follow_up"]
    assert (follow["expired"], follow["expiring"]) == (1, 1)
    assert follow["assessments_due"] == 5  # B, C, D, E, F: published and never assessed
    assert follow["mentoring_overdue"] == 3  # flagships A, B, F: no visit yet
    assistance = context["assistance"]
    assert assistance["total"] == 30_000_000  # the planned delivery does not count
    assert [(r["key"], r["total"]) for r in assistance["by_kind"]] == [
        ("permodalan", 20_000_000),
        ("kemasan", 10_000_000),
    ]
    assert [(r["key"], r["total"]) for r in assistance["by_year"]] == [(2026, 10_000_000), (2025, 20_000_000)]
    assert {r["key"]: r["total"] for r in assistance["by_funding"]} == {
        "apbd_kab": 10_000_000,
        "dana_desa": 20_000_000,
    }
    programmes = {p.name: p for p in assistance["programmes"]}
    assert (programmes["Kemasan 2026"].delivered, programmes["Kemasan 2026"].committed) == (
        10_000_000,
        15_000_000,
    )
    assert programmes["Kemasan 2026"].delivered_percent == 20


def test_an_officer_reads_only_their_kecamatan(client, world, officer_a):
    client.force_login(officer_a)
    context = client.get(reverse("officials:dashboard")).context
    total = context["coverage"]["total"]
    assert (total["designated"], total["proposed"], total["has_products"], total["none"], total["all"]) == (
        2,
        1,
        1,
        11,
        15,
    )
    assert [row["code"] for row in context["coverage"]["areas"]] == ["36.04.09"]
    assert [(r["year"], r["new"]) for r in context["trend"]] == [(2025, 1), (2026, 1)]
    assert context["completeness"]["count"] == 2 and round(context["completeness"]["score"]) == 50
    assert context["follow_up"]["assessments_due"] == 3 and context["follow_up"]["mentoring_overdue"] == 2
    assert context["assistance"]["total"] == 10_000_000
    assert [p.name for p in context["assistance"]["programmes"]] == ["Kemasan 2026"]


def test_every_figure_links_to_the_list_it_counts(client, world, dinas):
    client.force_login(dinas)
    html = client.get(reverse("officials:dashboard")).content.decode()
    for link in [
        "/petugas/desa/?district=36.04.09&amp;status=designated",
        "/petugas/desa/?district=36.04.09&amp;status=none",
        "/petugas/desa/?status=has_products",
        "/petugas/desa/?status=none",
        reverse("products:designation_list"),
        "/petugas/produk/?legality=expired",
        "/petugas/produk/?legality=expiring",
        reverse("products:assessment_due"),
        reverse("assistance:overdue"),
        "/petugas/dasbor/kelengkapan/?kurang=foto",
        "/petugas/bantuan/program/?kind=permodalan",
        "/petugas/bantuan/program/?fiscal_year=2025",
        "/petugas/bantuan/program/?funding_source=dana_desa",
        reverse("assistance:programme_detail", args=[world["packaging"].pk]),
    ]:
        assert f'href="{link}"' in html, link
    # and what the links lead to counts the same
    listed = (
        client.get(reverse("officials:village_list"), {"status": "none"}).context["page_obj"].paginator.count
    )
    assert listed == 321


@pytest.mark.parametrize("extra_villages", [0, 5])
def test_the_dashboard_runs_a_fixed_number_of_queries(
    client, world, dinas, extra_villages, django_assert_num_queries
):
    used = [BUMIJAYA, CITEREP, CIRUAS_3, CIRUAS_5]
    for spare in Village.objects.filter(district_id="36.04.09").exclude(code__in=used)[:extra_villages]:
        ProductFactory(village=spare)
    client.force_login(dinas)
    with django_assert_num_queries(18):
        # 1 session, 2 user, 3 groups, 4 statuses per kecamatan, 5 first designation years, 6 proposals,
        # 7 completeness, flagships selling online and their markets reached,
        # 8-9 documents expired and expiring (of products, of producers), 10 assessments
        # due, 11 mentoring overdue, 12 assistance by kind, year and funding, 13 programmes, 14 villages
        # to propose, 15 the regency,
        # 16 villages per situation (the flagships' signs of needing help in SQL, not read one by one),
        # 17 the year's deliveries per village situation, 18 the help each situation calls for
        client.get(reverse("officials:dashboard"))
    with django_assert_num_queries(4):  # the figures again, from the cache: session, user, groups, regency
        client.get(reverse("officials:dashboard"))


def test_a_write_to_what_the_dashboard_counts_shows_at_once(client, world, dinas, officer_a):
    """The figures are cached, but any write to what they count (a mentoring visit here) makes the next
    visit count afresh."""
    client.force_login(dinas)
    before = client.get(reverse("officials:dashboard")).context["follow_up"]["mentoring_overdue"]
    assert before > 0
    overdue = Product.objects.get(name="A Gerabah")
    MentoringVisit.objects.create(
        product=overdue, visited_on=timezone.localdate(), officer=officer_a, findings="Kemasan baru"
    )
    after = client.get(reverse("officials:dashboard")).context["follow_up"]["mentoring_overdue"]
    assert after == before - 1


def test_the_completeness_page_shows_what_each_flagship_misses(client, world, dinas):
    client.force_login(dinas)
    response = client.get(reverse("officials:completeness"))
    rows = {p.name: p.score for p in response.context["page_obj"]}
    assert rows == {"A Gerabah": 5, "B Anyaman": 0, "F Batik": 1}
    missing_photo = client.get(reverse("officials:completeness"), {"kurang": "foto"}).context["page_obj"]
    assert sorted(p.name for p in missing_photo) == ["B Anyaman", "F Batik"]
    assert client.get(reverse("officials:completeness"), {"kurang": "<x>"}).status_code == 200


def test_the_annual_recap_for_the_regency_and_for_a_kecamatan(client, world, dinas):
    client.force_login(dinas)
    response = client.get(reverse("officials:recap"), {"tahun": "2026"})
    html = response.content.decode()
    assert response.status_code == 200
    assert [d.product.name for d in response.context["designations"]] == ["B Anyaman", "F Batik"]
    assert response.context["assistance_total"] == 10_000_000
    assert "Rekap Program Satu Desa Satu Produk 2026" in html and "data-print" in html
    ciruas = client.get(reverse("officials:recap"), {"tahun": "2025", "kecamatan": "36.04.09"}).context
    assert [d.product.name for d in ciruas["designations"]] == ["A Gerabah"]
    assert ciruas["assistance_total"] == 0  # the 2025 capital went to Kramatwatu
    assert ciruas["coverage"]["total"]["all"] == 15
    for bad in ["abc", "99999", "-1"]:
        assert client.get(reverse("officials:recap"), {"tahun": bad}).status_code == 200


def test_an_officer_cannot_recap_another_kecamatan(client, world, officer_a):
    client.force_login(officer_a)
    context = client.get(reverse("officials:recap"), {"tahun": "2025", "kecamatan": "36.04.05"}).context
    assert context["district"] is None  # not theirs: the recap stays on their own area
    assert [d.product.name for d in context["designations"]] == ["A Gerabah"]


def test_the_dashboard_needs_an_official(client, django_user_model):
    for name in ["officials:dashboard", "officials:completeness", "officials:recap"]:
        assert client.get(reverse(name)).status_code == 302
    client.force_login(django_user_model.objects.create_user("warga", password="pw-warga-12345"))
    for name in ["officials:dashboard", "officials:completeness", "officials:recap"]:
        assert client.get(reverse(name)).status_code == 403


def test_the_recap_offers_every_year_that_has_data(client, dinas, officer_b):
    """A regency that recorded its 2016 decree can print its 2016 recap; an officer's menu follows
    their own area's data."""
    from products.models import Designation
    from tests.factories import DesignationFactory

    today = timezone.localdate()
    client.force_login(dinas)
    assert client.get(reverse("officials:recap")).context["years"] == [today.year]
    DesignationFactory(approved=True)
    Designation.objects.filter(status=Designation.Status.APPROVED).update(year=2016)
    years = client.get(reverse("officials:recap")).context["years"]
    assert years[0] == today.year and years[-1] == 2016 and len(years) == today.year - 2015
    assert "2016" in client.get(reverse("officials:recap"), {"tahun": "2016"}).content.decode()
    client.force_login(officer_b)  # the designation is in kecamatan A
    assert client.get(reverse("officials:recap")).context["years"] == [today.year]

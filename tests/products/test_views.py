import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from products.models import LegalityDocument, Producer, Product
from tests.factories import (
    BUMIJAYA,
    KRAMATWATU_VILLAGE,
    LegalityDocumentFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
    legality_data,
    producer_data,
    product_data,
)
from tests.portal.test_private_files import pdf_bytes

pytestmark = pytest.mark.django_db


def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()


# --- who may open the officials' pages -------------------------------------------------------

OFFICIAL_PAGES = [
    ("products:product_list", []),
    ("products:product_create", []),
    ("products:producer_list", []),
    ("products:producer_create", []),
]


@pytest.mark.parametrize(("name", "args"), OFFICIAL_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "args"), OFFICIAL_PAGES)
def test_a_signed_in_user_without_a_role_is_forbidden(client, name, args):
    client.force_login(UserFactory(username="warga"))
    assert client.get(reverse(name, args=args)).status_code == 403


@pytest.mark.parametrize(("name", "args"), OFFICIAL_PAGES)
def test_officers_and_dinas_open_the_pages(officer_a_client, dinas_client, admin_client, name, args):
    for client in (officer_a_client, dinas_client, admin_client):
        assert client.get(reverse(name, args=args)).status_code == 200


def test_a_kecamatan_officer_without_an_area_is_forbidden(client):
    from django.contrib.auth.models import Group

    user = UserFactory(username="tanpa-wilayah")
    user.groups.add(Group.objects.get(name="Petugas Kecamatan"))
    client.force_login(user)
    assert client.get(reverse("products:product_list")).status_code == 403


# --- another area's objects answer 404 -----------------------------------------------------------


def test_an_officer_gets_404_for_every_page_of_another_kecamatans_objects(officer_b_client):
    product = ProductFactory()
    producer = ProducerFactory()
    document = LegalityDocumentFactory(product=product)
    urls = [
        reverse("officials:product_detail", args=[product.pk]),
        reverse("products:product_update", args=[product.pk]),
        reverse("products:product_delete", args=[product.pk]),
        reverse("products:legality_add_to_product", args=[product.pk]),
        reverse("officials:producer_detail", args=[producer.pk]),
        reverse("products:producer_update", args=[producer.pk]),
        reverse("products:producer_delete", args=[producer.pk]),
        reverse("products:legality_add_to_producer", args=[producer.pk]),
        reverse("products:legality_update", args=[document.pk]),
        reverse("products:legality_delete", args=[document.pk]),
        reverse("officials:village_registry", args=[BUMIJAYA]),
    ]
    for url in urls:
        assert officer_b_client.get(url).status_code == 404, url
        assert officer_b_client.post(url, {}).status_code == 404, url
    assert Product.objects.filter(pk=product.pk).exists()
    assert LegalityDocument.objects.filter(pk=document.pk).exists()


def test_an_officer_lists_only_the_products_of_their_kecamatan(officer_b_client, officer_a_client):
    ProductFactory(name="Gerabah Ciruas")
    ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    names_b = [p.name for p in officer_b_client.get(reverse("products:product_list")).context["page_obj"]]
    names_a = [p.name for p in officer_a_client.get(reverse("products:product_list")).context["page_obj"]]
    assert names_b == ["Emping Kramatwatu"]
    assert names_a == ["Gerabah Ciruas"]


def test_a_forged_village_of_another_kecamatan_is_refused(officer_b_client):
    response = officer_b_client.post(reverse("products:product_create"), product_data(village=BUMIJAYA))
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    assert not Product.objects.exists()


def test_a_forged_producer_of_another_kecamatan_is_refused(officer_b_client):
    foreign = ProducerFactory()
    response = officer_b_client.post(
        reverse("products:product_create"), product_data(village=KRAMATWATU_VILLAGE, producers=[foreign.pk])
    )
    assert "producers" in response.context["form"].errors
    assert not Product.objects.exists()


def test_an_officer_cannot_move_a_product_into_another_kecamatan(officer_a_client):
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("products:product_update", args=[product.pk]), product_data(village=KRAMATWATU_VILLAGE)
    )
    assert "village" in response.context["form"].errors
    product.refresh_from_db()
    assert product.village_id == BUMIJAYA


# --- the officer's day: producer, product, halal certificate -------------------------------


def test_an_officer_registers_a_producer_a_product_and_a_halal_certificate(officer_a_client):
    response = officer_a_client.post(reverse("products:producer_create"), producer_data())
    producer = Producer.objects.get()
    assert response.status_code == 302
    assert producer.whatsapp == "+6281234567890"
    assert producer.nib == "1234567890123"
    assert producer.contact_consent

    response = officer_a_client.post(
        reverse("products:product_create"), product_data(producers=[producer.pk])
    )
    product = Product.objects.get()
    assert response["Location"] == product.get_absolute_url()
    assert (product.price_min, product.price_max) == (15000, 150000)
    assert list(product.producers.all()) == [producer]

    scan = SimpleUploadedFile("halal.pdf", pdf_bytes("sertifikat"), content_type="application/pdf")
    response = officer_a_client.post(
        reverse("products:legality_add_to_product", args=[product.pk]),
        legality_data(kind="halal", number="ID36110000123450124", issued_on="2025-03-01", scan=scan),
    )
    assert response.status_code == 302
    document = product.legality_documents.get()
    assert document.kind == "halal"
    assert document.state() == "valid"
    page = officer_a_client.get(product.get_absolute_url()).content.decode()
    assert "Sertifikat halal" in page
    assert "Rp\u00a015.000" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("whatsapp", "021-555-1234", "Nomor WhatsApp tidak valid"),
        ("whatsapp", "0812", "Nomor WhatsApp tidak valid"),
        ("nib", "12345", "NIB terdiri dari 13 angka"),
        ("nib", "12345678901ab", "NIB terdiri dari 13 angka"),
        ("year_started", "2999", "masa depan"),
        ("workers", "-3", "lebih besar dari atau sama dengan 0"),
        ("business_name", "", "tidak boleh kosong"),
        ("latitude", "-6.1", "lintang dan bujur bersama-sama"),
    ],
)
def test_bad_producer_input_is_answered_in_indonesian(officer_a_client, field, value, message):
    response = officer_a_client.post(reverse("products:producer_create"), producer_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Producer.objects.exists()


def test_a_duplicate_nib_is_answered_on_the_form(officer_a_client):
    ProducerFactory(nib="1234567890123")
    response = officer_a_client.post(reverse("products:producer_create"), producer_data())
    assert "NIB ini sudah terdaftar" in response.content.decode()
    assert Producer.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price_min": "150.000", "price_max": "15.000"}, "Harga tertinggi tidak boleh lebih rendah"),
        ({"price_min": "-5000"}, "tidak boleh negatif"),
        ({"price_min": "15.000,50"}, "tanpa sen"),
        ({"name": ""}, "tidak boleh kosong"),
        ({"category": "999"}, "Masukkan pilihan yang valid"),
        ({"village": "99.99.99.9999"}, "Masukkan pilihan yang valid"),
        ({"monthly_capacity": "banyak"}, "Masukkan keseluruhan angka"),
    ],
)
def test_bad_product_input_is_answered_in_indonesian(officer_a_client, overrides, message):
    response = officer_a_client.post(reverse("products:product_create"), product_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Product.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "halal", "expires_on": "2030-01-01"}, "Sertifikat halal tidak memiliki masa berlaku"),
        (
            {"kind": "spp_irt", "issued_on": "2025-01-01", "expires_on": "2024-01-01"},
            "tidak boleh sebelum tanggal terbit",
        ),
        ({"kind": "spp_irt", "issued_on": "31-31-2025"}, "Masukkan tanggal yang valid"),
        ({"kind": "bukan"}, "Masukkan pilihan yang valid"),
    ],
)
def test_bad_legality_input_is_refused(officer_a_client, data, message):
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("products:legality_add_to_product", args=[product.pk]), legality_data(**data)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LegalityDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("scan.pdf", b"not a pdf"), ("scan.exe", b"MZ\x90\x00"), ("scan.html", b"<script>alert(1)</script>")],
)
def test_a_scan_that_is_not_a_pdf_or_image_is_refused(officer_a_client, name, content):
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("products:legality_add_to_product", args=[product.pk]),
        legality_data(scan=SimpleUploadedFile(name, content)),
    )
    assert "Pindaian harus berkas PDF, JPEG atau PNG" in response.content.decode()
    assert not LegalityDocument.objects.exists()


def test_a_producer_key_beyond_the_database_integers_is_an_invalid_choice(officer_a_client):
    """Django checks the chosen producers with one IN query, which such a number broke on SQLite."""
    response = officer_a_client.post(
        reverse("products:product_create"), product_data(producers=[str(10**40), "-" + str(2**63 + 1)])
    )
    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert not Product.objects.exists()


def test_a_scan_stored_before_a_failed_write_is_removed(officer_a_client, settings):
    from django.db import OperationalError, connection

    def refuse_documents(execute, sql, params, many, context):
        if sql.startswith("INSERT") and '"products_legalitydocument"' in sql:
            raise OperationalError("could not extend file: No space left on device")
        return execute(sql, params, many, context)

    product = ProductFactory()
    officer_a_client.raise_request_exception = False
    with connection.execute_wrapper(refuse_documents):
        response = officer_a_client.post(
            reverse("products:legality_add_to_product", args=[product.pk]),
            legality_data(scan=SimpleUploadedFile("izin.pdf", pdf_bytes())),
        )
    assert response.status_code == 503
    assert not LegalityDocument.objects.exists()
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):  # scans are private files
        assert not root.exists() or not [path for path in root.rglob("*") if path.is_file()]


# --- deleting what others depend on ---------------------------------------------------------------


def test_deleting_a_product_with_documents_is_refused_with_an_explanation(officer_a_client):
    product = ProductFactory()
    LegalityDocumentFactory(product=product)
    response = officer_a_client.post(reverse("products:product_delete", args=[product.pk]), follow=True)
    assert "tidak dapat dihapus" in response.content.decode()
    assert "Dokumen legalitas: 1" in response.content.decode()
    assert Product.objects.filter(pk=product.pk).exists()


def test_deleting_a_producer_who_makes_a_product_is_refused(officer_a_client):
    producer = ProducerFactory()
    ProductFactory().producers.add(producer)
    response = officer_a_client.post(reverse("products:producer_delete", args=[producer.pk]), follow=True)
    assert "masih tercatat sebagai produsen" in response.content.decode()
    assert Producer.objects.filter(pk=producer.pk).exists()


def test_a_product_with_nothing_depending_on_it_is_deleted(officer_a_client):
    product = ProductFactory()
    response = officer_a_client.post(reverse("products:product_delete", args=[product.pk]))
    assert response.status_code == 302
    assert not Product.objects.exists()


def test_deleting_a_village_with_products_is_refused():
    from core.deletion import delete_unless_used
    from core.errors import Refused
    from villages.models import Village

    ProductFactory()
    with pytest.raises(Refused, match="Produk: 1"):
        delete_unless_used(Village.objects.get(code=BUMIJAYA))


# --- filters -------------------------------------------------------------------------------------------


@pytest.fixture
def legality_mix():
    expiring = ProductFactory(name="Emping (PIRT segera berakhir)")
    LegalityDocumentFactory(product=expiring, expires_on=today() + datetime.timedelta(days=30))
    expired = ProductFactory(name="Jahe (PIRT kedaluwarsa)")
    LegalityDocumentFactory(product=expired, expires_on=today() - datetime.timedelta(days=3))
    valid = ProductFactory(name="Gerabah (halal)")
    LegalityDocumentFactory(product=valid, kind="halal", expires_on=None)
    missing = ProductFactory(name="Golok (tanpa dokumen)", village_id=KRAMATWATU_VILLAGE, status="draft")
    return {"expiring": expiring, "expired": expired, "valid": valid, "missing": missing}


@pytest.mark.parametrize("legality", ["expiring", "expired", "missing"])
def test_dinas_filters_the_regencys_products_by_legality(dinas_client, legality_mix, legality):
    response = dinas_client.get(reverse("products:product_list"), {"legality": legality})
    assert [p.pk for p in response.context["page_obj"]] == [legality_mix[legality].pk]


def test_filters_by_kecamatan_status_and_search(dinas_client, legality_mix):
    url = reverse("products:product_list")
    by_district = dinas_client.get(url, {"district": "36.04.05"}).context["page_obj"]
    assert [p.pk for p in by_district] == [legality_mix["missing"].pk]
    drafts = dinas_client.get(url, {"status": "draft"}).context["page_obj"]
    assert [p.pk for p in drafts] == [legality_mix["missing"].pk]
    found = dinas_client.get(url, {"q": "emping"}).context["page_obj"]
    assert [p.pk for p in found] == [legality_mix["expiring"].pk]


@pytest.mark.parametrize(
    "params", [{"legality": "nonsense"}, {"district": "<script>"}, {"category": "abc"}, {"page": "x"}]
)
def test_malformed_filters_never_break_the_list(dinas_client, legality_mix, params):
    response = dinas_client.get(reverse("products:product_list"), params)
    assert response.status_code == 200


def test_an_officer_cannot_filter_into_another_kecamatan(officer_b_client, legality_mix):
    response = officer_b_client.get(reverse("products:product_list"), {"district": "36.04.09"})
    # The choice is not offered, so the filter is invalid and shows nothing of Ciruas.
    assert all(p.village.district_id == "36.04.05" for p in response.context["page_obj"])


# --- query counts -----------------------------------------------------------------------------------


def test_product_list_query_count_is_fixed(dinas_client, django_assert_num_queries, legality_mix):
    for product in Product.objects.all():
        product.producers.add(ProducerFactory(), ProducerFactory())
    with django_assert_num_queries(9):
        # 1 session, 2 user, 3 user's groups (scope), 4 kecamatan choices, 5 village choices,
        # 6 category choices, 7 the page's keys with the total (core.pagination), 8 those products
        # with village, kecamatan, category, producer count and legality flags, 9 the served regency
        response = dinas_client.get(reverse("products:product_list"))
    assert len(response.context["page_obj"]) == 4


def test_producer_list_query_count_is_fixed(dinas_client, django_assert_num_queries):
    for _ in range(4):
        ProductFactory().producers.add(ProducerFactory())
    with django_assert_num_queries(7):
        # 1 session, 2 user, 3 groups, 4 kecamatan choices, 5 the page's keys with the total
        # (core.pagination), 6 those producers with village, kecamatan and product count, 7 the regency
        response = dinas_client.get(reverse("products:producer_list"))
    assert len(response.context["page_obj"]) == 4


def test_village_registry_query_count_is_fixed(officer_a_client, django_assert_num_queries, legality_mix):
    for product in Product.objects.filter(village_id=BUMIJAYA):
        product.producers.add(ProducerFactory())
    with django_assert_num_queries(17):
        # 1 session, 2 user, 3 groups, 4 officer areas, 5 the village, 6 its designations with their
        # products and people, 7 its designations' change history (core.history), 8 the village with
        # its situation, flagship and open flag (a flagship village reads 4 more, for its needs-help
        # signals), 9 the help its situation calls for, 10 the served regency (header), 11 products
        # with category, 12 their legality documents, 13 their producers, 14 the village's producers,
        # 15 their legality documents, 16 deliveries to the village with programme and product, 17 its
        # potential explorations
        officer_a_client.get(reverse("officials:village_registry", args=[BUMIJAYA]))

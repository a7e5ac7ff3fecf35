"""The audit trail: officials see who changed what and when on the object's page and in the admin."""

import datetime

import pytest
from django.urls import reverse

from assistance import services as assistance_services
from assistance.models import Delivery, Programme
from core.history import change_history
from products import services
from products.models import Category, Designation, LegalityDocument, Producer, Product
from tests.factories import (
    BUMIJAYA,
    KRAMATWATU_VILLAGE,
    LegalityDocumentFactory,
    ProducerFactory,
    ProductFactory,
)
from villages.models import Village

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def product_form(**overrides) -> dict:
    data = {
        "name": "Gerabah Hias",
        "village": BUMIJAYA,
        "category": Category.objects.get(slug="kerajinan").pk,
        "status": "published",
        "story": "Dibentuk dengan tangan.",
        "raw_materials": "Tanah liat",
        "price_min": "15.000",
        "price_max": "150.000",
        "price_unit": "per buah",
        "monthly_capacity": "500",
        "capacity_unit": "buah",
        "market_reach": "nasional",
    }
    data.update(overrides)
    return data


def producer_form(**overrides) -> dict:
    data = {
        "business_name": "Gerabah Ibu Sari",
        "owner_name": "Sari",
        "kind": "perorangan",
        "village": BUMIJAYA,
        "address": "Kampung Bumijaya",
        "whatsapp": "0812-3456-7890",
        "contact_consent": "on",
        "nib": "",
        "workers": "4",
        "year_started": "2010",
        "latitude": "",
        "longitude": "",
    }
    data.update(overrides)
    return data


def programme_form(**overrides) -> dict:
    data = {
        "name": "Redesain kemasan 2026",
        "kind": "kemasan",
        "fiscal_year": "2026",
        "budget": "30.000.000",
        "funding_source": "apbd_kab",
        "agency": "Disperindag",
        "status": "running",
        "description": "",
    }
    data.update(overrides)
    return data


def delivery_form(village: str, **overrides) -> dict:
    data = {
        "village": village,
        "product": "",
        "producer": "",
        "delivered_on": "2026-04-01",
        "value": "10.000.000",
        "description": "Desain kemasan",
        "status": "delivered",
    }
    data.update(overrides)
    return data


def propose(product, user):
    return services.designation_propose(product=product, proposed_by=user, year=2026)


def approve(designation, user, expected=None):
    return services.designation_approve(
        designation=designation,
        decided_by=user,
        decree_number="500/Kep.7-Huk/2026",
        decree_date=datetime.date(2026, 3, 2),
        expected_current_id=expected,
    )


def changes_of(entry) -> list[tuple[str, str, str]]:
    return [(change.label, change.old, change.new) for change in entry.changes]


# --- the product page --------------------------------------------------------------------------------


def test_an_official_sees_who_changed_which_product_field_from_what_to_what(officer_a_client):
    officer_a_client.post(reverse("products:product_create"), product_form())
    product = Product.objects.get()
    response = officer_a_client.post(
        reverse("products:product_update", args=[product.pk]),
        product_form(name="Gerabah Hias Bumijaya", price_min="20.000", market_reach="ekspor"),
    )
    assert response.status_code == 302

    response = officer_a_client.get(product.get_absolute_url())
    assert response.status_code == 200
    changed, created = response.context["change_history"].entries
    assert (changed.who, changed.kind_label, changed.subject) == (
        "petugas-ciruas",
        "diubah",
        "Gerabah Hias Bumijaya",
    )
    assert changes_of(changed) == [
        ("Nama produk", "Gerabah Hias", "Gerabah Hias Bumijaya"),
        ("Harga terendah (Rp)", f"Rp{NBSP}15.000", f"Rp{NBSP}20.000"),
        ("Jangkauan pasar", "Nasional", "Ekspor"),  # choices by their label
    ]
    assert (created.who, created.kind_label, created.changes) == ("petugas-ciruas", "dibuat", [])
    html = response.content.decode()
    assert "Riwayat perubahan" in html
    assert "<del>Gerabah Hias</del>" in html
    assert "<ins>Gerabah Hias Bumijaya</ins>" in html
    assert f"<del>Rp{NBSP}15.000</del>" in html


def test_the_product_page_shows_its_legality_documents_and_designations_changes(officer_a_client, dinas):
    product = ProductFactory(name="Emping Melinjo")
    add = reverse("products:legality_add_to_product", args=[product.pk])
    document_form = {"kind": "spp_irt", "number": "P-IRT 2063604010001-29", "issued_on": "2024-01-02"}
    assert officer_a_client.post(add, {**document_form, "expires_on": "2029-01-02"}).status_code == 302
    document = LegalityDocument.objects.get()
    update = reverse("products:legality_update", args=[document.pk])
    assert officer_a_client.post(update, {**document_form, "expires_on": "2030-01-02"}).status_code == 302
    approve(propose(product, dinas), dinas)

    entries = officer_a_client.get(product.get_absolute_url()).context["change_history"].entries
    approved, proposed, document_changed, document_added, product_created = entries
    assert (approved.model_label, approved.who) == ("Penetapan produk unggulan", "dinas")
    assert ("Status", "Diusulkan", "Ditetapkan") in changes_of(approved)
    assert (proposed.kind_label, proposed.who) == ("dibuat", "dinas")
    assert document_changed.model_label == "Dokumen legalitas"
    assert document_changed.subject == "SPP-IRT P-IRT 2063604010001-29"
    assert changes_of(document_changed) == [("Berlaku sampai", "2 Jan 2029", "2 Jan 2030")]
    assert (document_added.who, document_added.kind_label) == ("petugas-ciruas", "dibuat")
    assert (product_created.who, product_created.kind_label) == ("sistem", "dibuat")  # no one signed in


def test_a_deleted_legality_document_stays_in_the_product_history(officer_a_client):
    product = ProductFactory()
    document = LegalityDocumentFactory(product=product, number="PIRT-HAPUS")
    response = officer_a_client.post(reverse("products:legality_delete", args=[document.pk]))
    assert response.status_code == 302
    assert not LegalityDocument.objects.exists()
    latest = officer_a_client.get(product.get_absolute_url()).context["change_history"].entries[0]
    assert (latest.who, latest.kind_label, latest.subject) == (
        "petugas-ciruas",
        "dihapus",
        "SPP-IRT PIRT-HAPUS",
    )


def test_changes_are_dated_in_jakarta_time(officer_a_client):
    product = ProductFactory()
    Product.history.filter(id=product.pk).update(
        history_date=datetime.datetime(2026, 5, 1, 3, 0, tzinfo=datetime.UTC)
    )
    html = officer_a_client.get(product.get_absolute_url()).content.decode()
    assert "1 Mei 2026 10:00 WIB" in html


def test_the_search_text_and_the_update_time_are_not_changes_anyone_made():
    product = ProductFactory(name="Keripik Pisang")
    producer = ProducerFactory(business_name="UMKM Lama")
    product.producers.add(producer)  # a recorded change (its producers), which rewrites the search text
    assert Product.history.filter(id=product.pk).count() == 2
    producer.business_name = "UMKM Baru"
    producer.save()  # rewrites it again
    assert Product.history.filter(id=product.pk).count() == 2
    assert not hasattr(Product.history.model, "search_text")
    assert not hasattr(Product.history.model, "updated_at")


def test_a_refused_edit_leaves_no_trace_in_the_history(officer_a_client):
    product = ProductFactory()
    response = officer_a_client.post(
        reverse("products:product_update", args=[product.pk]), product_form(village=KRAMATWATU_VILLAGE)
    )
    assert "village" in response.context["form"].errors
    assert Product.history.filter(id=product.pk).count() == 1  # only its creation


def test_a_change_to_an_object_older_than_the_trail_says_its_earlier_content_is_unknown(officer_a_client):
    product = ProductFactory()
    Product.history.filter(id=product.pk).delete()  # as if it had been registered before the trail
    officer_a_client.post(reverse("products:product_update", args=[product.pk]), product_form())
    response = officer_a_client.get(product.get_absolute_url())
    (entry,) = response.context["change_history"].entries
    assert entry.unknown_before
    assert entry.changes == []
    assert "Isi sebelumnya tidak tercatat" in response.content.decode()


def test_only_the_latest_50_changes_are_shown_each_still_with_what_it_changed():
    product = ProductFactory(price_min=1000)
    for price in range(1001, 1060):
        product.price_min = price
        product.save()
    history = change_history(Product.history.filter(id=product.pk))
    assert len(history.entries) == 50
    assert history.more
    assert changes_of(history.entries[0]) == [("Harga terendah (Rp)", f"Rp{NBSP}1.058", f"Rp{NBSP}1.059")]
    # The oldest one shown still compares with the version before it, beyond the 50.
    assert changes_of(history.entries[-1]) == [("Harga terendah (Rp)", f"Rp{NBSP}1.009", f"Rp{NBSP}1.010")]


@pytest.mark.parametrize("changes", [2, 6])
def test_the_product_pages_history_costs_the_same_queries_whatever_the_number_of_changes(
    dinas_client, dinas, django_assert_num_queries, changes
):
    product = ProductFactory(price_min=1000)  # change 1: created
    for price in range(1001, 1000 + changes):
        product.price_min = price
        product.save()
    LegalityDocumentFactory(product=product)
    approve(propose(product, dinas), dinas)
    with django_assert_num_queries(21):
        # 1 session, 2 user, 3 groups (scope), 4 the product, 5 its own change history, 6 its legality
        # documents' change history, 7 its designations' change history (each one query, with who made
        # the change and the objects it names), 8 the producers recorded with the product's changes (none
        # here: no producer names to fetch), 9 deliveries to the product, 10 its outcomes, 11 the served
        # regency (header), 12 markets reached, 13 producers, 14 legality documents, 15 variants,
        # 16 points of sale, 17 shop links, 18 assessments, 19 visits, 20 designations, 21 photos (no
        # assessments or visits: no scores or visit photos to prefetch)
        response = dinas_client.get(product.get_absolute_url())
    assert len(response.context["change_history"].entries) == changes + 3


# --- the village, producer and programme pages ---------------------------------------------------------


def test_designation_proposal_and_approval_appear_in_the_villages_history_with_who_did_them(
    officer_a, officer_a_client, dinas
):
    first = approve(propose(ProductFactory(name="Gerabah"), officer_a), dinas)
    approve(propose(ProductFactory(name="Golok"), officer_a), dinas, expected=first.pk)

    response = officer_a_client.get(reverse("officials:village_registry", args=[BUMIJAYA]))
    entries = response.context["change_history"].entries
    summary = [(e.who, e.kind_label, e.subject) for e in entries]
    assert summary == [
        ("dinas", "diubah", "Golok · Desa Bumijaya (Ditetapkan)"),
        ("dinas", "diubah", "Gerabah · Desa Bumijaya (Berakhir)"),  # ended by the new approval
        ("petugas-ciruas", "dibuat", "Golok · Desa Bumijaya (Diusulkan)"),
        ("dinas", "diubah", "Gerabah · Desa Bumijaya (Ditetapkan)"),
        ("petugas-ciruas", "dibuat", "Gerabah · Desa Bumijaya (Diusulkan)"),
    ]
    approval = changes_of(entries[3])
    assert ("Status", "Diusulkan", "Ditetapkan") in approval
    assert ("Diputuskan oleh", "–", "dinas") in approval
    assert ("Nomor SK Bupati", "–", "500/Kep.7-Huk/2026") in approval
    assert ("Digantikan oleh", "–", "Golok · Desa Bumijaya (Ditetapkan)") in changes_of(entries[1])
    html = response.content.decode()
    assert "Riwayat perubahan" in html
    assert "Ditetapkan</ins>" in html


def test_a_designation_decided_through_the_pages_records_the_signed_in_official(
    officer_a_client, dinas_client
):
    product = ProductFactory()
    propose_url = reverse("products:designation_propose", args=[BUMIJAYA])
    data = {"product": product.pk, "year": "2026", "notes": "Sentra gerabah"}
    assert officer_a_client.post(propose_url, data).status_code == 302
    designation = Designation.objects.get()
    approve_url = reverse("products:designation_approve", args=[designation.pk])
    decision = {"decree_number": "500/Kep.9/2026", "decree_date": "2026-03-02", "expected_current": ""}
    assert dinas_client.post(approve_url, decision).status_code == 302
    records = Designation.history.filter(id=designation.pk).order_by("history_date")
    assert [r.history_user.username for r in records] == ["petugas-ciruas", "dinas"]


def test_a_producer_edit_shows_on_the_producer_page(officer_a_client):
    officer_a_client.post(reverse("products:producer_create"), producer_form())
    producer = Producer.objects.get()
    response = officer_a_client.post(
        reverse("products:producer_update", args=[producer.pk]),
        producer_form(workers="6", contact_consent="", kind="kelompok"),
    )
    assert response.status_code == 302
    response = officer_a_client.get(producer.get_absolute_url())
    latest = response.context["change_history"].entries[0]
    assert (latest.who, latest.model_label, latest.subject) == (
        "petugas-ciruas",
        "Produsen (UMKM)",
        "Gerabah Ibu Sari",
    )
    assert changes_of(latest) == [
        ("Bentuk usaha", "Perorangan", "Kelompok usaha"),
        ("Jumlah pekerja", "4", "6"),
        ("Setuju kontak dipublikasikan", "ya", "tidak"),
    ]
    assert "Riwayat perubahan" in response.content.decode()


def test_programme_and_delivery_changes_show_on_the_programme_page(dinas_client):
    dinas_client.post(reverse("assistance:programme_create"), programme_form())
    programme = Programme.objects.get()
    dinas_client.post(
        reverse("assistance:programme_update", args=[programme.pk]), programme_form(budget="40.000.000")
    )
    dinas_client.post(reverse("assistance:delivery_create", args=[programme.pk]), delivery_form(BUMIJAYA))
    delivery = Delivery.objects.get()
    response = dinas_client.post(
        reverse("assistance:delivery_update", args=[delivery.pk]), delivery_form(BUMIJAYA, status="cancelled")
    )
    assert response.status_code == 302

    response = dinas_client.get(programme.get_absolute_url())
    cancelled, delivered, budget_raised, created = response.context["change_history"].entries
    assert all(entry.who == "dinas" for entry in (cancelled, delivered, budget_raised, created))
    assert cancelled.model_label == "Penyaluran bantuan"
    assert cancelled.subject == "Redesain kemasan 2026 → Bumijaya"
    assert changes_of(cancelled) == [("Status", "Tersalurkan", "Dibatalkan")]
    assert delivered.kind_label == "dibuat"
    assert budget_raised.model_label == "Program bantuan"
    assert changes_of(budget_raised) == [("Pagu anggaran (Rp)", f"Rp{NBSP}30.000.000", f"Rp{NBSP}40.000.000")]
    assert created.kind_label == "dibuat"
    assert f"<ins>Rp{NBSP}40.000.000</ins>" in response.content.decode()


# --- who may not see it ----------------------------------------------------------------------------------


def test_an_officer_of_another_kecamatan_still_gets_404_for_pages_with_a_history(officer_b_client, dinas):
    product = ProductFactory()
    product.name = "Gerabah diubah"
    product.save()
    producer = ProducerFactory()
    producer.workers = 9
    producer.save()
    propose(product, dinas)
    for url in (
        product.get_absolute_url(),
        producer.get_absolute_url(),
        reverse("officials:village_registry", args=[BUMIJAYA]),
    ):
        assert officer_b_client.get(url).status_code == 404, url


def test_the_programme_history_shows_an_officer_only_the_deliveries_of_their_area(officer_b_client, dinas):
    programme = Programme.objects.create(
        name="Pelatihan",
        kind="pelatihan",
        fiscal_year=2026,
        budget=50_000_000,
        funding_source="apbd_kab",
        agency="Dinas Koperasi",
        status="running",
    )
    for code in (BUMIJAYA, KRAMATWATU_VILLAGE):
        Delivery.objects.create(
            programme=programme,
            village=Village.objects.get(code=code),
            delivered_on=datetime.date(2026, 4, 1),
            value=1_000_000,
            description=f"Pelatihan di {code}",
            officer=dinas,
        )
    response = officer_b_client.get(programme.get_absolute_url())
    subjects = [entry.subject for entry in response.context["change_history"].entries]
    assert subjects == ["Pelatihan → Kramatwatu", "Pelatihan (2026)"]
    assert "Bumijaya" not in response.content.decode()


def test_the_public_product_page_never_shows_the_change_history(client, officer_a_client):
    officer_a_client.post(reverse("products:product_create"), product_form())
    product = Product.objects.get()
    officer_a_client.post(reverse("products:product_update", args=[product.pk]), product_form(name="Baru"))
    html = client.get(product.get_public_url()).content.decode()
    assert "Riwayat perubahan" not in html
    assert "petugas-ciruas" not in html


# --- the admin -------------------------------------------------------------------------------------------


def test_the_admin_history_of_a_product_lists_the_change(officer_a_client, admin_client):
    product = ProductFactory(name="Gerabah Lama")
    officer_a_client.post(
        reverse("products:product_update", args=[product.pk]), product_form(name="Gerabah Baru")
    )
    response = admin_client.get(reverse("admin:products_product_history", args=[product.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "petugas-ciruas" in html
    assert "Gerabah Lama" in html
    assert "Gerabah Baru" in html


@pytest.mark.parametrize(
    "name", ["product", "producer", "legalitydocument", "designation", "programme", "delivery"]
)
def test_the_admin_shows_the_history_of_every_audited_model(admin_client, dinas, name):
    product = ProductFactory()
    programme = Programme.objects.create(
        name="Kemasan", kind="kemasan", fiscal_year=2026, budget=9_000_000, funding_source="apbn", agency="X"
    )
    objects = {
        "product": product,
        "producer": ProducerFactory(),
        "legalitydocument": LegalityDocumentFactory(product=product),
        "designation": propose(product, dinas),
        "programme": programme,
        "delivery": Delivery.objects.create(
            programme=programme,
            village_id=BUMIJAYA,
            delivered_on=datetime.date(2026, 4, 1),
            value=1_000_000,
            description="Kemasan",
            officer=dinas,
        ),
    }
    obj = objects[name]
    app = obj._meta.app_label
    change = admin_client.get(reverse(f"admin:{app}_{name}_change", args=[obj.pk]))
    assert change.status_code == 200
    history = admin_client.get(reverse(f"admin:{app}_{name}_history", args=[obj.pk]))
    assert history.status_code == 200
    (record,) = history.context["page_obj"]
    version = reverse(f"admin:{app}_{name}_simple_history", args=[obj.pk, record.history_id])
    assert admin_client.get(version).status_code == 200


def test_reverting_a_delivery_in_the_admin_still_checks_the_budget(admin_client, dinas):
    programme = Programme.objects.create(
        name="Tungku",
        kind="teknologi",
        fiscal_year=2026,
        budget=10_000_000,
        funding_source="apbn",
        agency="X",
    )
    village = Village.objects.get(code=BUMIJAYA)
    first = assistance_services.delivery_record(
        programme=programme,
        village=village,
        delivered_on=datetime.date(2026, 4, 1),
        value=10_000_000,
        description="Tungku",
        officer=dinas,
    )
    delivered_version = Delivery.history.get(id=first.pk)
    assistance_services.delivery_update(delivery=first, status="cancelled")
    assistance_services.delivery_record(
        programme=programme,
        village=village,
        delivered_on=datetime.date(2026, 5, 1),
        value=10_000_000,
        description="Tungku pengganti",
        officer=dinas,
    )
    revert = reverse(
        "admin:assistance_delivery_simple_history", args=[first.pk, delivered_version.history_id]
    )
    response = admin_client.post(
        revert,
        {
            "programme": programme.pk,
            "village": BUMIJAYA,
            "product": "",
            "producer": "",
            "delivered_on": "2026-04-01",
            "value": "10000000",
            "description": "Tungku",
            "status": "delivered",
            "officer": dinas.pk,
        },
    )
    assert response.status_code == 200
    assert "melebihi sisa pagu" in response.content.decode()
    first.refresh_from_db()
    assert first.status == "cancelled"

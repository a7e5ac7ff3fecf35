"""Legality documents imported from a spreadsheet: for a product (slug or ID) or a producer (NIB or
ID) of the official's area, previewed with row errors, all or nothing, and from the template."""

import datetime

import pytest
from django.urls import reverse

from products.models import LegalityDocument
from products.resources import LegalityResource
from tests.factories import KRAMATWATU_VILLAGE, LegalityDocumentFactory, ProducerFactory, ProductFactory
from tests.officials.test_spreadsheets import (
    confirm,
    content,
    csv_bytes,
    preview,
    refusals,
    village,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

HEADERS = LegalityResource().get_export_headers()


def legality_file(*rows: dict, fmt: str = "xlsx") -> bytes:
    table = [HEADERS, *[[row.get(header, "") for header in HEADERS] for row in rows]]
    return xlsx_bytes(table) if fmt == "xlsx" else csv_bytes(table)


def halal_for(product, **cells) -> dict:
    return {
        "Produk (slug atau ID)": product.slug,
        "Jenis dokumen": "Sertifikat halal",
        "Nomor dokumen": "ID3211000123",
        "Tanggal terbit": "15/01/2025",
    } | cells


def test_documents_of_a_product_and_a_producer_land_with_their_dates(officer_a_client):
    product = ProductFactory(name="Emping Melinjo")
    producer = ProducerFactory(business_name="KWT Melati", nib="1234567890123")
    data = legality_file(
        halal_for(product),
        {
            "Produsen (NIB atau ID)": "1234 5678 90123",
            "Jenis dokumen": "spp_irt",
            "Nomor dokumen": "P-IRT 2063604010123-30",
            "Tanggal terbit": datetime.date(2024, 6, 1),
            "Berlaku sampai": "2029-06-01",
        },
        {
            "Produsen (NIB atau ID)": str(producer.pk),
            "Jenis dokumen": "NIB",
            "Nomor dokumen": "1234567890123",
            "Tanggal terbit": "2023-02-01",
        },
    )

    page, ref = preview(officer_a_client, "legalitas", data)

    assert page.context["report"].counts["new"] == 3
    assert not LegalityDocument.objects.exists()
    response = confirm(officer_a_client, ref)
    assert response.status_code == 302
    halal = LegalityDocument.objects.get(product=product)
    assert (halal.kind, halal.number, halal.issued_on, halal.expires_on) == (
        "halal",
        "ID3211000123",
        datetime.date(2025, 1, 15),
        None,
    )
    spp = LegalityDocument.objects.get(producer=producer, kind="spp_irt")
    assert spp.expires_on == datetime.date(2029, 6, 1)
    assert LegalityDocument.objects.count() == 3


def test_a_renewed_date_updates_the_document_of_the_same_holder_kind_and_number(officer_a_client):
    product = ProductFactory()
    document = LegalityDocumentFactory(
        product=product, kind="spp_irt", number="P-IRT 1", expires_on=datetime.date(2025, 1, 1)
    )
    data = legality_file(
        halal_for(
            product,
            **{"Jenis dokumen": "SPP-IRT", "Nomor dokumen": "p-irt 1", "Berlaku sampai": "01/01/2030"},
        )
    )

    page, ref = preview(officer_a_client, "legalitas", data)

    assert page.context["report"].counts["update"] == 1
    confirm(officer_a_client, ref)
    document.refresh_from_db()
    assert document.expires_on == datetime.date(2030, 1, 1)
    assert LegalityDocument.objects.count() == 1


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"Produk (slug atau ID)": "tidak-ada"}, "Produk (slug atau ID)", "Produk “tidak-ada” tidak dikenal"),
        ({"Produsen (NIB atau ID)": "1234567890123"}, "", "milik satu produk atau satu produsen"),
        ({"Produk (slug atau ID)": ""}, "", "milik satu produk atau satu produsen"),
        ({"Jenis dokumen": "Izin edar"}, "Jenis dokumen", "“Izin edar” tidak dikenal. Pilih salah satu"),
        ({"Nomor dokumen": ""}, "Nomor dokumen", "Wajib diisi."),
        ({"Tanggal terbit": "31 Januari"}, "Tanggal terbit", "Tulis tanggal seperti 31/12/2024"),
        ({"Tanggal terbit": ""}, "Tanggal terbit", "Wajib diisi."),
        ({"Berlaku sampai": "2030-01-01"}, "Berlaku sampai", "Sertifikat halal tidak memiliki masa berlaku"),
        (
            {"Jenis dokumen": "BPOM MD", "Berlaku sampai": "2020-01-01"},
            "Berlaku sampai",
            "tidak boleh sebelum tanggal terbit",
        ),
    ],
)
def test_a_bad_row_is_refused_in_indonesian_and_nothing_is_written(officer_a_client, cells, column, reason):
    ProducerFactory(nib="1234567890123")
    product = ProductFactory()
    data = legality_file(halal_for(product, **{"Nomor dokumen": "BAIK-1"}), halal_for(product, **cells))

    page, ref = preview(officer_a_client, "legalitas", data)

    errors = refusals(page)
    assert [(row, refused_column) for row, refused_column, _message in errors] == [(3, column)], errors
    assert reason in errors[0][2]
    assert "Baris yang ditolak" in page.content.decode()
    assert confirm(officer_a_client, ref).status_code == 400
    assert not LegalityDocument.objects.exists()


def test_an_officer_cannot_add_documents_to_another_kecamatans_product_or_producer(officer_a_client):
    product = ProductFactory(name="Golok", village=village(KRAMATWATU_VILLAGE))
    producer = ProducerFactory(nib="7777777777777", village=village(KRAMATWATU_VILLAGE))
    data = legality_file(
        halal_for(product),
        {
            "Produsen (NIB atau ID)": producer.nib,
            "Jenis dokumen": "NIB",
            "Nomor dokumen": "7777777777777",
            "Tanggal terbit": "2024-01-01",
        },
    )

    page, ref = preview(officer_a_client, "legalitas", data)

    assert [(row, column) for row, column, _m in refusals(page)] == [
        (2, "Produk (slug atau ID)"),
        (3, "Produsen (NIB atau ID)"),
    ]
    assert "di luar wilayah tugas Anda" in refusals(page)[0][2]
    assert confirm(officer_a_client, ref).status_code == 400
    assert not LegalityDocument.objects.exists()


def test_the_same_document_twice_in_a_file_is_refused(officer_a_client):
    product = ProductFactory()

    page, _ref = preview(officer_a_client, "legalitas", legality_file(halal_for(product), halal_for(product)))

    [(row, _column, message)] = refusals(page)
    assert row == 3 and message.startswith("Baris ini mengulang baris 2")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_imports_as_it_is(officer_a_client, fmt):
    ProductFactory(name="Emping Melinjo")
    response = officer_a_client.get(reverse("officials:import_template", args=["legalitas", fmt]))

    page, ref = preview(officer_a_client, "legalitas", content(response), f"templat.{fmt}")

    assert refusals(page) == []
    assert page.context["report"].counts["new"] == 1
    confirm(officer_a_client, ref)
    assert LegalityDocument.objects.get().kind == "hki"


def test_a_nib_written_with_spaces_is_the_same_document_and_not_a_new_one(officer_a_client):
    producer = ProducerFactory(nib="1234567890123")
    LegalityDocumentFactory(producer=producer, product=None, kind="nib", number="1234567890123")
    row = {
        "Produsen (NIB atau ID)": "1234567890123",
        "Jenis dokumen": "NIB",
        "Nomor dokumen": "1234 5678 90123",
        "Tanggal terbit": "15/01/2024",
    }

    page, _ref = preview(officer_a_client, "legalitas", legality_file(row))

    assert page.context["report"].counts["new"] == 0
    assert LegalityDocument.objects.filter(producer=producer).count() == 1


def test_two_spellings_of_one_number_in_a_file_are_one_document_twice(officer_a_client):
    ProducerFactory(nib="1234567890123")
    row = {
        "Produsen (NIB atau ID)": "1234567890123",
        "Jenis dokumen": "NIB",
        "Nomor dokumen": "1234567890123",
        "Tanggal terbit": "15/01/2024",
    }

    page, _ref = preview(
        officer_a_client, "legalitas", legality_file(row, row | {"Nomor dokumen": "1234 5678 90123"})
    )

    [(row_number, _column, message)] = refusals(page)
    assert row_number == 3 and message.startswith("Baris ini mengulang baris 2")

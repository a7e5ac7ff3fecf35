"""The export files officials hand on: XLSX with a filter, a frozen header, widths from the values and
Rupiah and date formats; CSV phone numbers without an apostrophe; producers' names beside their NIBs;
the flagship's decree in the village registry."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from core.spreadsheets import (
    DATE_FORMAT,
    MAX_WIDTH,
    RUPIAH_FORMAT,
    PhoneNumber,
    Rupiah,
    csv_cell,
    national_phone,
)
from products.resources import ProductResource
from tests.factories import ProducerFactory, ProductFactory
from tests.officials.test_spreadsheets import content, preview, registry  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def export(client, what: str, fmt: str):
    response = client.get(reverse("officials:export", args=[what, fmt]))
    assert response.status_code == 200
    return content(response)


def sheet_of(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def csv_table(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize("what", ["registri", "produk", "produsen", "bantuan"])
def test_an_xlsx_export_has_a_filter_and_a_frozen_header_row(dinas_client, registry, what):  # noqa: F811
    sheet = sheet_of(export(dinas_client, what, "xlsx"))

    assert sheet.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(sheet.max_column)
    assert sheet.auto_filter.ref == f"A1:{last}{sheet.max_row}"


def test_xlsx_column_widths_follow_the_longest_value_within_a_cap(dinas_client, registry):  # noqa: F811
    # 88 characters: over the width cap, within the name field (PostgreSQL enforces its 150).
    ProductFactory(name="Gerabah " + "panjang " * 10, village=registry.village)
    sheet = sheet_of(export(dinas_client, "produk", "xlsx"))
    headers = [cell.value for cell in sheet[1]]
    width = {
        h: sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width
        for i, h in enumerate(headers, 1)
    }

    assert width["Nama produk"] == MAX_WIDTH  # the long name, capped
    assert width["Kode desa"] >= len("36.04.09.2009")  # the codes, longer than the header
    assert width["Status"] < width["Kode desa"]  # "Terbit", "Draf": a narrow column


def test_xlsx_rupiah_and_date_columns_have_number_formats(dinas_client, registry):  # noqa: F811
    products = sheet_of(export(dinas_client, "produk", "xlsx"))
    headers = [cell.value for cell in products[1]]
    price = next(
        row[headers.index("Harga terendah (Rp)")]
        for row in products.iter_rows(min_row=2)
        if row[headers.index("Nama produk")].value == "Gerabah Bumijaya"
    )
    assert (price.value, price.number_format) == (25000, RUPIAH_FORMAT)

    ledger = sheet_of(export(dinas_client, "bantuan", "xlsx"))
    headers = [cell.value for cell in ledger[1]]
    row = next(r for r in ledger.iter_rows(min_row=2) if r[headers.index("Program")].value == "Kemasan 2026")
    assert (row[headers.index("Nilai (Rp)")].value, row[headers.index("Nilai (Rp)")].number_format) == (
        10_000_000,
        RUPIAH_FORMAT,
    )
    assert row[headers.index("Tanggal")].value.date() == datetime.date(2026, 2, 1)
    assert row[headers.index("Tanggal")].number_format == DATE_FORMAT


def test_csv_writes_whatsapp_numbers_without_an_apostrophe(dinas_client, registry):  # noqa: F811
    ProducerFactory(business_name="Anyaman Rotan", whatsapp="+6281234567890", village=registry.village)
    rows = {row["Nama usaha"]: row for row in csv_table(export(dinas_client, "produsen", "csv"))}

    assert rows["Anyaman Rotan"]["WhatsApp"] == "0812-3456-7890"
    assert not any(row["WhatsApp"].startswith("'") for row in rows.values())


def test_only_a_stored_phone_number_escapes_the_formula_prefix():
    assert csv_cell(PhoneNumber("+6281234567890")) == "0812-3456-7890"
    assert national_phone("+62812345678") == "0812-34-5678"
    # Not a phone number as stored, or not a phone number at all: still neutralised.
    assert csv_cell(PhoneNumber("+62=1+1")) == "'+62=1+1"
    assert csv_cell("+6281234567890") == "'+6281234567890"
    for hostile in ("=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)"):
        assert csv_cell(hostile).startswith("'")
    assert csv_cell(Rupiah(25000)) == "25000"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_product_export_names_the_producers_and_lists_their_nibs_apart(
    dinas_client,
    registry,  # noqa: F811
    fmt,
):
    data = export(dinas_client, "produk", fmt)
    if fmt == "csv":
        rows = csv_table(data)
    else:
        sheet = sheet_of(data)
        headers = [cell.value for cell in sheet[1]]
        rows = [
            dict(zip(headers, values, strict=True)) for values in sheet.iter_rows(min_row=2, values_only=True)
        ]
    gerabah = next(row for row in rows if row["Nama produk"] == "Gerabah Bumijaya")

    assert gerabah["Produsen"] == "Batik Group; Gerabah Sari"
    assert gerabah["NIB produsen"] == "1234567890123"
    # Informative on import: not a column a file must have.
    assert "NIB produsen" not in ProductResource().import_columns()


def test_an_exported_product_file_imports_back_with_same_named_producers_told_apart_by_nib(
    dinas_client,
    registry,  # noqa: F811
):
    # Another "Gerabah Sari" in the same village: the name alone would be ambiguous.
    ProducerFactory(business_name="Gerabah Sari", nib="9999999999999", village=registry.village)
    page, _ref = preview(dinas_client, "produk", export(dinas_client, "produk", "xlsx"))
    report = page.context["report"]

    assert report.counts["refused"] == 0
    assert report.counts["update"] == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_registry_export_has_the_flagships_decree_number_and_date(dinas_client, registry, fmt):  # noqa: F811
    data = export(dinas_client, "registri", fmt)
    if fmt == "csv":
        row = next(r for r in csv_table(data) if r["Produk unggulan"] == "Gerabah Bumijaya")
        assert (row["Nomor SK penetapan"], row["Tanggal SK penetapan"]) == ("SK-1", "2025-03-02")
        return
    sheet = sheet_of(data)
    headers = [cell.value for cell in sheet[1]]
    row = next(
        r
        for r in sheet.iter_rows(min_row=2)
        if r[headers.index("Produk unggulan")].value == "Gerabah Bumijaya"
    )
    assert row[headers.index("Nomor SK penetapan")].value == "SK-1"
    decree_date = row[headers.index("Tanggal SK penetapan")]
    assert (decree_date.value.date(), decree_date.number_format) == (datetime.date(2025, 3, 2), DATE_FORMAT)

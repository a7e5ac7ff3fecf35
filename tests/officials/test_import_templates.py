"""The import templates of every kind: a coherent example row, dropdowns on the coded columns of the
XLSX (the lists on a hidden sheet), plain CSV; the upload page offers every kind; and a producer row
with only one of its two coordinates is refused."""

import io

import openpyxl
import pytest
from django.urls import reverse

from officials.imports import IMPORTS
from products.models import Producer
from tests.factories import BUMIJAYA, ProducerFactory, ProductFactory, ProgrammeFactory
from tests.officials.test_spreadsheets import (
    confirm,
    content,
    csv_rows,
    preview,
    producer_row,
    producers_file,
)

pytestmark = pytest.mark.django_db

CODED = {
    "produsen": ["Kode desa", "Bentuk usaha", "Setuju kontak dipublikasikan"],
    "produk": ["Kode desa", "Kategori", "Status", "Jangkauan pasar"],
    "legalitas": ["Jenis dokumen"],
    "penyaluran": ["Program", "Kode desa", "Status"],
    "kunjungan": [],
    "capaian": ["Triwulan"],
}


def workbook(client, kind: str):
    response = client.get(reverse("officials:import_template", args=[kind, "xlsx"]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(content(response)))


def dropdowns(book) -> dict[str, list[str]]:
    """Each column with a dropdown, by header, and the values its list offers."""
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        source_sheet, cells = validation.formula1.split("!")
        source = book[source_sheet.strip("'")]
        values = [row[0].value for row in source[cells.replace("$", "")]]
        for cell_range in validation.sqref.ranges:
            column = headers[cell_range.min_col - 1]
            assert cell_range.min_row == 2 and cell_range.max_row >= 5001
            found[column] = values
    return found


@pytest.mark.parametrize("kind", list(CODED))
def test_the_excel_template_has_a_dropdown_on_every_coded_column(dinas_client, kind):
    ProgrammeFactory(name="Redesain kemasan")

    book = workbook(dinas_client, kind)

    lists = dropdowns(book)
    assert sorted(lists) == sorted(CODED[kind])
    if lists:
        assert book["Daftar"].sheet_state == "hidden"
    expected = {
        "Kategori": "Kerajinan, dekorasi & suvenir",
        "Status": "Terbit" if kind == "produk" else "Tersalurkan",
        "Kode desa": BUMIJAYA,
        "Jenis dokumen": "Sertifikat halal",
        "Program": "Redesain kemasan",
        "Triwulan": "IV",
        "Bentuk usaha": "Kelompok usaha",
    }
    for column, values in lists.items():
        if column in expected:
            assert expected[column] in values, (column, values)


def test_an_officers_village_dropdown_lists_only_their_kecamatan(officer_a_client):
    codes = dropdowns(workbook(officer_a_client, "produsen"))["Kode desa"]

    assert BUMIJAYA in codes and all(code.startswith("36.04.09.") for code in codes)


@pytest.mark.parametrize("kind", ["produsen", "produk"])
def test_the_example_row_names_one_village_and_fits_its_category(officer_a_client, kind):
    sheet = workbook(officer_a_client, kind).worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    row = dict(zip(headers, [cell.value for cell in sheet[2]], strict=True))
    village_name = Producer._meta.get_field("village").related_model.objects.get(code=row["Kode desa"]).name

    assert row["Desa/Kelurahan"] == village_name and row["Kecamatan"] == "Ciruas"
    if kind == "produsen":
        assert village_name in row["Alamat"] and "Bumijaya" not in row["Alamat"].replace(village_name, "")
    else:
        assert "Gerabah" in row["Nama produk"] and row["Kategori"] == "Kerajinan, dekorasi & suvenir"


@pytest.mark.parametrize("kind", list(CODED))
def test_the_csv_template_is_the_columns_and_the_example_row_only(dinas_client, kind):
    rows = csv_rows(content(dinas_client.get(reverse("officials:import_template", args=[kind, "csv"]))))

    assert rows[0] == IMPORTS[kind]().get_export_headers() and len(rows) == 2


def test_the_upload_page_offers_every_kind_with_both_templates(officer_a_client):
    html = officer_a_client.get(reverse("officials:import")).content.decode()

    for kind in IMPORTS:
        assert f'value="{kind}"' in html
        for fmt in ("xlsx", "csv"):
            assert reverse("officials:import_template", args=[kind, fmt]) in html
    assert "Dokumen legalitas" in html and "Capaian produk per triwulan" in html


@pytest.mark.parametrize(("latitude", "longitude"), [("-6,12", ""), ("", "106.2")])
def test_a_producer_with_only_one_coordinate_is_refused(dinas_client, latitude, longitude):
    data = producers_file(producer_row(Lintang=latitude, Bujur=longitude))

    page, ref = preview(dinas_client, "produsen", data)

    assert [message for _row, _column, message in page.context["report"].errors] == [
        "Isi lintang dan bujur bersama-sama, atau kosongkan keduanya."
    ]
    assert confirm(dinas_client, ref).status_code == 400
    assert not Producer.objects.exists()


def test_an_existing_producer_given_only_a_latitude_is_refused_and_keeps_its_place(dinas_client):
    producer = ProducerFactory(
        business_name="Gerabah Sari", nib="1234567890123", latitude=-6.1, longitude=106.2
    )
    data = producers_file(producer_row(NIB="1234567890123", Lintang="-6.3", Bujur=""))

    page, ref = preview(dinas_client, "produsen", data)

    assert page.context["report"].counts["refused"] == 1
    assert confirm(dinas_client, ref).status_code == 400
    producer.refresh_from_db()
    assert (float(producer.latitude), float(producer.longitude)) == (-6.1, 106.2)


def test_a_kecamatan_officer_gets_the_delivery_template_but_not_the_import(officer_a_client):
    ProductFactory()
    assert (
        officer_a_client.get(reverse("officials:import_template", args=["penyaluran", "xlsx"])).status_code
        == 200
    )

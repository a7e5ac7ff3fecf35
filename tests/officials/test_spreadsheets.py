"""Spreadsheet exports (registry, products, producers, assistance ledger) and the producer and product
imports: preview, all-or-nothing import, round trips, bad rows and files, who may do what."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assistance.models import Delivery, Programme
from core.spreadsheets import XLSX_TYPE, national_phone
from officials.models import HeldUpload
from products.models import NIB_HELD_ELSEWHERE, Category, Designation, Producer, Product
from products.resources import ProducerResource, ProductResource
from tests.factories import (
    BUMIJAYA,
    KRAMATWATU_VILLAGE,
    LegalityDocumentFactory,
    ProducerFactory,
    ProductFactory,
    UserFactory,
)
from villages.models import District, Regency, Village

pytestmark = pytest.mark.django_db

CITEREP = "36.04.09.2002"  # another village of Ciruas
PRODUCER_HEADERS = ProducerResource().get_export_headers()
PRODUCT_HEADERS = ProductResource().get_export_headers()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)


def village(code: str) -> Village:
    return Village.objects.get(code=code)


def content(response) -> bytes:
    return response.getvalue()


def xlsx_rows(data: bytes, sheet: int = 0) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [list(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def csv_bytes(rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter).writerows(rows)
    return output.getvalue().encode(encoding)


def export(client, what: str, fmt: str, **params):
    return client.get(reverse("officials:export", args=[what, fmt]), params)


def upload(client, kind: str, data: bytes, name: str = "data.xlsx"):
    """Upload a file; returns the response of the upload (a redirect to the preview when accepted)."""
    return client.post(reverse("officials:import"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def preview(client, kind: str, data: bytes, name: str = "data.xlsx"):
    """Upload and follow to the preview; returns (preview response, reference)."""
    response = upload(client, kind, data, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    ref = response.url.split("ref=")[1]
    return client.get(response.url), ref


def confirm(client, ref: str):
    return client.post(reverse("officials:import_preview"), {"ref": ref})


def producer_row(**values) -> list:
    row = {
        "Kode desa": BUMIJAYA,
        "Nama usaha": "Gerabah Sari",
        "Pemilik/ketua": "Ibu Sari",
        "Bentuk usaha": "Kelompok usaha",
        "WhatsApp": "0812-3456-7890",
        "Setuju kontak dipublikasikan": "ya",
        "NIB": "",
        "Jumlah pekerja": 5,
        "Tahun mulai usaha": 2015,
    } | values
    return [row.get(header, "") for header in PRODUCER_HEADERS]


def producers_file(*rows: list) -> bytes:
    return xlsx_bytes([PRODUCER_HEADERS, *rows])


# --- the round trip of the "done when" ----------------------------------------------------------


def test_dinas_corrects_two_producers_in_the_exported_excel_file_and_imports_them_back(dinas_client):
    sari = ProducerFactory(business_name="Gerabah Sari", nib="1234567890123", workers=3)
    ProducerFactory(business_name="Batik Ciruas", village=village(CITEREP), workers=7)
    ProducerFactory(business_name="Golok Kramatwatu", village=village(KRAMATWATU_VILLAGE))
    ProducerFactory(business_name="Emping Melinjo", latitude="-6.123456", longitude="106.123456")
    response = export(dinas_client, "produsen", "xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    sheet = workbook.active
    headers = [cell.value for cell in sheet[1]]
    assert headers == PRODUCER_HEADERS
    names = {
        sheet.cell(row, headers.index("Nama usaha") + 1).value: row for row in range(2, sheet.max_row + 1)
    }
    sheet.cell(names["Gerabah Sari"], headers.index("WhatsApp") + 1).value = "0857 1111 2222"
    sheet.cell(names["Batik Ciruas"], headers.index("Jumlah pekerja") + 1).value = 12
    corrected = io.BytesIO()
    workbook.save(corrected)

    page, ref = preview(dinas_client, "produsen", corrected.getvalue(), "produsen.xlsx")

    assert page.status_code == 200
    report = page.context["report"]
    assert report.counts == {"new": 0, "update": 2, "skip": 2, "refused": 0}
    changes = {row.label: row.changes for row in report.rows if row.status == "update"}
    assert changes == {
        "Gerabah Sari": [("WhatsApp", sari.whatsapp, "+6285711112222")],
        "Batik Ciruas": [("Jumlah pekerja", 7, 12)],
    }
    assert "Impor sekarang" in page.content.decode()
    assert Producer.objects.get(business_name="Batik Ciruas").workers == 7  # the preview wrote nothing

    done = confirm(dinas_client, ref)

    assert done.status_code == 302 and done.url == reverse("products:producer_list")
    assert Producer.objects.get(business_name="Gerabah Sari").whatsapp == "+6285711112222"
    assert Producer.objects.get(business_name="Batik Ciruas").workers == 12
    assert Producer.objects.count() == 4
    message = str(list(dinas_client.get(done.url).context["messages"])[0])
    assert "0 baru, 2 diperbarui, 2 tidak berubah" in message

    again, _ref = preview(dinas_client, "produsen", corrected.getvalue(), "produsen.xlsx")
    assert again.context["report"].counts == {"new": 0, "update": 0, "skip": 4, "refused": 0}
    assert "Impor sekarang" not in again.content.decode()
    assert confirm(dinas_client, _ref).status_code == 302
    assert Producer.objects.count() == 4


# --- exports ------------------------------------------------------------------------------------------


@pytest.fixture
def registry(officer_a, dinas):
    """Bumijaya: flagship Gerabah (4 stars, a valid SPP-IRT) made by Sari (NIB) and Batik Group; Citerep:
    a draft product; Kramatwatu: a product and producer of kecamatan B; deliveries in 2025 and 2026."""
    from products import services

    sari = ProducerFactory(business_name="Gerabah Sari", nib="1234567890123")
    group = ProducerFactory(business_name="Batik Group")
    ProducerFactory(business_name="Golok Kramatwatu", village=village(KRAMATWATU_VILLAGE))
    gerabah = ProductFactory(name="Gerabah Bumijaya", price_min=25000, price_max=150000)
    gerabah.producers.add(sari, group)
    ProductFactory(name="Keripik Citerep", village=village(CITEREP), status=Product.Status.DRAFT)
    ProductFactory(
        name="Golok Sulangkar",
        village=village(KRAMATWATU_VILLAGE),
        category=Category.objects.get(slug="makanan-olahan"),
    )
    LegalityDocumentFactory(product=gerabah, expires_on=datetime.date.today() + datetime.timedelta(days=400))
    from products.models import AssessmentCriterion

    criteria = list(AssessmentCriterion.objects.filter(is_active=True))
    points = {c.pk: c.max_points * 8 // 10 for c in criteria}
    services.assessment_record(
        product=gerabah, assessor=dinas, assessed_on=datetime.date.today(), points=points
    )
    proposal = services.designation_propose(product=gerabah, proposed_by=officer_a, year=2025)
    services.designation_approve(
        designation=proposal,
        decided_by=dinas,
        decree_number="SK-1",
        decree_date=datetime.date(2025, 3, 2),
        expected_current_id=None,
    )
    packaging = Programme.objects.create(
        name="Kemasan 2026",
        kind="kemasan",
        fiscal_year=2026,
        budget=50_000_000,
        funding_source="apbd_kab",
        agency="Disperindagkop",
    )
    capital = Programme.objects.create(
        name="Modal 2025",
        kind="permodalan",
        fiscal_year=2025,
        budget=50_000_000,
        funding_source="dana_desa",
        agency="DPMD",
    )
    Delivery.objects.create(
        programme=packaging,
        village=village(BUMIJAYA),
        product=gerabah,
        producer=sari,
        delivered_on=datetime.date(2026, 2, 1),
        value=10_000_000,
        description="Kotak kemasan",
        officer=dinas,
    )
    Delivery.objects.create(
        programme=capital,
        village=village(KRAMATWATU_VILLAGE),
        delivered_on=datetime.date(2025, 5, 1),
        value=20_000_000,
        description='=HYPERLINK("http://x")',
        officer=dinas,
    )
    return gerabah


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_producers_export_has_the_import_template_columns_and_every_producer(dinas_client, registry, fmt):
    response = export(dinas_client, "produsen", fmt)

    assert response.status_code == 200
    rows = csv_rows(content(response)) if fmt == "csv" else xlsx_rows(content(response))
    assert rows[0] == PRODUCER_HEADERS
    by_name = {row[PRODUCER_HEADERS.index("Nama usaha")]: row for row in rows[1:]}
    assert sorted(by_name) == ["Batik Group", "Gerabah Sari", "Golok Kramatwatu"]
    sari = dict(zip(PRODUCER_HEADERS, by_name["Gerabah Sari"], strict=True))
    assert sari["Kode desa"] == BUMIJAYA
    assert sari["Desa/Kelurahan"] == "Bumijaya"
    assert sari["Kecamatan"] == "Ciruas"
    assert sari["NIB"] == "1234567890123"
    assert sari["Bentuk usaha"] == "Perorangan"
    whatsapp = Producer.objects.get(nib="1234567890123").whatsapp
    # The CSV writes the national form (nothing a spreadsheet would evaluate, so no apostrophe), the
    # XLSX the stored +62… in a text cell.
    assert sari["WhatsApp"] == (national_phone(whatsapp) if fmt == "csv" else whatsapp)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_products_export_lists_the_producers_by_nib_or_name(dinas_client, registry, fmt):
    response = export(dinas_client, "produk", fmt)

    rows = csv_rows(content(response)) if fmt == "csv" else xlsx_rows(content(response))
    assert rows[0] == PRODUCT_HEADERS
    gerabah = dict(zip(PRODUCT_HEADERS, next(r for r in rows if r[3] == "Gerabah Bumijaya"), strict=True))
    # Names in "Produsen", the NIBs of those who have one beside them.
    assert gerabah["Produsen"] == "Batik Group; Gerabah Sari"
    assert gerabah["NIB produsen"] == "1234567890123"
    assert gerabah["Kategori"] == "Kerajinan, dekorasi & suvenir"
    assert gerabah["Status"] == "Terbit"
    assert str(gerabah["Harga terendah (Rp)"]) == "25000"
    assert [r[3] for r in rows[1:]] == ["Gerabah Bumijaya", "Golok Sulangkar", "Keripik Citerep"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_village_registry_export_shows_status_flagship_stars_counts_and_legality(dinas_client, registry, fmt):
    response = export(dinas_client, "registri", fmt)

    rows = csv_rows(content(response)) if fmt == "csv" else xlsx_rows(content(response))
    headers = rows[0]
    assert headers == [
        "Kode desa",
        "Desa/Kelurahan",
        "Jenis",
        "Kecamatan",
        "Status OVOP",
        "Produk unggulan",
        "Tahun penetapan",
        "Nomor SK penetapan",
        "Tanggal SK penetapan",
        "Bintang",
        "Jumlah produk",
        "Jumlah produsen",
        "Legalitas produk unggulan",
    ]
    assert len(rows) - 1 == Village.objects.filter(district__regency_id="36.04").count()
    by_code = {row[0]: [str(value) if value is not None else "" for value in row] for row in rows[1:]}
    assert by_code[BUMIJAYA][1:] == [
        "Bumijaya",
        "Desa",
        "Ciruas",
        "Ditetapkan",
        "Gerabah Bumijaya",
        "2025",
        "SK-1",
        "2025-03-02" if fmt == "csv" else "2025-03-02 00:00:00",
        "4",
        "1",
        "2",
        "Berlaku",
    ]
    assert by_code[CITEREP][3:5] == ["Ciruas", "Ada produk"]
    assert by_code[CITEREP][5:] == ["", "", "", "", "", "1", "0", ""]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_assistance_ledger_export_lists_each_delivery_with_its_programme(dinas_client, registry, fmt):
    response = export(dinas_client, "bantuan", fmt)

    rows = csv_rows(content(response)) if fmt == "csv" else xlsx_rows(content(response))
    assert rows[0] == [
        "Program",
        "Jenis bantuan",
        "Tahun anggaran",
        "Sumber dana",
        "Pelaksana",
        "Kode desa",
        "Desa/Kelurahan",
        "Kecamatan",
        "Produk",
        "Produsen",
        "Tanggal",
        "Uraian",
        "Nilai (Rp)",
        "Status",
    ]
    first = [str(value) if value is not None else "" for value in rows[1]]
    tanggal = "2026-02-01" if fmt == "csv" else "2026-02-01 00:00:00"
    assert first == [
        "Kemasan 2026",
        "Kemasan",
        "2026",
        "APBD kabupaten",
        "Disperindagkop",
        BUMIJAYA,
        "Bumijaya",
        "Ciruas",
        "Gerabah Bumijaya",
        "Gerabah Sari",
        tanggal,
        "Kotak kemasan",
        "10000000",
        "Tersalurkan",
    ]
    assert rows[2][0] == "Modal 2025"


def test_exports_apply_the_filters_of_the_list_on_screen(dinas_client, registry):
    def names(what, column, **params):
        rows = csv_rows(content(export(dinas_client, what, "csv", **params)))
        return sorted(row[rows[0].index(column)] for row in rows[1:])

    assert names("produsen", "Nama usaha", q="gerabah") == ["Gerabah Sari"]
    assert names("produsen", "Nama usaha", district="36.04.05") == ["Golok Kramatwatu"]
    assert names("produk", "Nama produk", status="draft") == ["Keripik Citerep"]
    assert names("produk", "Nama produk", category=Category.objects.get(slug="makanan-olahan").pk) == [
        "Golok Sulangkar"
    ]
    assert names("registri", "Desa/Kelurahan", status="designated") == ["Bumijaya"]
    assert names("registri", "Desa/Kelurahan", status="has_products", district="36.04.09") == ["Citerep"]
    assert names("bantuan", "Program", fiscal_year=2025) == ["Modal 2025"]
    assert names("bantuan", "Program", kind="kemasan", page=3) == ["Kemasan 2026"]


def test_an_officer_exports_only_their_own_kecamatan(officer_a_client, registry):
    def rows(what):
        return csv_rows(content(export(officer_a_client, what, "csv")))[1:]

    assert sorted(row[3] for row in rows("produsen")) == ["Batik Group", "Gerabah Sari"]
    assert sorted(row[3] for row in rows("produk")) == ["Gerabah Bumijaya", "Keripik Citerep"]
    assert {row[3] for row in rows("registri")} == {"Ciruas"}
    assert len(rows("registri")) == Village.objects.filter(district_id="36.04.09").count()
    assert [row[0] for row in rows("bantuan")] == ["Kemasan 2026"]


def test_an_officer_filtering_on_another_kecamatan_gets_nothing_of_it(officer_a_client, registry):
    rows = csv_rows(content(export(officer_a_client, "produsen", "csv", district="36.04.05")))
    assert "Golok Kramatwatu" not in {row[3] for row in rows}


@pytest.mark.parametrize(
    ("what", "fmt", "name", "content_type"),
    [
        ("registri", "xlsx", "registri-desa-36.04", XLSX_TYPE),
        ("registri", "csv", "registri-desa-36.04", "text/csv; charset=utf-8"),
        ("produk", "csv", "produk-36.04", "text/csv; charset=utf-8"),
        ("produsen", "xlsx", "produsen-36.04", XLSX_TYPE),
        ("bantuan", "xlsx", "penyaluran-bantuan-36.04", XLSX_TYPE),
    ],
)
def test_export_files_are_named_by_area_and_date_with_the_right_content_type(
    dinas_client, what, fmt, name, content_type
):
    response = export(dinas_client, what, fmt)

    assert response["Content-Type"] == content_type
    today = datetime.date.today().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="{name}-{today}.{fmt}"'


def test_an_officers_export_file_is_named_after_their_kecamatan(officer_a_client):
    response = export(officer_a_client, "registri", "xlsx")
    assert (
        f"registri-desa-36.04.09-{datetime.date.today().isoformat()}.xlsx" in response["Content-Disposition"]
    )


def test_an_unknown_export_or_format_is_not_found(dinas_client):
    assert export(dinas_client, "pengguna", "csv").status_code == 404
    assert export(dinas_client, "produsen", "pdf").status_code == 404


def test_exported_text_that_a_spreadsheet_would_evaluate_stays_text(dinas_client, registry):
    ProducerFactory(business_name="=1+1", owner_name="@SUM(A1)", address="-2+3")

    csv_data = csv_rows(content(export(dinas_client, "produsen", "csv")))
    row = next(r for r in csv_data if r[3].endswith("=1+1"))
    assert row[3:5] == ["'=1+1", "'@SUM(A1)"]
    assert row[6] == "'-2+3"
    ledger = csv_rows(content(export(dinas_client, "bantuan", "csv")))
    assert ledger[2][11] == '\'=HYPERLINK("http://x")'

    workbook = openpyxl.load_workbook(io.BytesIO(content(export(dinas_client, "bantuan", "xlsx"))))
    cell = workbook.active.cell(3, 12)
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")


def rows_of_everything(n: int, dinas) -> None:
    """n villages of Ciruas, each with a flagship product made by two producers, a legality document
    and a delivery."""
    from django.utils import timezone

    programme = Programme.objects.create(
        name="Pemasaran",
        kind="pemasaran",
        fiscal_year=2026,
        budget=10**12,
        funding_source="apbn",
        agency="Dinas",
    )
    for i, place in enumerate(Village.objects.filter(district_id="36.04.09").order_by("code")[:n]):
        producers = [ProducerFactory(village=place), ProducerFactory(village=place, nib=f"{i:013d}")]
        product = ProductFactory(village=place)
        product.producers.add(*producers)
        LegalityDocumentFactory(product=product)
        Designation.objects.create(
            village=place,
            product=product,
            status="approved",
            year=2025,
            decree_number="SK",
            decree_date=datetime.date(2025, 1, 2),
            decided_at=timezone.now(),
        )
        Delivery.objects.create(
            programme=programme,
            village=place,
            product=product,
            producer=producers[0],
            officer=dinas,
            delivered_on=datetime.date(2026, 1, 5),
            value=1_000_000,
            description="Pameran",
        )


# Every export: the session, the user and the user's groups (their scope), the count of its rows (which
# decides whether it runs in the background: officials.spreadsheets.background_export_rows), then:
EXPORT_QUERIES = {
    "registri": 1,  # the villages with status, flagship, stars, counts and legality (subqueries)
    # the products with village, kecamatan and category; their producers (per 500 products); the names
    # of the market areas of every product of the area (once)
    "produk": 3,
    "produsen": 1,  # the producers with village and kecamatan
    "bantuan": 1,  # the deliveries with programme, village, kecamatan, product and producer
}


@pytest.mark.parametrize("n", [3, 10])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("what", list(EXPORT_QUERIES))
def test_an_exports_number_of_queries_does_not_grow_with_its_rows(
    dinas, dinas_client, django_assert_num_queries, what, fmt, n
):
    rows_of_everything(n, dinas)

    with django_assert_num_queries(4 + EXPORT_QUERIES[what]):
        data = content(export(dinas_client, what, fmt))

    rows = csv_rows(data) if fmt == "csv" else xlsx_rows(data)
    expected = {"registri": Village.objects.in_service_area().count(), "produsen": 2 * n}.get(what, n)
    assert len(rows) - 1 == expected


# --- imports: matching and round trips ----------------------------------------------------------------


def test_a_producer_import_adds_new_producers_and_finds_existing_ones_by_nib_or_by_name_and_village(
    dinas_client,
):
    by_name = ProducerFactory(business_name="Gerabah Sari", workers=2)
    by_nib = ProducerFactory(business_name="Nama Lama", nib="1111111111111", village=village(CITEREP))
    data = producers_file(
        producer_row(**{"Nama usaha": "  gerabah SARI ", "Jumlah pekerja": 4}),
        producer_row(**{"Nama usaha": "Nama Baru", "NIB": "1111 1111 11111", "Kode desa": CITEREP}),
        producer_row(**{"Nama usaha": "Anyaman Rotan", "NIB": "2222222222222", "WhatsApp": "6281298765432"}),
    )

    page, ref = preview(dinas_client, "produsen", data)

    assert page.context["report"].counts == {"new": 1, "update": 2, "skip": 0, "refused": 0}
    assert Producer.objects.count() == 2
    assert confirm(dinas_client, ref).status_code == 302
    by_name.refresh_from_db()
    by_nib.refresh_from_db()
    assert (by_name.business_name, by_name.workers, by_name.whatsapp) == ("gerabah SARI", 4, "+6281234567890")
    assert (by_nib.business_name, by_nib.kind) == ("Nama Baru", Producer.Kind.KELOMPOK)
    added = Producer.objects.get(nib="2222222222222")
    assert (added.village_id, added.whatsapp, added.contact_consent, added.year_started) == (
        BUMIJAYA,
        "+6281298765432",
        True,
        2015,
    )


def test_a_nib_nobody_holds_is_given_to_the_producer_of_that_name_who_has_none(dinas_client):
    sari = ProducerFactory(business_name="Gerabah Sari")

    page, ref = preview(dinas_client, "produsen", producers_file(producer_row(NIB="3333333333333")))

    assert page.context["report"].counts["update"] == 1
    confirm(dinas_client, ref)
    sari.refresh_from_db()
    assert sari.nib == "3333333333333"
    assert Producer.objects.count() == 1


def test_a_csv_export_of_producers_imports_back_unchanged(dinas_client, registry):
    data = content(export(dinas_client, "produsen", "csv"))

    page, _ref = preview(dinas_client, "produsen", data, "produsen.csv")

    assert page.context["report"].counts == {"new": 0, "update": 0, "skip": 3, "refused": 0}


def test_products_exported_to_excel_come_back_with_a_new_product_and_a_change(dinas_client, registry):
    workbook = openpyxl.load_workbook(io.BytesIO(content(export(dinas_client, "produk", "xlsx"))))
    sheet = workbook.active
    column = {cell.value: cell.column for cell in sheet[1]}
    keripik = next(
        row
        for row in range(2, sheet.max_row + 1)
        if sheet.cell(row, column["Nama produk"]).value == "Keripik Citerep"
    )
    sheet.cell(keripik, column["Kategori"]).value = "makanan-olahan"
    sheet.cell(keripik, column["Produsen"]).value = "Gerabah Sari"
    new = {
        "Kode desa": BUMIJAYA,
        "Nama produk": "Tas Anyaman",
        "Kategori": "Fesyen & tekstil",
        "Status": "terbit",
        "Harga terendah (Rp)": "Rp 75.000",
        "Harga tertinggi (Rp)": 150000,
        "Jangkauan pasar": "Nasional",
        "Produsen": "1234567890123; batik group",
    }
    sheet.append([new.get(header) for header in column])
    output = io.BytesIO()
    workbook.save(output)

    page, ref = preview(dinas_client, "produk", output.getvalue())

    report = page.context["report"]
    assert report.counts == {"new": 1, "update": 1, "skip": 2, "refused": 0}
    changes = next(row.changes for row in report.rows if row.status == "update")
    assert [change[0] for change in changes] == ["Kategori", "Produsen"]
    assert changes[1][1:] == ("", "Gerabah Sari")
    assert confirm(dinas_client, ref).url == reverse("products:product_list")
    bag = Product.objects.get(name="Tas Anyaman")
    assert (bag.status, bag.price_min, bag.price_max, bag.market_reach) == (
        "published",
        75000,
        150000,
        "nasional",
    )
    assert sorted(bag.producers.values_list("business_name", flat=True)) == ["Batik Group", "Gerabah Sari"]
    assert bag.slug and "batik group" in bag.search_text
    keripik = Product.objects.get(name="Keripik Citerep")
    assert keripik.category.slug == "makanan-olahan"
    assert list(keripik.producers.values_list("nib", flat=True)) == ["1234567890123"]


def test_a_semicolon_separated_windows_csv_imports(dinas_client):
    data = csv_bytes([PRODUCER_HEADERS, producer_row(**{"Nama usaha": "Café Désa"})], ";", "cp1252")

    page, ref = preview(dinas_client, "produsen", data, "produsen.csv")

    assert page.context["report"].counts["new"] == 1
    confirm(dinas_client, ref)
    assert Producer.objects.get().business_name == "Café Désa"


# --- imports: bad rows ----------------------------------------------------------------------------------


def refusals(page) -> list[tuple[int, str, str]]:
    return page.context["report"].errors


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"Kode desa": "36.04.09.9999"}, "Kode desa", "Kode desa “36.04.09.9999” tidak dikenal"),
        ({"Kode desa": ""}, "Kode desa", "Wajib diisi."),
        ({"NIB": "12345"}, "NIB", "NIB terdiri dari 13 angka."),
        ({"WhatsApp": "021-555-1234"}, "WhatsApp", "Nomor WhatsApp tidak valid."),
        ({"Pemilik/ketua": "  "}, "Pemilik/ketua", "Wajib diisi."),
        ({"Jumlah pekerja": "lima"}, "Jumlah pekerja", "Tulis bilangan bulat, misalnya 12."),
        ({"Jumlah pekerja": "2,5"}, "Jumlah pekerja", "Tulis bilangan bulat, misalnya 12."),
        ({"Jumlah pekerja": -3}, "Jumlah pekerja", "Tidak boleh negatif."),
        ({"Alamat": '=HYPERLINK("http://x","klik")'}, "Alamat", "Sel ini berisi rumus (formula)."),
        ({"Nama usaha": "+cmd|' /C calc'!A0"}, "Nama usaha", "Sel ini berisi rumus (formula)."),
        ({"Nama usaha": "x" * 151}, "Nama usaha", "150"),
        ({"Bentuk usaha": "Firma"}, "Bentuk usaha", "“Firma” tidak dikenal. Pilih salah satu: Perorangan"),
        (
            {"Setuju kontak dipublikasikan": "mungkin"},
            "Setuju kontak dipublikasikan",
            "Tulis “ya” atau “tidak”.",
        ),
        ({"Tahun mulai usaha": 2999}, "Tahun mulai usaha", "Tahun mulai usaha tidak boleh di masa depan."),
        ({"Lintang": "-6,12"}, "", "Isi lintang dan bujur bersama-sama"),
        ({"Lintang": "utara"}, "Lintang", "Tulis angka desimal"),
        ({"Nama usaha": "CONTOH Gerabah"}, "Nama usaha", "Ini baris contoh dari templat; hapus baris ini."),
    ],
)
def test_a_bad_producer_row_is_refused_with_its_row_column_and_reason_and_nothing_is_written(
    dinas_client, cells, column, reason
):
    data = producers_file(
        producer_row(**{"Nama usaha": "Baik", "NIB": "4444444444444"}), producer_row(**cells)
    )

    page, ref = preview(dinas_client, "produsen", data)

    assert page.context["report"].counts["refused"] == 1
    [(row, refused_column, message)] = refusals(page)
    assert (row, refused_column) == (3, column)
    assert reason in message
    html = page.content.decode()
    assert "Impor sekarang" not in html and "Baris yang ditolak" in html
    response = confirm(dinas_client, ref)
    assert response.status_code == 400
    assert "Tidak ada yang disimpan" in response.content.decode()
    assert not Producer.objects.exists()


def test_every_bad_cell_of_a_row_is_listed(dinas_client):
    data = producers_file(producer_row(**{"NIB": "12", "WhatsApp": "12", "Jumlah pekerja": "x"}))

    page, _ref = preview(dinas_client, "produsen", data)

    assert sorted(column for _row, column, _m in refusals(page)) == ["Jumlah pekerja", "NIB", "WhatsApp"]


def test_a_formula_cell_of_an_excel_file_is_refused(dinas_client):
    workbook = openpyxl.Workbook()
    workbook.active.append(PRODUCER_HEADERS)
    workbook.active.append(producer_row())
    workbook.active.cell(2, PRODUCER_HEADERS.index("Jumlah pekerja") + 1).value = "=2+3"
    output = io.BytesIO()
    workbook.save(output)

    page, _ref = preview(dinas_client, "produsen", output.getvalue())

    assert refusals(page) == [
        (2, "Jumlah pekerja", "Sel ini berisi rumus (formula). Tulis nilainya saja, bukan rumus.")
    ]


@pytest.mark.parametrize(
    ("first", "second", "column"),
    [
        ({"NIB": "5555555555555"}, {"NIB": "5555 5555 55555", "Nama usaha": "Lain"}, "NIB"),
        ({"Nama usaha": "Gerabah Sari"}, {"Nama usaha": " gerabah  sari"}, "Nama usaha"),
    ],
)
def test_a_row_repeating_an_earlier_row_of_the_file_is_refused(dinas_client, first, second, column):
    data = producers_file(
        producer_row(**first), producer_row(**{"Nama usaha": "Tengah"}), producer_row(**second)
    )

    page, _ref = preview(dinas_client, "produsen", data)

    [(row, refused_column, message)] = refusals(page)
    assert (row, refused_column) == (4, column)
    assert message.startswith("Baris ini mengulang baris 2")


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"Kategori": "Elektronik"}, "Kategori", "Kategori “Elektronik” tidak dikenal"),
        ({"Kategori": ""}, "Kategori", "Wajib diisi."),
        ({"Produsen": "Tidak Ada"}, "Produsen", "Produsen “Tidak Ada” tidak ditemukan di wilayah Anda"),
        ({"Harga terendah (Rp)": "Rp 5.000,50"}, "Harga terendah (Rp)", "Tulis rupiah tanpa sen"),
        (
            {"Harga terendah (Rp)": 9000, "Harga tertinggi (Rp)": 8000},
            "Harga tertinggi (Rp)",
            "tidak boleh lebih rendah",
        ),
        ({"Status": "arsip"}, "Status", "“arsip” tidak dikenal"),
        ({"Nama produk": ""}, "Nama produk", "Wajib diisi."),
    ],
)
def test_a_bad_product_row_is_refused_with_its_row_column_and_reason(dinas_client, cells, column, reason):
    ProducerFactory(business_name="Gerabah Sari")
    row = {
        "Kode desa": BUMIJAYA,
        "Nama produk": "Gerabah",
        "Kategori": "kerajinan",
        "Produsen": "Gerabah Sari",
    }
    data = xlsx_bytes([PRODUCT_HEADERS, [(row | cells).get(header) for header in PRODUCT_HEADERS]])

    page, ref = preview(dinas_client, "produk", data)

    [(number, refused_column, message)] = refusals(page)
    assert (number, refused_column) == (2, column)
    assert reason in message
    assert confirm(dinas_client, ref).status_code == 400
    assert not Product.objects.exists()


def test_an_officer_cannot_import_into_a_village_of_another_kecamatan(officer_a_client):
    data = producers_file(
        producer_row(), producer_row(**{"Kode desa": KRAMATWATU_VILLAGE, "Nama usaha": "Golok"})
    )

    page, ref = preview(officer_a_client, "produsen", data)

    [(row, column, message)] = refusals(page)
    assert (row, column) == (3, "Kode desa")
    where = "berada di Kecamatan Kramatwatu, di luar wilayah tugas Anda."
    assert message == f"Desa Kramatwatu ({KRAMATWATU_VILLAGE}) {where}"
    assert confirm(officer_a_client, ref).status_code == 400
    assert not Producer.objects.exists()


def test_an_officer_cannot_change_another_kecamatans_producer_through_its_nib(officer_a_client):
    golok = ProducerFactory(business_name="Golok", nib="6666666666666", village=village(KRAMATWATU_VILLAGE))

    page, _ref = preview(officer_a_client, "produsen", producers_file(producer_row(NIB="6666666666666")))

    assert refusals(page) == [(2, "NIB", str(NIB_HELD_ELSEWHERE))]
    golok.refresh_from_db()
    assert golok.village_id == KRAMATWATU_VILLAGE


def test_an_officer_cannot_link_another_kecamatans_producer_to_a_product(officer_a_client):
    ProducerFactory(business_name="Golok", nib="6666666666666", village=village(KRAMATWATU_VILLAGE))
    row = {
        "Kode desa": BUMIJAYA,
        "Nama produk": "Golok",
        "Kategori": "kerajinan",
        "Produsen": "6666666666666",
    }
    data = xlsx_bytes([PRODUCT_HEADERS, [row.get(header) for header in PRODUCT_HEADERS]])

    page, _ref = preview(officer_a_client, "produk", data)

    assert [column for _row, column, _message in refusals(page)] == ["Produsen"]


def test_the_dinas_cannot_import_a_village_outside_the_served_regency(dinas_client):
    regency = Regency.objects.create(
        code="36.01", province_id="36", name="Kabupaten Pandeglang", kind="kabupaten"
    )
    district = District.objects.create(code="36.01.01", regency=regency, name="Sumur")
    Village.objects.create(code="36.01.01.2001", district=district, name="Ujungjaya", kind="desa")

    page, _ref = preview(
        dinas_client, "produsen", producers_file(producer_row(**{"Kode desa": "36.01.01.2001"}))
    )

    [(_row, column, message)] = refusals(page)
    assert column == "Kode desa"
    assert "di luar kabupaten yang dilayani portal ini" in message


def test_the_import_checks_again_when_confirmed_and_writes_nothing_if_the_data_changed(officer_a_client):
    data = producers_file(producer_row(), producer_row(**{"Nama usaha": "Rotan", "NIB": "7777777777777"}))
    page, ref = preview(officer_a_client, "produsen", data)
    assert page.context["report"].ok
    ProducerFactory(
        business_name="Rotan Kramatwatu", nib="7777777777777", village=village(KRAMATWATU_VILLAGE)
    )

    response = confirm(officer_a_client, ref)

    assert response.status_code == 400
    assert refusals(response) == [(3, "NIB", str(NIB_HELD_ELSEWHERE))]
    assert Producer.objects.count() == 1


# --- imports: bad files ---------------------------------------------------------------------------------


def _without(*columns: str) -> bytes:
    headers = [h for h in PRODUCER_HEADERS if h not in columns]
    row = dict(zip(PRODUCER_HEADERS, producer_row(), strict=True))
    return xlsx_bytes([headers, [row[h] for h in headers]])


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("produsen.pdf", b"%PDF-1.4 ...", "Unggah berkas Excel (.xlsx) atau CSV (.csv)."),
        ("produsen.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Format .xls tidak didukung."),
        ("produsen.xlsx", b"Nama usaha,NIB\nA,1\n", "Berkas ini bukan berkas Excel .xlsx yang sah."),
        ("produsen.xlsx", b"PK\x03\x04 broken", "Berkas ini bukan berkas Excel .xlsx yang sah."),
        ("produsen.csv", xlsx_bytes([["a"]]), "Berkas ini bukan CSV."),
        ("produsen.csv", b"", "Berkas kosong."),
        ("produsen.csv", b"\n ,, \n", "Berkas kosong."),
        ("produsen.xlsx", xlsx_bytes([PRODUCER_HEADERS]), "Berkas tidak berisi baris data"),
        ("produsen.xlsx", _without("NIB", "Nama usaha"), "Kolom berikut tidak ada: “Nama usaha”, “NIB”."),
        ("produsen.csv", b"Kode desa;Kode desa\n1;2\n", "Kolom “Kode desa” muncul dua kali."),
        ("produsen.csv", b"x" * (5 * 1024 * 1024 + 1), "Berkas lebih besar dari 5 MB."),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_at_upload_with_a_reason(dinas_client, name, data, reason):
    response = upload(dinas_client, "produsen", data, name)

    assert response.status_code == 400
    assert reason in response.context["form"].errors["file"][0]
    assert not HeldUpload.objects.exists()


def test_a_file_of_more_than_5000_rows_is_refused(dinas_client):
    rows = [producer_row(**{"Nama usaha": f"Usaha {i}"}) for i in range(5001)]

    response = upload(dinas_client, "produsen", csv_bytes([PRODUCER_HEADERS, *rows]), "besar.csv")

    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [
        "Berkas berisi lebih dari 5.000 baris data. Bagi menjadi beberapa berkas."
    ]


def test_columns_match_whatever_their_case_and_unknown_columns_are_shown_as_ignored(dinas_client):
    headers = [header.upper() for header in PRODUCER_HEADERS] + ["Catatan"]
    data = xlsx_bytes([headers, [*producer_row(), "apa saja"]])

    page, _ref = preview(dinas_client, "produsen", data)

    assert page.context["report"].counts["new"] == 1
    assert page.context["report"].ignored_columns == ["Catatan"]


def test_rows_are_numbered_as_the_spreadsheet_shows_them_blank_rows_included(dinas_client):
    data = xlsx_bytes(
        [PRODUCER_HEADERS, producer_row(), [None] * 3, producer_row(**{"NIB": "1", "Nama usaha": "B"})]
    )

    page, _ref = preview(dinas_client, "produsen", data)

    assert [row for row, _column, _message in refusals(page)] == [4]


# --- imports: the stored upload, templates, permissions -----------------------------------------------


def test_the_confirm_step_refuses_a_reference_that_is_not_in_the_users_session(
    officer_a_client, officer_b_client
):
    _page, ref = preview(
        officer_b_client, "produsen", producers_file(producer_row(**{"Kode desa": KRAMATWATU_VILLAGE}))
    )

    for reference in (ref, "A" * 32, "../../../etc/passwd", ""):
        response = confirm(officer_a_client, reference)
        assert response.status_code == 302 and response.url == reverse("officials:import")
        assert (
            officer_a_client.get(reverse("officials:import_preview"), {"ref": reference}).status_code == 302
        )
    messages = [str(m) for m in officer_a_client.get(reverse("officials:import")).context["messages"]]
    assert messages[0].startswith("Unggahan ini tidak ditemukan atau sudah kedaluwarsa.")
    assert not Producer.objects.exists()
    assert confirm(officer_b_client, ref).status_code == 302
    assert Producer.objects.count() == 1


def test_an_imported_upload_cannot_be_imported_twice(dinas_client):
    _page, ref = preview(dinas_client, "produsen", producers_file(producer_row()))
    assert confirm(dinas_client, ref).url == reverse("products:producer_list")

    assert confirm(dinas_client, ref).url == reverse("officials:import")
    assert Producer.objects.count() == 1


@pytest.mark.parametrize("kind", ["produsen", "produk"])
def test_the_excel_template_has_the_export_columns_an_example_row_and_instructions(officer_a_client, kind):
    response = officer_a_client.get(reverse("officials:import_template", args=[kind, "xlsx"]))

    assert response["Content-Type"] == XLSX_TYPE
    data = content(response)
    rows = xlsx_rows(data)
    assert rows[0] == (PRODUCER_HEADERS if kind == "produsen" else PRODUCT_HEADERS)
    assert rows[1][0].startswith("36.04.09.") and rows[1][3].startswith("CONTOH")
    instructions = [row for row in xlsx_rows(data, sheet=1) if row and row[0]]
    assert instructions[0] == ["Kolom", "Wajib", "Keterangan"]
    allowed = " ".join(str(cell) for row in instructions for cell in row if cell)
    assert ("Kelompok usaha" if kind == "produsen" else "Kerajinan, dekorasi & suvenir") in allowed

    page, _ref = preview(officer_a_client, kind, data)
    assert [message for _row, _column, message in refusals(page)] == [
        "Ini baris contoh dari templat; hapus baris ini."
    ]


def test_the_csv_template_has_the_columns_and_an_example_row(dinas_client):
    rows = csv_rows(content(dinas_client.get(reverse("officials:import_template", args=["produk", "csv"]))))

    assert rows[0] == PRODUCT_HEADERS
    assert rows[1][3].startswith("CONTOH")


def test_the_upload_page_links_the_templates_and_the_lists_link_their_exports(officer_a_client):
    html = officer_a_client.get(reverse("officials:import")).content.decode()
    assert reverse("officials:import_template", args=["produk", "xlsx"]) in html
    assert "<h1" in html and 'for="id_file"' in html

    listing = officer_a_client.get(reverse("products:producer_list"), {"q": "sari", "kind": "kelompok"})
    assert (
        f"{reverse('officials:export', args=['produsen', 'xlsx'])}?q=sari&amp;kind=kelompok"
        in listing.content.decode()
    )
    assert 'href="/petugas/impor/"' in listing.content.decode()


ALL_URLS = [
    reverse("officials:import"),
    reverse("officials:import_preview") + "?ref=" + "A" * 32,
    reverse("officials:import_template", args=["produsen", "xlsx"]),
    *[reverse("officials:export", args=[what, fmt]) for what in EXPORT_QUERIES for fmt in ("csv", "xlsx")],
]


@pytest.mark.parametrize("url", ALL_URLS)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("url", ALL_URLS)
def test_a_signed_in_user_without_a_role_is_refused(client, url):
    client.force_login(UserFactory(username="warga"))

    assert client.get(url).status_code == 403


def test_a_user_without_a_role_cannot_upload(client):
    client.force_login(UserFactory(username="warga"))

    assert upload(client, "produsen", producers_file(producer_row())).status_code == 403
    assert not Producer.objects.exists()


@pytest.mark.parametrize(
    ("cell", "formula"),
    [
        ('=HYPERLINK("http://x")', True),
        ("+SUM(1,2)", True),
        ("@SUM(A1)", True),
        ("-2+3+cmd|' /C calc'!A0", True),
        ("+6281234567890", False),
        ("+62 (812) 3456-7890", False),
        ("-6.123456", False),
        ("- dijual segar (pagi hari)", False),
        ("'+6281234567890", False),  # the apostrophe a CSV export adds is taken off
    ],
)
def test_a_formula_is_told_apart_from_data_that_starts_with_a_sign(cell, formula):
    from core.sheet_cells import cell_text

    if formula:
        with pytest.raises(ValueError, match="rumus"):
            cell_text(cell)
    else:
        assert cell_text(cell) == cell.removeprefix("'")


def test_the_preview_sends_no_write_to_the_database(dinas_client):
    ProducerFactory(business_name="Gerabah Sari", workers=2)
    data = producers_file(producer_row(**{"Jumlah pekerja": 4}), producer_row(**{"Nama usaha": "Baru"}))
    response = upload(dinas_client, "produsen", data)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = dinas_client.get(response.url)

    assert page.context["report"].counts == {"new": 1, "update": 1, "skip": 0, "refused": 0}
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_two_rows_that_would_update_the_same_producer_are_refused(dinas_client):
    ProducerFactory(business_name="Gerabah Sari", nib="8888888888888")
    data = producers_file(
        producer_row(**{"Nama usaha": "Gerabah Sari Baru", "NIB": "8888888888888"}),
        producer_row(**{"Nama usaha": "Gerabah Sari"}),
    )

    page, _ref = preview(dinas_client, "produsen", data)

    assert refusals(page) == [(3, "Nama usaha", "Baris ini dan baris 2 menunjuk data yang sama.")]

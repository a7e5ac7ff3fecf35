"""Deliveries, mentoring visits and outcome figures imported from a spreadsheet: rows land, bad rows
are shown in Indonesian and nothing is written, another area's rows are refused, the template imports
as it is, and a big file goes to the worker."""

import datetime

import pytest
from django.urls import reverse

from assistance.models import Delivery, MentoringVisit, OutcomeRecord
from assistance.resources import DeliveryResource, OutcomeResource, VisitResource
from jobs.models import Job
from tests.factories import (
    BUMIJAYA,
    KRAMATWATU_VILLAGE,
    DeliveryFactory,
    MentoringVisitFactory,
    OutcomeRecordFactory,
    ProducerFactory,
    ProductFactory,
    ProgrammeFactory,
)
from tests.officials.test_spreadsheets import (
    confirm,
    content,
    preview,
    refusals,
    upload,
    village,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

RESOURCES = {"penyaluran": DeliveryResource, "kunjungan": VisitResource, "capaian": OutcomeResource}


def sheet(kind: str, *rows: dict) -> bytes:
    headers = RESOURCES[kind]().get_export_headers()
    return xlsx_bytes([headers, *[[row.get(header, "") for header in headers] for row in rows]])


def delivery_row(product, **cells) -> dict:
    return {
        "Program": "Redesain kemasan",
        "Kode desa": product.village_id,
        "Produk (slug atau ID)": product.slug,
        "Tanggal": "05/03/2026",
        "Nilai (Rp)": "Rp 2.500.000",
        "Uraian": "Desain label kemasan",
        "Status": "Tersalurkan",
    } | cells


def visit_row(product, **cells) -> dict:
    return {
        "Produk (slug atau ID)": product.slug,
        "Tanggal kunjungan": datetime.date(2026, 2, 10),
        "Temuan": "Label belum mencantumkan komposisi.",
        "Tindak lanjut": "Cetak label baru",
        "Batas waktu tindak lanjut": "2026-03-10",
    } | cells


def outcome_row(product, **cells) -> dict:
    return {
        "Produk (slug atau ID)": str(product.pk),
        "Tahun": 2025,
        "Triwulan": "IV",
        "Volume produksi": "1.200",
        "Satuan volume": "bungkus",
        "Omzet (Rp)": 18000000,
        "Tenaga kerja": 6,
        "Jumlah pasar/kota tujuan": 3,
    } | cells


# --- deliveries ----------------------------------------------------------------------------------------


def test_dinas_imports_deliveries_with_rupiah_and_dates_written_every_way(dinas, dinas_client):
    programme = ProgrammeFactory()
    product = ProductFactory(name="Emping Melinjo")
    data = sheet(
        "penyaluran",
        delivery_row(product),
        delivery_row(product, **{"Tanggal": "2026-03-06", "Nilai (Rp)": 1500000, "Uraian": "Mesin press"}),
        delivery_row(
            product,
            **{
                "Tanggal": datetime.date(2026, 3, 7),
                "Nilai (Rp)": "750000",
                "Uraian": "Plastik",
                "Status": "",
            },
        ),
    )

    page, ref = preview(dinas_client, "penyaluran", data)

    assert page.context["report"].counts["new"] == 3, refusals(page)
    assert confirm(dinas_client, ref).url == reverse("assistance:programme_list")
    first = Delivery.objects.get(description="Desain label kemasan")
    assert (first.programme, first.value, first.delivered_on, first.officer) == (
        programme,
        2_500_000,
        datetime.date(2026, 3, 5),
        dinas,
    )
    assert sorted(Delivery.objects.values_list("value", flat=True)) == [750_000, 1_500_000, 2_500_000]
    assert Delivery.objects.get(description="Plastik").status == "delivered"


def test_a_delivery_row_with_a_corrected_value_updates_the_recorded_delivery(dinas_client):
    product = ProductFactory()
    delivery = DeliveryFactory(product=product, delivered_on=datetime.date(2026, 3, 5), description="Kemasan")
    data = sheet("penyaluran", delivery_row(product, **{"Uraian": "kemasan", "Nilai (Rp)": "Rp 12.000.000"}))

    page, ref = preview(dinas_client, "penyaluran", data)

    assert page.context["report"].counts["update"] == 1
    confirm(dinas_client, ref)
    delivery.refresh_from_db()
    assert delivery.value == 12_000_000 and Delivery.objects.count() == 1


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"Program": "Tidak ada"}, "Program", "Program “Tidak ada” tidak dikenal"),
        ({"Nilai (Rp)": "dua juta"}, "Nilai (Rp)", ""),
        ({"Nilai (Rp)": "Rp 40.000.000"}, "Nilai (Rp)", "melebihi sisa pagu program Redesain kemasan"),
        ({"Tanggal": "2026/13/45"}, "Tanggal", "Tulis tanggal seperti 31/12/2024"),
        ({"Uraian": ""}, "Uraian", "Wajib diisi."),
        ({"Status": "Hilang"}, "Status", "“Hilang” tidak dikenal"),
        ({"Kode desa": "36.04.09.2002"}, "Produk (slug atau ID)", "Produk ini bukan produk desa/kelurahan"),
    ],
)
def test_a_bad_delivery_row_is_refused_and_nothing_is_written(dinas_client, cells, column, reason):
    ProgrammeFactory()
    product = ProductFactory()
    data = sheet("penyaluran", delivery_row(product, **{"Uraian": "Baik"}), delivery_row(product, **cells))

    page, ref = preview(dinas_client, "penyaluran", data)

    errors = refusals(page)
    assert [(row, refused_column) for row, refused_column, _m in errors] == [(3, column)], errors
    assert reason in errors[0][2]
    assert confirm(dinas_client, ref).status_code == 400
    assert not Delivery.objects.exists()


def test_rows_that_together_pass_the_budget_are_refused_at_the_first_row_beyond_it(dinas_client):
    ProgrammeFactory(budget=5_000_000)
    product = ProductFactory()
    data = sheet(
        "penyaluran",
        delivery_row(product, **{"Uraian": "Satu", "Nilai (Rp)": 3_000_000}),
        delivery_row(product, **{"Uraian": "Dua", "Nilai (Rp)": 3_000_000}),
    )

    page, ref = preview(dinas_client, "penyaluran", data)

    [(row, column, message)] = refusals(page)
    assert (row, column) == (3, "Nilai (Rp)") and "melebihi sisa pagu" in message
    assert confirm(dinas_client, ref).status_code == 400
    assert not Delivery.objects.exists()


def test_a_kecamatan_officer_may_not_import_deliveries(officer_a_client):
    ProgrammeFactory()
    response = upload(officer_a_client, "penyaluran", sheet("penyaluran", delivery_row(ProductFactory())))

    assert response.status_code == 400
    assert "Hanya petugas Dinas yang dapat mengimpor penyaluran bantuan." in response.content.decode()
    assert not Delivery.objects.exists()


def test_dinas_cannot_import_a_delivery_to_a_village_outside_the_regency(dinas_client):
    ProgrammeFactory()
    product = ProductFactory()
    data = sheet("penyaluran", delivery_row(product, **{"Kode desa": "32.01.01.2001"}))

    page, _ref = preview(dinas_client, "penyaluran", data)

    assert [column for _row, column, _m in refusals(page)][0] == "Kode desa"


# --- mentoring visits ----------------------------------------------------------------------------------


def test_an_officer_imports_visits_to_products_and_producers_as_their_own(officer_a, officer_a_client):
    product = ProductFactory()
    producer = ProducerFactory(nib="1234567890123")
    data = sheet(
        "kunjungan",
        visit_row(product),
        visit_row(
            product,
            **{
                "Produk (slug atau ID)": "",
                "Produsen (NIB atau ID)": "1234567890123",
                "Tindak lanjut": "",
                "Batas waktu tindak lanjut": "",
            },
        ),
    )

    page, ref = preview(officer_a_client, "kunjungan", data)

    assert page.context["report"].counts["new"] == 2, refusals(page)
    confirm(officer_a_client, ref)
    visit = MentoringVisit.objects.get(product=product)
    assert (visit.officer, visit.next_action, visit.next_action_due) == (
        officer_a,
        "Cetak label baru",
        datetime.date(2026, 3, 10),
    )
    assert MentoringVisit.objects.get(producer=producer).officer == officer_a


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"Batas waktu tindak lanjut": "2026-01-01"}, "Batas waktu tindak lanjut", "tidak boleh sebelum"),
        ({"Tindak lanjut": ""}, "Tindak lanjut", "Tuliskan tindak lanjut untuk batas waktu ini."),
        ({"Temuan": ""}, "Temuan", "Wajib diisi."),
        ({"Produk (slug atau ID)": ""}, "", "Pilih produk atau produsen yang dikunjungi."),
        ({"Produsen (NIB atau ID)": "99999"}, "Produsen (NIB atau ID)", "Produsen “99999” tidak dikenal"),
    ],
)
def test_a_bad_visit_row_is_refused_and_nothing_is_written(officer_a_client, cells, column, reason):
    product = ProductFactory()
    data = sheet(
        "kunjungan", visit_row(product, **{"Tanggal kunjungan": "01/02/2026"}), visit_row(product, **cells)
    )

    page, ref = preview(officer_a_client, "kunjungan", data)

    errors = refusals(page)
    assert [(row, refused_column) for row, refused_column, _m in errors] == [(3, column)], errors
    assert reason in errors[0][2]
    assert confirm(officer_a_client, ref).status_code == 400
    assert not MentoringVisit.objects.exists()


def test_an_officer_cannot_import_a_visit_to_another_kecamatans_product(officer_a_client):
    golok = ProductFactory(name="Golok", village=village(KRAMATWATU_VILLAGE))

    page, ref = preview(officer_a_client, "kunjungan", sheet("kunjungan", visit_row(golok)))

    [(row, column, message)] = refusals(page)
    assert (row, column) == (2, "Produk (slug atau ID)")
    assert message == f"Produk “{golok.slug}” berada di luar wilayah tugas Anda."
    assert confirm(officer_a_client, ref).status_code == 400
    assert not MentoringVisit.objects.exists()


def test_a_visit_row_matching_the_officers_own_visit_updates_it_and_leaves_others_visits_alone(
    officer_a, officer_a_client
):
    product = ProductFactory()
    own = MentoringVisitFactory(product=product, officer=officer_a, visited_on=datetime.date(2026, 2, 10))
    other = MentoringVisitFactory(product=product, visited_on=datetime.date(2026, 2, 10))

    page, ref = preview(officer_a_client, "kunjungan", sheet("kunjungan", visit_row(product)))

    assert page.context["report"].counts["update"] == 1
    confirm(officer_a_client, ref)
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.findings == "Label belum mencantumkan komposisi." and other.findings == "ok"


# --- outcome figures -----------------------------------------------------------------------------------


def test_an_officer_imports_quarterly_figures_recorded_in_their_name(officer_a, officer_a_client):
    product = ProductFactory()
    data = sheet(
        "capaian", outcome_row(product), outcome_row(product, **{"Triwulan": 3, "Omzet (Rp)": "Rp 9.000.000"})
    )

    page, ref = preview(officer_a_client, "capaian", data)

    assert page.context["report"].counts["new"] == 2, refusals(page)
    confirm(officer_a_client, ref)
    fourth = OutcomeRecord.objects.get(quarter=4)
    assert (fourth.production_volume, fourth.turnover, fourth.recorded_by) == (1200, 18_000_000, officer_a)
    assert OutcomeRecord.objects.get(quarter=3).turnover == 9_000_000


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"Triwulan": 5}, "Triwulan", "Triwulan 1 sampai 4"),
        ({"Tahun": 1990}, "Tahun", "2000"),
        ({"Volume produksi": ""}, "Volume produksi", "Wajib diisi."),
        ({"Omzet (Rp)": "Rp 5.000,50"}, "Omzet (Rp)", "Tulis rupiah tanpa sen"),
        ({"Tenaga kerja": -2}, "Tenaga kerja", "Tidak boleh negatif."),
        ({"Triwulan": "I"}, "", "Capaian triwulan ini sudah dicatat untuk produk ini."),
    ],
)
def test_a_bad_outcome_row_is_refused_and_nothing_is_written(officer_a_client, cells, column, reason):
    product = ProductFactory()
    OutcomeRecordFactory(product=product, year=2025, quarter=1)
    data = sheet("capaian", outcome_row(product), outcome_row(product, **{"Triwulan": 2} | cells))

    page, ref = preview(officer_a_client, "capaian", data)

    errors = refusals(page)
    assert [(row, refused_column) for row, refused_column, _m in errors] == [(3, column)], errors
    assert reason in errors[0][2]
    assert confirm(officer_a_client, ref).status_code == 400
    assert OutcomeRecord.objects.count() == 1


def test_the_same_quarter_twice_in_a_file_is_refused(officer_a_client):
    product = ProductFactory()

    page, _ref = preview(
        officer_a_client, "capaian", sheet("capaian", outcome_row(product), outcome_row(product))
    )

    [(row, column, message)] = refusals(page)
    assert (row, column) == (3, "Triwulan") and message.startswith("Baris ini mengulang baris 2")


def test_an_officer_cannot_import_figures_for_another_kecamatans_product(officer_a_client):
    golok = ProductFactory(name="Golok", village=village(KRAMATWATU_VILLAGE))

    page, ref = preview(officer_a_client, "capaian", sheet("capaian", outcome_row(golok)))

    assert [(row, column) for row, column, _m in refusals(page)] == [(2, "Produk (slug atau ID)")]
    assert confirm(officer_a_client, ref).status_code == 400
    assert not OutcomeRecord.objects.exists()


# --- templates and big files ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["penyaluran", "kunjungan", "capaian"])
@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_imports_as_it_is(dinas_client, kind, fmt):
    ProgrammeFactory()
    ProductFactory(name="Emping Melinjo")
    OutcomeRecordFactory(product=ProductFactory(name="Anyaman"), year=2020, quarter=1)
    response = dinas_client.get(reverse("officials:import_template", args=[kind, fmt]))

    page, ref = preview(dinas_client, kind, content(response), f"templat.{fmt}")

    assert refusals(page) == []
    assert page.context["report"].counts["new"] == 1
    assert confirm(dinas_client, ref).status_code == 302


def test_a_big_delivery_file_is_checked_and_imported_by_the_worker(settings, dinas_client):
    settings.OVOP_BACKGROUND_IMPORT_ROWS = 1
    ProgrammeFactory()
    product = ProductFactory()
    data = sheet("penyaluran", delivery_row(product), delivery_row(product, **{"Uraian": "Mesin press"}))

    preview_job = Job.objects.get(pk=upload(dinas_client, "penyaluran", data).url.split("/")[-2])
    assert preview_job.status == "done" and preview_job.result["counts"]["new"] == 2
    assert not Delivery.objects.exists()

    confirm(dinas_client, preview_job.params["ref"])
    import_job = Job.objects.exclude(pk=preview_job.pk).get()
    assert import_job.status == "done", import_job.failure
    assert Delivery.objects.count() == 2
    assert {d.officer.username for d in Delivery.objects.all()} == {"dinas"}
    assert BUMIJAYA in {d.village_id for d in Delivery.objects.all()}


def test_one_product_named_by_its_id_and_by_its_slug_is_the_same_quarter_twice(officer_a_client):
    product = ProductFactory()
    by_slug = outcome_row(product, **{"Produk (slug atau ID)": product.slug})

    page, _ref = preview(officer_a_client, "capaian", sheet("capaian", outcome_row(product), by_slug))

    [(row, _column, message)] = refusals(page)
    assert row == 3 and message.startswith("Baris ini mengulang baris 2")


def test_an_import_run_by_the_worker_records_the_official_in_the_history(dinas):
    """The worker has no request for simple-history to ask: the importing official is named."""
    from officials.imports import import_run
    from villages.roles import scope_of

    ProgrammeFactory()
    product = ProductFactory()
    report = import_run(
        kind="penyaluran",
        name="penyaluran.xlsx",
        data=sheet("penyaluran", delivery_row(product)),
        scope=scope_of(dinas),
        dry_run=False,
        user=dinas,
    )
    assert report.counts["new"] == 1
    assert Delivery.objects.get().history.get().history_user == dinas

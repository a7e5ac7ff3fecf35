"""An import of the advertised size (5,000 rows) fits in a request: the number of queries of the preview
and of the import does not grow with the rows (bench/import_speed.py measures the time)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from officials.spreadsheets import import_run
from products.models import Producer, Product
from tests.factories import BUMIJAYA
from tests.officials.test_spreadsheets import (
    CITEREP,
    PRODUCER_HEADERS,
    PRODUCT_HEADERS,
    confirm,
    preview,
    producer_row,
    xlsx_bytes,
)
from villages.roles import Scope

pytestmark = pytest.mark.django_db


DINAS = Scope(is_official=True, is_dinas=True, is_admin=False, district_codes=frozenset())


def producers(count: int, prefix: str, owner: str = "Ibu Sari") -> bytes:
    rows = [
        producer_row(
            **{
                "Kode desa": BUMIJAYA if n % 2 else CITEREP,
                "Nama usaha": f"{prefix} {n}",
                "Pemilik/ketua": owner,
                "NIB": f"{9100000000000 + n + (10000 if prefix == 'B' else 0)}" if n % 3 else "",
                "Lintang": "-6.1" if n % 4 == 0 else "",
                "Bujur": "106.2" if n % 4 == 0 else "",
            }
        )
        for n in range(count)
    ]
    return xlsx_bytes([PRODUCER_HEADERS, *rows])


def products(count: int, prefix: str) -> bytes:
    rows = []
    for n in range(count):
        row = {
            "Kode desa": BUMIJAYA if n % 2 else CITEREP,
            "Nama produk": f"{prefix} produk {n}",
            "Kategori": "kerajinan",
            "Harga terendah (Rp)": 1000,
            "Harga tertinggi (Rp)": 2000,
            "Produsen": f"{prefix} {n}",
        }
        rows.append([row.get(header, "") for header in PRODUCT_HEADERS])
    return xlsx_bytes([PRODUCT_HEADERS, *rows])


def queries(kind: str, data: bytes, dry_run: bool) -> int:
    with CaptureQueriesContext(connection) as captured:
        report = import_run(kind=kind, name="data.xlsx", data=data, scope=DINAS, dry_run=dry_run)
    assert report.ok, report.errors[:3]
    return len(captured)


def test_the_queries_of_a_producer_import_do_not_grow_with_its_rows():
    small = (
        queries("produsen", producers(10, "A"), dry_run=True),
        queries("produsen", producers(10, "A"), False),
    )
    large = (
        queries("produsen", producers(120, "B"), dry_run=True),
        queries("produsen", producers(120, "B"), False),
    )

    assert Producer.objects.count() == 130
    assert Producer.history.filter(history_type="+").count() == 130
    assert abs(large[0] - small[0]) <= 2, (small, large)
    assert abs(large[1] - small[1]) <= 2, (small, large)
    # the same files again: every row an existing producer, unchanged
    again = queries("produsen", producers(10, "A"), False), queries("produsen", producers(120, "B"), False)
    assert abs(again[1] - again[0]) <= 2, again


def test_the_queries_of_a_product_import_do_not_grow_with_its_rows():
    queries("produsen", producers(10, "A"), False)
    queries("produsen", producers(120, "B"), False)

    small = queries("produk", products(10, "A"), dry_run=True), queries("produk", products(10, "A"), False)
    large = queries("produk", products(120, "B"), dry_run=True), queries("produk", products(120, "B"), False)

    assert Product.objects.count() == 130
    assert Product.objects.filter(name="B produk 7").get().producers.get().business_name == "B 7"
    assert "b 7" in Product.objects.get(name="B produk 7").search_text
    assert len(set(Product.objects.values_list("slug", flat=True))) == 130
    assert abs(large[0] - small[0]) <= 2, (small, large)
    assert abs(large[1] - small[1]) <= 2, (small, large)


def test_an_import_keeps_who_wrote_each_row_and_a_products_producers_in_its_history(dinas, dinas_client):
    _page, ref = preview(dinas_client, "produsen", producers(2, "A"))
    assert confirm(dinas_client, ref).status_code == 302
    _page, ref = preview(dinas_client, "produk", products(2, "A"))
    assert confirm(dinas_client, ref).status_code == 302

    record = Product.history.get(name="A produk 1")
    assert record.history_type == "+" and record.history_user == dinas
    assert [link.producer.business_name for link in record.producers.all()] == ["A 1"]
    assert {r.history_user for r in Producer.history.all()} == {dinas}


def test_an_import_that_changes_a_row_moves_its_version_on_and_records_the_change(dinas, dinas_client):
    _page, ref = preview(dinas_client, "produsen", producers(2, "A"))
    confirm(dinas_client, ref)
    producer = Producer.objects.get(business_name="A 1")
    version = producer.row_version
    _page, ref = preview(dinas_client, "produsen", producers(2, "A", owner="Ibu Sarah"))
    assert confirm(dinas_client, ref).status_code == 302

    producer.refresh_from_db()
    assert producer.owner_name == "Ibu Sarah"
    assert producer.row_version == version + 1
    latest = Producer.history.filter(id=producer.pk).order_by("-history_id").first()
    assert latest.history_type == "~" and latest.owner_name == "Ibu Sarah" and latest.history_user == dinas

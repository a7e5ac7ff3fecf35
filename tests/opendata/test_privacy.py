"""The privacy test: the open data publishes only what the public pages already show, never more.

For every record of every dataset, each field's value is looked for (normalised: Rupiah, stars,
coordinates, WhatsApp numbers, labels) on the public page of the same object; and nothing a public
page keeps back (non-consenting producers, drafts, other regencies, proposals, owners, NIBs,
addresses, officers, notes, amounts while the setting is off) appears in any API or CSV answer."""

import html
import json
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.urls import NoReverseMatch, reverse

from assistance.models import Programme
from assistance.selectors import public_assistance_summary
from core.money import format_rupiah
from products.models import Producer, Product
from villages.models import Village

from .conftest import BELO_LAUT

pytestmark = pytest.mark.django_db

DATASET_NAMES = ["villages", "products", "producers", "designations", "assistance"]

# The fields each test below compares with a public page: a field added to a dataset fails the test
# until it is compared too.
CHECKED = {
    "villages": {
        "code",
        "name",
        "kind",
        "district_code",
        "district_name",
        "regency_code",
        "regency_name",
        "latitude",
        "longitude",
        "has_products",
        "flagship_slug",
        "flagship_url",
        "url",
    },
    "products": {
        "slug",
        "name",
        "category_slug",
        "category_name",
        "village_code",
        "district_code",
        "price_min",
        "price_max",
        "price_unit",
        "is_flagship",
        "flagship_year",
        "stars",
        "url",
    },
    "producers": {"business_name", "kind", "year_started", "village_code", "whatsapp", "url"},
    "designations": {"year", "village_code", "product_slug", "product_url"},
    "assistance": {"product_slug", "kind", "kind_name", "year", "total"},
}


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_every_published_field_is_one_the_privacy_tests_compare_with_a_public_page(client, world, name):
    for record in records(client, name):
        assert set(record) == CHECKED[name]


def records(client, name: str) -> list[dict]:
    found, page = [], 1
    while True:
        data = client.get(reverse(f"opendata:{name}"), {"page": page, "page_size": 200}).json()
        found += data["results"]
        if not data["next"]:
            return found
        page += 1


_pages: dict[str, str] = {}


def page_text(client, path: str) -> str:
    """The public page at `path` as a visitor reads it (entities decoded), fetched once per test."""
    if path not in _pages:
        response = client.get(path)
        assert response.status_code == 200, path
        _pages[path] = html.unescape(response.content.decode())
    return _pages[path]


@pytest.fixture(autouse=True)
def _fresh_pages():
    _pages.clear()
    yield
    _pages.clear()


def path_of(url: str) -> str:
    return urlparse(url).path


def shows_url(page: str, url: str | None) -> bool:
    return url is None or path_of(url) in page


def shows_coordinate(page: str, value) -> bool:
    return value is None or str(Decimal(str(value)).quantize(Decimal("0.000001"))) in page


def shows_whatsapp(page: str, number: str) -> bool:
    return not number or f"wa.me/{number.removeprefix('+')}" in page


def test_every_village_field_is_on_the_villages_public_page(client, world):
    villages = records(client, "villages")
    assert len(villages) == Village.objects.filter(code__startswith="36.04.").count()
    for village in villages:
        page = page_text(client, path_of(village["url"]))
        label = str(Village.Kind(village["kind"]).label)
        assert village["code"] in page and village["name"] in page and label in page
        assert (
            village["district_name"] in page
            and reverse("catalogue:district_detail", args=[village["district_code"]]) in page
        )
        assert village["regency_name"] in page and village["code"].startswith(village["regency_code"] + ".")
        assert shows_coordinate(page, village["latitude"]) and shows_coordinate(page, village["longitude"])
        assert shows_url(page, village["flagship_url"])
        assert village["flagship_slug"] is None or village["flagship_slug"] in page
        assert ("/produk/" in page.split("</main>")[0].split("<main")[1]) == village["has_products"], village


def test_every_product_field_is_on_the_products_public_page(client, world):
    products = records(client, "products")
    assert {p["slug"] for p in products} == {world[name].slug for name in ("gerabah", "batik", "emping")}
    for product in products:
        page = page_text(client, path_of(product["url"]))
        assert product["url"] in page  # the canonical address
        assert product["name"] in page and product["category_name"] in page
        assert reverse("catalogue:category", args=[product["category_slug"]]) in page
        assert reverse("catalogue:village_detail", args=[product["village_code"]]) in page
        assert reverse("catalogue:district_detail", args=[product["district_code"]]) in page
        for price in (product["price_min"], product["price_max"]):
            assert price is None or format_rupiah(price) in page
        assert product["price_unit"] in page
        if product["is_flagship"]:
            assert f"Produk unggulan desa sejak {product['flagship_year']}" in page
        else:
            assert product["flagship_year"] is None and "Produk unggulan desa sejak" not in page
        if product["stars"]:
            assert f"{product['stars']} dari 5 bintang" in page
        else:
            assert "dari 5 bintang" not in page


def test_every_producer_field_is_on_the_producers_public_page(client, world):
    producers = records(client, "producers")
    assert {p["business_name"] for p in producers} == {"Sentra Gerabah Bumijaya", "Emping Kramatwatu Jaya"}
    for producer in producers:
        try:
            reverse("catalogue:producer", args=["x-1"])
        except NoReverseMatch:  # before the producers' pages: the product page's "Pembuat produk"
            product = (
                Product.objects.public().filter(producers__business_name=producer["business_name"]).first()
            )
            assert producer["url"] is None
            page = page_text(client, product.get_public_url())
            village_page = page_text(
                client, reverse("catalogue:village_detail", args=[producer["village_code"]])
            )
            assert producer["business_name"] in village_page
        else:
            page = page_text(client, path_of(producer["url"]))
            assert reverse("catalogue:village_detail", args=[producer["village_code"]]) in page
        assert producer["business_name"] in page
        assert str(Producer.Kind(producer["kind"]).label) in page
        assert producer["year_started"] is None or f"sejak {producer['year_started']}" in page
        assert shows_whatsapp(page, producer["whatsapp"])


def test_every_designation_is_on_its_products_and_its_villages_public_pages(client, world):
    designations = records(client, "designations")
    assert designations
    for designation in designations:
        product_page = page_text(client, path_of(designation["product_url"]))
        assert f"Produk unggulan desa sejak {designation['year']}" in product_page
        assert reverse("catalogue:village_detail", args=[designation["village_code"]]) in product_page
        village_page = page_text(
            client, reverse("catalogue:village_detail", args=[designation["village_code"]])
        )
        assert f"Ditetapkan sebagai produk unggulan desa tahun {designation['year']}" in village_page
        assert designation["product_slug"] in village_page


@pytest.mark.parametrize("amounts", [False, True], ids=["amounts hidden", "amounts allowed"])
def test_every_assistance_row_is_on_the_product_page_exactly_as_the_public_summary(
    client, world, settings, amounts
):
    settings.OVOP_PUBLIC_ASSISTANCE_AMOUNTS = amounts
    rows = records(client, "assistance")
    assert rows
    for product in Product.objects.public():
        expected = public_assistance_summary(product)
        published = [r for r in rows if r["product_slug"] == product.slug]
        assert [{"kind": r["kind_name"], "year": r["year"], "total": r["total"]} for r in published] == [
            {"kind": str(e["kind"]), "year": e["year"], "total": e["total"]} for e in expected
        ]
    for row in rows:
        page = page_text(client, reverse("catalogue:product", args=[row["product_slug"]]))
        assert row["kind_name"] == str(Programme.Kind(row["kind"]).label)
        assert f"{row['kind_name']} ({row['year']})" in page
        if amounts:
            assert row["total"] == 12_500_000 and format_rupiah(row["total"]) in page
        else:
            assert row["total"] is None


def everything_published(client) -> str:
    """Every answer of the API (every page of every list, the root) and every CSV, as one text."""
    parts = [client.get(reverse("opendata:api_root")).content.decode()]
    for name in DATASET_NAMES:
        parts.append(json.dumps(records(client, name), ensure_ascii=False))
        response = client.get(reverse("opendata:csv", args=[name]))
        parts.append(b"".join(response.streaming_content).decode("utf-8"))
    return "\n".join(parts)


def test_nothing_the_public_pages_keep_back_is_in_any_api_or_csv_answer(client, world):
    published = everything_published(client)
    secrets = [
        # producers who did not consent, and their number in every form
        "Gerabah Pak Tertutup",
        "81299998888",
        "8129-9998-888",
        "0812-9999-8888",
        # drafts, and whoever makes only drafts
        "Produk Draf Rahasia",
        world["draft"].slug,
        "Produsen Hanya Draf",
        # another regency
        "Pempek Belo Laut",
        world["elsewhere"].slug,
        "Pempek Luar Wilayah",
        BELO_LAUT,
        # owners, NIBs, addresses
        "Ibu Pemilik Rahasia",
        "Pak Tertutup Rahasia",
        "1234567890123",
        "9876543210987",
        "Jalan Rahasia",
        "Jalan Tertutup",
        # proposals, notes, decrees, officers, programmes, amounts (the setting is off)
        "Usulan catatan rahasia",
        "SK-RAHASIA-1",
        "Kemasan kendi catatan rahasia",
        "Program Kemasan Rahasia",
        world["officer"].username,
        world["dinas"].username,
        "12500000",
        "12.500.000",
        "50000000",
    ]
    leaked = [secret for secret in secrets if secret in published]
    assert not leaked


def test_a_proposal_is_never_a_designation(client, world):
    designations = records(client, "designations")
    assert world["batik"].slug not in {d["product_slug"] for d in designations}
    batik = next(p for p in records(client, "products") if p["slug"] == world["batik"].slug)
    assert batik["is_flagship"] is False and batik["flagship_year"] is None


def test_a_producer_who_withdraws_consent_leaves_the_open_data_at_once(client, world):
    assert "Sentra Gerabah Bumijaya" in everything_published(client)
    producer = world["open_producer"]
    producer.contact_consent = False
    producer.save()
    published = everything_published(client)
    assert "Sentra Gerabah Bumijaya" not in published and "81211112222" not in published


def test_a_product_put_back_to_draft_leaves_the_open_data_at_once(client, world):
    gerabah = world["gerabah"]
    assert gerabah.slug in everything_published(client)
    gerabah.status = Product.Status.DRAFT
    gerabah.save()
    assert gerabah.slug not in everything_published(client)

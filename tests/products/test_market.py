"""The officials' side of a product's market network: its variants, points of sale and markets reached,
a producer's shop links (each checked against its platform's domain), who may edit them, the product
spreadsheet's "Pasar yang dicapai" column, and the queries the pages cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from products.models import MarketArea, Product, ProductVariant, SalesPoint, ShopLink
from products.models.market import PLATFORM_HOSTS, Platform
from products.resources import ProductResource
from tests.factories import KRAMATWATU_VILLAGE, ProducerFactory, ProductFactory
from tests.officials.test_spreadsheets import (
    confirm,
    content,
    csv_rows,
    export,
    preview,
    refusals,
    village,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

PRODUCT_HEADERS = ProductResource().get_export_headers()


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    """A formset's POST data: the management form and each row's fields under its prefix."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data |= {f"{prefix}-{n}-{name}": value for name, value in row.items()}
    return data


def variant(**values) -> dict:
    return {
        "name": "Kemasan 250 g",
        "price": "25.000",
        "unit": "bungkus",
        "net_weight_grams": "250",
        "dimensions": "",
        "shelf_life_days": "30",
        "min_order": "10",
        "lead_time_days": "3",
        "position": "1",
    } | values


def link(**values) -> dict:
    return {"platform": "shopee", "url": "https://shopee.co.id/gerabahsari", "product": ""} | values


@pytest.fixture
def product():
    made = ProductFactory(name="Gerabah Bumijaya")
    made.producers.add(ProducerFactory(business_name="Gerabah Sari"))
    return made


@pytest.fixture
def golok():
    """A product and producer of kecamatan B (Kramatwatu)."""
    made = ProductFactory(name="Golok", village=village(KRAMATWATU_VILLAGE))
    made.producers.add(ProducerFactory(business_name="Pandai Besi", village=village(KRAMATWATU_VILLAGE)))
    return made


# --- variants ------------------------------------------------------------------------------------------


def test_an_officer_adds_a_variant_with_its_price_typed_the_indonesian_way(officer_a_client, product):
    url = reverse("products:variant_edit", args=[product.pk])

    response = officer_a_client.post(url, formset("varian", [variant(price="Rp 1.250.000")]))

    assert response.status_code == 302
    assert response.url == product.get_absolute_url()
    saved = ProductVariant.objects.get(product=product)
    assert (saved.name, saved.price, saved.unit, saved.net_weight_grams) == (
        "Kemasan 250 g",
        1_250_000,
        "bungkus",
        250,
    )
    assert (saved.shelf_life_days, saved.min_order, saved.lead_time_days) == (30, 10, 3)
    page = officer_a_client.get(product.get_absolute_url()).content.decode()
    assert "Kemasan 250 g" in page
    assert "Rp\xa01.250.000" in page


def test_an_officer_removes_one_variant_and_renames_another_in_one_save(officer_a_client, product):
    small = ProductVariant.objects.create(product=product, name="Kecil", unit="buah", price=10000)
    large = ProductVariant.objects.create(product=product, name="Besar", unit="buah", price=30000)
    rows = [
        variant(id=small.pk, name="Kecil", unit="buah", price="10.000", DELETE="on"),
        variant(id=large.pk, name="Besar sekali", unit="buah", price="35.000"),
    ]

    response = officer_a_client.post(
        reverse("products:variant_edit", args=[product.pk]), formset("varian", rows, initial=2)
    )

    assert response.status_code == 302
    assert list(product.variants.values_list("name", "price")) == [("Besar sekali", 35000)]


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"price": "25.000,50"}, "tanpa sen"),
        ({"unit": ""}, "tidak boleh kosong"),
        ({"shelf_life_days": "0"}, "lebih besar dari atau sama dengan 1"),
        ({"min_order": "banyak"}, "Masukkan keseluruhan angka"),
    ],
)
def test_a_bad_variant_is_answered_on_the_form_and_nothing_is_saved(
    officer_a_client, product, values, message
):
    rows = [variant(name="Baik"), variant(name="Salah", **values)]

    response = officer_a_client.post(
        reverse("products:variant_edit", args=[product.pk]), formset("varian", rows)
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ProductVariant.objects.exists()


def test_two_variants_of_the_same_name_are_refused(officer_a_client, product):
    rows = [variant(name="Pedas"), variant(name="Pedas")]

    response = officer_a_client.post(
        reverse("products:variant_edit", args=[product.pk]), formset("varian", rows)
    )

    assert response.status_code == 200
    assert "Ada baris yang sama untuk Nama varian" in response.content.decode()
    assert not ProductVariant.objects.exists()


def test_a_post_without_the_formsets_management_data_is_answered_not_crashed(officer_a_client, product):
    for name in ("variant_edit", "market_edit"):
        response = officer_a_client.post(
            reverse(f"products:{name}", args=[product.pk]), {"varian-0-name": "x"}
        )
        assert response.status_code == 200
    response = officer_a_client.post(
        reverse("products:shop_link_edit", args=[product.producers.get().pk]), {}
    )
    assert response.status_code == 200
    assert not ProductVariant.objects.exists()


# --- points of sale and markets reached ------------------------------------------------------------------


def test_an_officer_records_points_of_sale_and_markets_reached_on_one_page(officer_a_client, product):
    data = formset(
        "tempat", [{"name": "Pusat Oleh-oleh Serang", "kind": "oleh_oleh", "place": "Kota Serang"}]
    )
    data |= formset(
        "wilayah",
        [
            {"name": "Jakarta", "level": "kota", "since_year": "2021"},
            {"name": "Banten", "level": "provinsi", "since_year": ""},
        ],
    )

    response = officer_a_client.post(reverse("products:market_edit", args=[product.pk]), data)

    assert response.status_code == 302
    assert list(product.sales_points.values_list("name", "kind", "place")) == [
        ("Pusat Oleh-oleh Serang", SalesPoint.Kind.GIFT_CENTRE, "Kota Serang")
    ]
    assert sorted(product.market_areas.values_list("name", "level", "since_year")) == [
        ("Banten", "provinsi", None),
        ("Jakarta", "kota", 2021),
    ]
    page = officer_a_client.get(product.get_absolute_url()).content.decode()
    assert "Pusat Oleh-oleh Serang" in page
    assert "Jakarta (Kota atau kabupaten), sejak 2021" in page


def test_an_error_in_the_markets_keeps_the_points_of_sale_unsaved_too(officer_a_client, product):
    data = formset("tempat", [{"name": "Swalayan Ciruas", "kind": "swalayan", "place": "Ciruas"}])
    data |= formset("wilayah", [{"name": "Jakarta", "level": "kota", "since_year": "1800"}])

    response = officer_a_client.post(reverse("products:market_edit", args=[product.pk]), data)

    assert response.status_code == 200
    assert "lebih besar dari atau sama dengan 1900" in response.content.decode()
    assert not SalesPoint.objects.exists()
    assert not MarketArea.objects.exists()


def test_a_point_of_sale_of_an_unknown_kind_is_refused(officer_a_client, product):
    data = formset("tempat", [{"name": "Warung", "kind": "pasar_gelap", "place": "Ciruas"}])
    data |= formset("wilayah", [])

    response = officer_a_client.post(reverse("products:market_edit", args=[product.pk]), data)

    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert not SalesPoint.objects.exists()


# --- shop links ------------------------------------------------------------------------------------------


def test_an_officer_records_a_producers_shop_and_one_products_listing(officer_a_client, product):
    producer = product.producers.get()
    rows = [
        link(),
        link(platform="tokopedia", url="https://www.tokopedia.com/gerabahsari/vas-bunga", product=product.pk),
    ]

    response = officer_a_client.post(
        reverse("products:shop_link_edit", args=[producer.pk]), formset("tautan", rows)
    )

    assert response.status_code == 302
    assert response.url == producer.get_absolute_url()
    assert sorted(producer.shop_links.values_list("platform", "product_id")) == [
        ("shopee", None),
        ("tokopedia", product.pk),
    ]
    for page in (producer.get_absolute_url(), product.get_absolute_url()):
        html = officer_a_client.get(page).content.decode()
        assert "https://shopee.co.id/gerabahsari" in html
        assert "https://www.tokopedia.com/gerabahsari/vas-bunga" in html


@pytest.mark.parametrize("platform", list(Platform))
def test_a_link_off_its_platforms_domain_is_refused_with_the_models_message(
    officer_a_client, product, platform
):
    producer = product.producers.get()
    # Another platform's address (or, for Shopee, Tokopedia's): never this platform's.
    elsewhere = "tokopedia.com" if platform == Platform.SHOPEE else "shopee.co.id"
    rows = [link(platform=platform, url=f"https://{elsewhere}/tokoku")]

    response = officer_a_client.post(
        reverse("products:shop_link_edit", args=[producer.pk]), formset("tautan", rows)
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Alamat ini bukan alamat {platform.label}" in html
    assert PLATFORM_HOSTS[platform][0] in html
    assert not ShopLink.objects.exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://shopee.co.id/tokoku", "harus diawali https://"),
        ("https://shopee.co.id.penipu.com/tokoku", "bukan alamat Shopee"),
        ("bukan alamat", "Masukkan URL yang valid"),
        ("https://shopee.co.id/" + "a" * 400, "paling banyak 300"),
    ],
)
def test_a_bad_shop_address_is_refused(officer_a_client, product, url, message):
    producer = product.producers.get()

    response = officer_a_client.post(
        reverse("products:shop_link_edit", args=[producer.pk]), formset("tautan", [link(url=url)])
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ShopLink.objects.exists()


def test_a_listing_may_name_only_one_of_the_producers_own_products(officer_a_client, product):
    producer = product.producers.get()
    not_theirs = ProductFactory(name="Emping")

    response = officer_a_client.post(
        reverse("products:shop_link_edit", args=[producer.pk]),
        formset(
            "tautan", [link(product=not_theirs.pk), link(url="https://shopee.co.id/x", product="9" * 30)]
        ),
    )

    assert response.status_code == 200
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert not ShopLink.objects.exists()


# --- who may ----------------------------------------------------------------------------------------------


def test_another_kecamatans_officer_finds_none_of_the_market_pages(officer_a_client, golok):
    urls = [
        reverse("products:variant_edit", args=[golok.pk]),
        reverse("products:market_edit", args=[golok.pk]),
        reverse("products:shop_link_edit", args=[golok.producers.get().pk]),
    ]
    for url in urls:
        assert officer_a_client.get(url).status_code == 404
        assert officer_a_client.post(url, formset("varian", [variant()])).status_code == 404
    assert not ProductVariant.objects.exists()


def test_the_dinas_edits_any_kecamatans_market_network(dinas_client, golok):
    response = dinas_client.post(
        reverse("products:variant_edit", args=[golok.pk]), formset("varian", [variant()])
    )

    assert response.status_code == 302
    assert golok.variants.count() == 1


def test_an_anonymous_visitor_is_sent_to_sign_in(client, product):
    for url in (
        reverse("products:variant_edit", args=[product.pk]),
        reverse("products:market_edit", args=[product.pk]),
        reverse("products:shop_link_edit", args=[product.producers.get().pk]),
    ):
        response = client.post(url, formset("varian", [variant()]))
        assert response.status_code == 302
        assert "/login" in response.url or "masuk" in response.url
    assert not ProductVariant.objects.exists()


# --- the product spreadsheet's "Pasar yang dicapai" ---------------------------------------------------------


def test_the_product_export_lists_the_market_areas(dinas_client, product):
    MarketArea.objects.create(product=product, name="Jakarta", since_year=2020)
    MarketArea.objects.create(product=product, name="Banten", level=MarketArea.Level.PROVINCE)

    rows = csv_rows(content(export(dinas_client, "produk", "csv")))

    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Pasar yang dicapai"] == "Jakarta, Banten"  # cities first, then provinces


def test_an_imported_market_list_replaces_the_areas_keeping_since_when_of_those_that_stay(
    dinas_client, product
):
    MarketArea.objects.create(product=product, name="Jakarta", since_year=2020)
    MarketArea.objects.create(product=product, name="Palembang", since_year=2022)
    rows = csv_rows(content(export(dinas_client, "produk", "csv")))
    exported = dict(zip(rows[0], rows[1], strict=True))
    changed = exported | {"Pasar yang dicapai": "jakarta, Bandung , Bandung,"}

    page, ref = preview(
        dinas_client, "produk", xlsx_bytes([PRODUCT_HEADERS, [changed[h] for h in PRODUCT_HEADERS]])
    )

    assert page.context["report"].counts["update"] == 1, refusals(page)
    assert confirm(dinas_client, ref).status_code == 302
    assert sorted(product.market_areas.values_list("name", "since_year")) == [
        ("Bandung", None),
        ("Jakarta", 2020),
    ]
    history = MarketArea.history.filter(product_id=product.pk)
    assert set(history.values_list("name", "history_type")) >= {("Palembang", "-"), ("Bandung", "+")}


def test_an_exported_file_imported_back_unchanged_leaves_the_market_areas_alone(dinas_client, product):
    MarketArea.objects.create(product=product, name="Jakarta", since_year=2020)
    rows = csv_rows(content(export(dinas_client, "produk", "csv")))

    page, _ref = preview(dinas_client, "produk", xlsx_bytes(rows))

    assert page.context["report"].counts["skip"] == 1, refusals(page)


def test_a_market_name_too_long_is_refused_with_its_row_and_column(dinas_client, product):
    rows = csv_rows(content(export(dinas_client, "produk", "csv")))
    exported = dict(zip(rows[0], rows[1], strict=True))
    changed = exported | {"Pasar yang dicapai": "Jakarta, " + "x" * 101}

    page, ref = preview(
        dinas_client, "produk", xlsx_bytes([PRODUCT_HEADERS, [changed[h] for h in PRODUCT_HEADERS]])
    )

    [(number, column, message)] = refusals(page)
    assert (number, column) == (2, "Pasar yang dicapai")
    assert "terlalu panjang" in message
    assert not MarketArea.objects.exists()


def test_a_new_product_imported_with_markets_gets_its_market_areas(dinas_client):
    ProducerFactory(business_name="Gerabah Sari")
    row = {
        "Kode desa": "36.04.09.2009",
        "Nama produk": "Tas Anyaman",
        "Kategori": "kerajinan",
        "Produsen": "Gerabah Sari",
        "Pasar yang dicapai": "Serang, Cilegon",
    }

    page, ref = preview(
        dinas_client, "produk", xlsx_bytes([PRODUCT_HEADERS, [row.get(h) for h in PRODUCT_HEADERS]])
    )

    assert page.context["report"].counts["new"] == 1, refusals(page)
    confirm(dinas_client, ref)
    made = Product.objects.get(name="Tas Anyaman")
    assert sorted(made.market_areas.values_list("name", flat=True)) == ["Cilegon", "Serang"]


# --- what the pages cost ----------------------------------------------------------------------------------


def rows_of_market(product, n: int) -> None:
    producer = product.producers.get()
    for i in range(n):
        ProductVariant.objects.create(product=product, name=f"Varian {i}", unit="buah", price=1000 * (i + 1))
        SalesPoint.objects.create(product=product, name=f"Toko {i}", kind="toko_desa", place="Ciruas")
        MarketArea.objects.create(product=product, name=f"Kota {i}")
        ShopLink.objects.create(producer=producer, platform="shopee", url=f"https://shopee.co.id/toko{i}")
        ShopLink.objects.create(
            producer=producer, product=product, platform="blibli", url=f"https://www.blibli.com/p/{i}"
        )


@pytest.mark.parametrize("n", [3, 6])
def test_the_market_pages_cost_the_same_queries_whatever_their_rows(
    officer_a_client, product, django_assert_num_queries, n
):
    rows_of_market(product, n)
    producer = product.producers.get()
    with django_assert_num_queries(7):
        # 1 session, 2 user, 3 groups, 4 the officer's area (scope), 5 the product, 6 the served regency
        # (header), 7 its variants
        officer_a_client.get(reverse("products:variant_edit", args=[product.pk]))
    with django_assert_num_queries(8):
        # 1 session, 2 user, 3 groups, 4 area, 5 the product, 6 the regency, 7 its points of sale,
        # 8 its markets
        officer_a_client.get(reverse("products:market_edit", args=[product.pk]))
    with django_assert_num_queries(8):
        # 1 session, 2 user, 3 groups, 4 area, 5 the producer, 6 its products (the choices of every
        # row, read once), 7 the regency, 8 its shop links
        response = officer_a_client.get(reverse("products:shop_link_edit", args=[producer.pk]))
    assert response.content.decode().count("https://shopee.co.id/toko") == n


@pytest.mark.parametrize("n", [3, 6])
def test_the_producer_page_reads_its_shop_links_in_one_query(officer_a_client, product, n):
    rows_of_market(product, n)
    producer = product.producers.get()
    with CaptureQueriesContext(connection) as captured:
        response = officer_a_client.get(producer.get_absolute_url())
    shop_queries = [q for q in captured.captured_queries if "products_shoplink" in q["sql"]]
    assert len(shop_queries) == 1
    assert response.content.decode().count("https://www.blibli.com/p/") == n


def test_the_officials_product_page_asks_no_more_queries_as_its_market_network_grows(
    officer_a_client, product
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer_a_client.get(product.get_absolute_url()).status_code == 200
        return len(captured.captured_queries)

    rows_of_market(product, 1)
    few = queries()
    ProductVariant.objects.filter(product=product).delete()
    SalesPoint.objects.filter(product=product).delete()
    MarketArea.objects.filter(product=product).delete()
    ShopLink.objects.all().delete()
    rows_of_market(product, 5)
    assert queries() == few

"""What a buyer finds on the public product page: the variants with their prices and measures, an order
by WhatsApp naming the variant, where to buy ("Beli di": shops of consenting producers only, points of
sale, markets reached), the schema.org offers, and a query count that does not grow with the data."""

import json
import re
from io import StringIO
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from products.models import MarketArea, Product, ProductVariant, SalesPoint, ShopLink, shop_url_refusal
from tests.factories import ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pempek():
    """A food product made by one producer who agreed to publish their contacts and one who did not,
    sold in three variants, with shops, points of sale and markets reached."""
    open_producer = ProducerFactory(
        business_name="Pempek Udang Bu Yati", contact_consent=True, whatsapp="+6281211112222"
    )
    closed_producer = ProducerFactory(
        business_name="Pempek Pak Diam", contact_consent=False, whatsapp="+6281299990000"
    )
    product = ProductFactory(name="Pempek Udang Belo Laut", price_min=50_000, price_max=85_000)
    product.producers.add(open_producer, closed_producer)
    ProductVariant.objects.create(
        product=product,
        name="Beku 500 g",
        price=70_000,
        unit="bungkus",
        net_weight_grams=500,
        shelf_life_days=30,
        min_order=2,
        position=1,
    )
    ProductVariant.objects.create(
        product=product,
        name="Paket keluarga 1,5 kg",
        price=190_000,
        unit="paket",
        net_weight_grams=1500,
        dimensions="30 × 20 × 10 cm",
        shelf_life_days=2,
        lead_time_days=3,
        position=2,
    )
    ShopLink.objects.create(
        producer=open_producer, platform="shopee", url="https://shopee.co.id/contoh-pempek-bu-yati"
    )
    ShopLink.objects.create(
        producer=open_producer,
        product=product,
        platform="tokopedia",
        url="https://www.tokopedia.com/contoh-bu-yati/pempek-udang",
    )
    ShopLink.objects.create(
        producer=open_producer, platform="instagram", url="https://www.instagram.com/contoh.pempek.buyati"
    )
    ShopLink.objects.create(
        producer=closed_producer, platform="shopee", url="https://shopee.co.id/contoh-pak-diam"
    )
    SalesPoint.objects.create(
        product=product, name="Pusat Oleh-oleh Muntok", kind="oleh_oleh", place="Kecamatan Mentok"
    )
    MarketArea.objects.create(product=product, name="Palembang", level="kota", since_year=2016)
    MarketArea.objects.create(product=product, name="Jakarta", level="kota", since_year=2018)
    return product


def page(client, product):
    response = client.get(product.get_public_url())
    assert response.status_code == 200
    return response


def json_ld(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


def test_the_variants_are_listed_with_price_weight_size_shelf_life_minimum_and_lead_time(client, pempek):
    html = page(client, pempek).content.decode()
    assert "Varian dan harga" in html
    section = html[html.index('id="variants-heading"') : html.index('id="buy-heading"')]
    assert section.index("Beku 500 g") < section.index("Paket keluarga 1,5 kg")  # in their order
    assert "Rp\u00a070.000" in section and "Rp\u00a0190.000" in section
    assert "Berat bersih 500 g" in section and "Berat bersih 1,5 kg" in section
    assert "Ukuran 30 × 20 × 10 cm" in section
    assert "Masa simpan 30 hari" in section and "Masa simpan 2 hari" in section
    assert "Pesanan minimum 2 bungkus" in section
    assert "Dibuat sesuai pesanan: 3 hari" in section and "Siap tersedia" in section
    variant = ProductVariant.objects.get(name="Beku 500 g")
    assert f'id="varian-{variant.pk}"' in section and f'href="#varian-{variant.pk}"' in section
    # The variants replace the price range.
    assert "Rp\u00a050.000" not in html


def test_a_product_without_variants_keeps_its_price_range(client, pempek):
    pempek.variants.all().delete()
    html = page(client, pempek).content.decode()
    assert "Varian dan harga" not in html
    assert "Rp\u00a050.000" in html and "Rp\u00a085.000" in html


def test_ordering_a_variant_by_whatsapp_names_the_product_and_the_variant(client, pempek):
    rows = page(client, pempek).context["variant_rows"]
    variant = ProductVariant.objects.get(name="Paket keluarga 1,5 kg")
    row = next(r for r in rows if r["variant"] == variant)
    # Only the producer who agreed to publish their number is offered.
    assert [order["producer"].business_name for order in row["orders"]] == ["Pempek Udang Bu Yati"]
    link = urlparse(row["orders"][0]["whatsapp"])
    assert link.netloc == "wa.me" and link.path == "/6281211112222"
    message = parse_qs(link.query)["text"][0]
    assert "Pempek Udang Belo Laut" in message and "Paket keluarga 1,5 kg" in message
    assert f"{settings.OVOP_PUBLIC_URL}{pempek.get_public_url()}#varian-{variant.pk}" in message


def test_no_whatsapp_order_without_a_consenting_producer(client, pempek):
    pempek.producers.filter(contact_consent=True).update(contact_consent=False)
    response = page(client, pempek)
    assert all(row["orders"] == [] for row in response.context["variant_rows"])
    assert "wa.me/6281211112222" not in response.content.decode()


def test_beli_di_shows_the_consenting_producers_shops_only_each_named_and_opening_safely(client, pempek):
    html = page(client, pempek).content.decode()
    section = html[html.index('id="buy-heading"') :]
    for url, platform in [
        ("https://shopee.co.id/contoh-pempek-bu-yati", "Shopee"),
        ("https://www.tokopedia.com/contoh-bu-yati/pempek-udang", "Tokopedia"),
        ("https://www.instagram.com/contoh.pempek.buyati", "Instagram"),
    ]:
        assert f'<a href="{url}" rel="noopener" target="_blank">{platform}</a>' in section
    assert "contoh-pak-diam" not in html  # he did not consent to publication
    online = section[section.index("Toko daring") : section.index("Media sosial")]
    assert "Tokopedia" in online and "Shopee" in online and "Instagram" not in online
    # The product's own listing comes first.
    assert online.index("Tokopedia") < online.index("Shopee")


def test_a_shop_link_of_another_product_or_off_its_platform_is_not_shown(client, pempek):
    producer = pempek.producers.get(contact_consent=True)
    other = ProductFactory(name="Kemplang")
    other.producers.add(producer)
    ShopLink.objects.create(
        producer=producer, product=other, platform="shopee", url="https://shopee.co.id/contoh-kemplang"
    )
    # Written behind the forms' back: the label would lie about where the link leads.
    ShopLink.objects.create(producer=producer, platform="blibli", url="https://evil.example/blibli")
    html = page(client, pempek).content.decode()
    assert "contoh-kemplang" not in html and "evil.example" not in html


def test_beli_di_shows_the_points_of_sale_and_the_markets_reached_since_when(client, pempek):
    html = page(client, pempek).content.decode()
    section = html[html.index('id="buy-heading"') :]
    assert "Pusat Oleh-oleh Muntok" in section and "Pusat oleh-oleh" in section
    assert "Kecamatan Mentok" in section
    assert re.search(r"Palembang <span[^>]*>\(Kota atau kabupaten\) · sejak 2016", section)
    assert "Jakarta" in section and "sejak 2018" in section
    assert "Nasional" in html or pempek.get_market_reach_display() in html  # the reach is kept


def test_a_product_sold_nowhere_yet_says_so(client):
    product = ProductFactory(name="Produk Baru")
    html = page(client, product).content.decode()
    assert "Tempat penjualan belum dicatat" in html


def test_json_ld_has_one_offer_per_variant(client, pempek):
    data = json_ld(page(client, pempek).content.decode())
    url = f"{settings.OVOP_PUBLIC_URL}{pempek.get_public_url()}"
    frozen, family = ProductVariant.objects.order_by("position")
    assert data["offers"] == [
        {
            "@type": "Offer",
            "name": "Beku 500 g",
            "price": 70_000,
            "priceCurrency": "IDR",
            "url": f"{url}#varian-{frozen.pk}",
            "eligibleQuantity": {"@type": "QuantitativeValue", "minValue": 2, "unitText": "bungkus"},
            "availability": "https://schema.org/InStock",
            "itemOffered": {
                "@type": "Product",
                "name": "Pempek Udang Belo Laut – Beku 500 g",
                "weight": {"@type": "QuantitativeValue", "value": 500, "unitCode": "GRM"},
            },
        },
        {
            "@type": "Offer",
            "name": "Paket keluarga 1,5 kg",
            "price": 190_000,
            "priceCurrency": "IDR",
            "url": f"{url}#varian-{family.pk}",
            "eligibleQuantity": {"@type": "QuantitativeValue", "minValue": 1, "unitText": "paket"},
            "availability": "https://schema.org/PreOrder",
            "itemOffered": {
                "@type": "Product",
                "name": "Pempek Udang Belo Laut – Paket keluarga 1,5 kg",
                "weight": {"@type": "QuantitativeValue", "value": 1500, "unitCode": "GRM"},
            },
        },
    ]
    assert "weight" not in data  # two weights: each belongs to its offer


def test_json_ld_of_a_single_weight_names_the_products_weight_and_a_missing_price_is_left_out(client):
    product = ProductFactory(name="Lada Putih Muntok")
    ProductVariant.objects.create(product=product, name="Kemasan 100 g", unit="bungkus", net_weight_grams=100)
    data = json_ld(page(client, product).content.decode())
    assert data["weight"] == {"@type": "QuantitativeValue", "value": 100, "unitCode": "GRM"}
    assert len(data["offers"]) == 1 and "price" not in data["offers"][0]
    assert data["offers"][0]["priceCurrency"] == "IDR"


def test_json_ld_keeps_the_aggregate_offer_without_variants(client, pempek):
    pempek.variants.all().delete()
    data = json_ld(page(client, pempek).content.decode())
    assert data["offers"] == {
        "@type": "AggregateOffer",
        "priceCurrency": "IDR",
        "lowPrice": 50_000,
        "highPrice": 85_000,
    }
    assert "weight" not in data


def test_english_page_labels_come_from_the_translations(client, pempek):
    with translation.override("en"):
        url = pempek.get_public_url()  # the English page's own address
    html = client.get(url).content.decode()
    assert '<html lang="en">' in html
    with translation.override("en"):
        labels = [
            gettext(label)
            for label in ["Varian dan harga", "Beli di", "Toko dan gerai", "Pasar yang sudah dicapai"]
        ]
        kind = str(SalesPoint.Kind.GIFT_CENTRE.label)
        category = pempek.category.display_name
    for label in [*labels, kind, category]:
        assert escape(label) in html


@pytest.mark.parametrize("rows", [0, 4])
def test_the_product_page_runs_a_fixed_number_of_queries(client, rows, django_assert_num_queries):
    product = ProductFactory(name="Golok Sukadalem")
    producers = [ProducerFactory(business_name=f"Pandai Besi {n}", contact_consent=True) for n in range(2)]
    product.producers.add(*producers)
    for n in range(rows):
        ProductVariant.objects.create(
            product=product, name=f"Bilah {30 + n * 5} cm", price=150_000 + n, unit="buah", lead_time_days=7
        )
        SalesPoint.objects.create(product=product, name=f"Toko {n}", kind="toko_desa", place="Kota Serang")
        MarketArea.objects.create(product=product, name=f"Kota {n}", since_year=2020)
        for producer in producers:
            ShopLink.objects.create(
                producer=producer, platform="shopee", url=f"https://shopee.co.id/contoh-{n}"
            )
    ProductFactory(name="Celengan")  # another product of the village, with its cover query
    with django_assert_num_queries(12):
        # 1 the product with place, category, flagship and stars, 2 its photos, 3 its producers,
        # 4 its variants, 5 the consenting producers' shop links, 6 the assistance summary,
        # 7 points of sale, 8 markets reached, 9 the served regency, 10 valid documents of product and
        # producers, 11 other products of the village, 12 their covers (not a flagship: no success story)
        client.get(product.get_public_url())


# --- the demo data -------------------------------------------------------------------------------------


def test_the_demo_shows_every_buying_situation_and_is_the_same_when_run_again(client):
    call_command("seed_demo", stdout=StringIO())
    models = (ProductVariant, SalesPoint, MarketArea, ShopLink)
    counts = [model.objects.count() for model in models]
    assert all(counts)
    call_command("seed_demo", stdout=StringIO())
    assert [model.objects.count() for model in models] == counts

    flagships = list(Product.objects.with_public_flagship().filter(is_flagship=True))
    assert len(flagships) >= 5 and all(product.variants.exists() for product in flagships)
    for link in ShopLink.objects.all():  # illustrative addresses that fit their platform
        assert shop_url_refusal(link.platform, link.url) is None and "/contoh" in link.url.replace("@", "")

    def html_of(name: str) -> str:
        return page(client, Product.objects.get(name=name)).content.decode()

    no_variants = html_of("Anyaman Bambu Binangun")
    assert "Varian dan harga" not in no_variants and "Rp\u00a015.000" in no_variants
    offline = html_of("Opak Ketan Waringinkurung")
    assert "Toko dan gerai" in offline and "Toko daring" not in offline and "Media sosial" not in offline
    online = html_of("Keripik Pisang Mandaya")
    assert "Toko daring" in online and "Toko dan gerai" not in online
    gerabah = html_of("Gerabah Bumijaya")
    assert ShopLink.objects.filter(producer__business_name="Gerabah Pak Sarmin").exists()
    assert "contoh-gerabah-pak-sarmin" not in gerabah  # he did not consent to publication
    assert "contoh-sentra-gerabah-bumijaya" in gerabah and "Pot bunga besar" in gerabah


def test_the_page_with_variants_and_shops_is_valid_html_with_headings_in_order(client, pempek, tmp_path):
    from tests.portal.test_html_valid import Page, heading_problems, run_vnu

    html = page(client, pempek).content.decode()
    assert heading_problems(html) == []
    errors = run_vnu([Page("catalogue:product", "anonymous", pempek.get_public_url(), html)], tmp_path)
    assert [message for _page, message in errors] == []

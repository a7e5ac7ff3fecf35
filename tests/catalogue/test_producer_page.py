"""The public page of a producer (UMKM): only with the producer's consent and a public product, at a
stable address, showing the business and never the owner's personal data; linked from the product
and village pages; in the sitemap; a fixed number of queries."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from core.links import public_url
from products.models import LegalityDocument, Product, ShopLink
from tests.catalogue.test_catalogue import add_photo
from tests.factories import BUMIJAYA, LegalityDocumentFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sentra():
    """A consenting producer with a profile, a shop, a NIB and a P-IRT, making one public product; its
    owner's name, street address, coordinates and a draft product must never show."""
    producer = ProducerFactory(
        business_name="Sentra Gerabah Bumijaya",
        owner_name="Ibu Rahmawati Sukaesih",
        address="Jalan Kenari No. 17 RT 02/RW 05",
        contact_consent=True,
        whatsapp="+6281211112222",
        nib="1234567890123",
        workers=14,
        year_started=1998,
        latitude="-6.123457",
        longitude="106.234567",
        profile="Perajin gerabah turun-temurun dari Bumijaya.",
    )
    product = ProductFactory(name="Kendi Gerabah Bumijaya")
    product.producers.add(producer)
    draft = ProductFactory(name="Pot Rahasia Belum Terbit", status=Product.Status.DRAFT)
    draft.producers.add(producer)
    LegalityDocumentFactory(
        producer=producer,
        kind=LegalityDocument.Kind.SPP_IRT,
        number="P-IRT 2063604010123-30",
        issued_on=datetime.date(2024, 6, 1),
        expires_on=datetime.date.today() + datetime.timedelta(days=900),
    )
    ShopLink.objects.create(producer=producer, platform="shopee", url="https://shopee.co.id/sentragerabah")
    ShopLink.objects.create(
        producer=producer, product=draft, platform="tokopedia", url="https://tokopedia.com/sentra/pot-rahasia"
    )
    return producer


def page(client, producer):
    return client.get(producer.get_public_url())


def test_a_consenting_producer_has_a_page_with_the_business_it_runs(client, sentra):
    response = page(client, sentra)
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1" in html and "Sentra Gerabah Bumijaya" in html
    assert "Perajin gerabah turun-temurun dari Bumijaya." in html
    assert "sejak 1998" in html
    assert ">14<" in html  # workers
    assert reverse("catalogue:village_detail", args=[BUMIJAYA]) in html
    assert reverse("catalogue:district_detail", args=["36.04.09"]) in html
    assert "Kendi Gerabah Bumijaya" in html
    assert f'<link rel="canonical" href="{public_url(sentra.get_public_url())}">' in html
    assert 'class="breadcrumb"' in html


def test_the_page_offers_whatsapp_and_the_producers_shops(client, sentra):
    html = page(client, sentra).content.decode()

    assert 'href="https://wa.me/6281211112222?text=' in html
    assert '<a href="https://shopee.co.id/sentragerabah" rel="noopener" target="_blank">Shopee</a>' in html


def test_the_page_never_shows_the_owner_the_address_coordinates_or_a_draft(client, sentra):
    html = page(client, sentra).content.decode()

    for private in (
        "Rahmawati",
        "Jalan Kenari",
        "RT 02",
        "-6.123457",
        "106.234567",
        "Pot Rahasia",
        "tokopedia.com/sentra/pot-rahasia",
    ):
        assert private not in html, private


def test_the_page_carries_a_local_business_json_ld_without_personal_data(client, sentra):
    html = page(client, sentra).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)

    assert data["@type"] == "LocalBusiness"
    assert data["name"] == "Sentra Gerabah Bumijaya"
    assert data["address"]["addressLocality"] == "Bumijaya"
    assert data["foundingDate"] == "1998"
    assert data["sameAs"] == ["https://shopee.co.id/sentragerabah"]
    assert "Rahmawati" not in block and "Kenari" not in block


def test_a_producer_without_consent_has_no_page(client, sentra):
    sentra.contact_consent = False
    sentra.save()

    assert page(client, sentra).status_code == 404


def test_a_producer_without_a_public_product_has_no_page(client):
    producer = ProducerFactory(contact_consent=True)

    assert page(client, producer).status_code == 404


def test_a_producer_of_draft_products_only_has_no_page(client):
    producer = ProducerFactory(contact_consent=True)
    ProductFactory(status=Product.Status.DRAFT).producers.add(producer)

    assert page(client, producer).status_code == 404


def test_a_stale_address_redirects_permanently_to_the_current_one(client, sentra):
    old = sentra.get_public_url()
    sentra.business_name = "Sentra Gerabah Bumijaya Lestari"
    sentra.save()

    response = client.get(old)

    assert response.status_code == 301
    assert response["Location"] == sentra.get_public_url()
    assert sentra.get_public_url().endswith(f"sentra-gerabah-bumijaya-lestari-{sentra.pk}/")
    assert client.get(reverse("catalogue:producer", args=[f"apa-saja-{sentra.pk}"])).status_code == 301


def test_a_stale_address_of_a_producer_without_a_page_is_not_redirected(client, sentra):
    sentra.contact_consent = False
    sentra.save()

    assert client.get(reverse("catalogue:producer", args=[f"lama-{sentra.pk}"])).status_code == 404


@pytest.mark.parametrize("slug", ["tanpa-nomor", "x-99999999", "-", "0"])
def test_an_address_naming_no_producer_is_a_404(client, sentra, slug):
    assert client.get(reverse("catalogue:producer", args=[slug])).status_code == 404


def test_the_product_page_links_consenting_producers_only(client, sentra):
    product = Product.objects.get(name="Kendi Gerabah Bumijaya")
    closed = ProducerFactory(business_name="Gerabah Pak Sarmin", contact_consent=False)
    product.producers.add(closed)

    html = client.get(product.get_public_url()).content.decode()

    assert f'href="{sentra.get_public_url()}"' in html
    assert "Gerabah Pak Sarmin" in html
    assert closed.public_slug not in html


def test_the_village_page_links_consenting_producers_only(client, sentra):
    closed = ProducerFactory(business_name="Gerabah Pak Sarmin", contact_consent=False)
    Product.objects.get(name="Kendi Gerabah Bumijaya").producers.add(closed)

    html = client.get(reverse("catalogue:village_detail", args=[BUMIJAYA])).content.decode()

    assert f'href="{sentra.get_public_url()}"' in html
    assert "Gerabah Pak Sarmin" in html
    assert closed.public_slug not in html


def test_the_sitemap_lists_producers_with_a_page_only(client, sentra):
    hidden = ProducerFactory(contact_consent=False)
    ProductFactory().producers.add(hidden)
    lonely = ProducerFactory(contact_consent=True)

    xml = client.get("/sitemap-produsen.xml").content.decode()

    assert sentra.get_public_url() in xml
    assert hidden.public_slug not in xml
    assert lonely.public_slug not in xml


def test_the_page_is_cached_and_refreshed_when_the_producer_changes(client, sentra):
    url = sentra.get_public_url()
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"
    sentra.profile = "Profil baru."
    sentra.save()

    response = client.get(url)

    assert response["X-Cache"] == "miss"
    assert "Profil baru." in response.content.decode()


@pytest.mark.parametrize("extra", [0, 3])
def test_the_producer_page_runs_a_fixed_number_of_queries(client, sentra, extra, django_assert_num_queries):
    for n in range(extra):
        product = ProductFactory(name=f"Guci {n}")
        product.producers.add(sentra)
        add_photo(product)
        LegalityDocumentFactory(producer=sentra, kind=LegalityDocument.Kind.HKI, number=f"IDM{n}")
        ShopLink.objects.create(producer=sentra, platform="blibli", url=f"https://www.blibli.com/toko-{n}")
    with django_assert_num_queries(6):
        # 1 the producer (consent and a public product) with its village and kecamatan, 2 its valid
        # legality documents, 3 its public products with flagship and stars, 4 their covers, 5 its shop
        # links, 6 the served regency
        response = page(client, sentra)
    assert response.status_code == 200

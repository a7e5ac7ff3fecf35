"""Officials' product and producer lists scale with a page, not with the area (issue 19): they filter and
order lean, read the page's keys and the total in one query, and compute the display columns
(producer and product counts, legality flags, places) for the page's rows alone."""

import pytest
from django.urls import reverse

from products.models import Product
from tests.factories import KRAMATWATU_VILLAGE, LegalityDocumentFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [row.name for row in response.context["page_obj"]]


@pytest.fixture
def many_products():
    products = [ProductFactory(name=f"Produk {n:02d}") for n in range(35)]
    for n, product in enumerate(products):
        product.producers.add(*(ProducerFactory() for _ in range(n % 3)))
    return products


def test_the_second_page_shows_the_rest_in_order_with_their_counts(dinas_client, many_products):
    response = dinas_client.get(reverse("products:product_list"), {"page": "2"})
    assert _names(response) == [f"Produk {n:02d}" for n in range(30, 35)]
    assert [row.producer_count for row in response.context["page_obj"]] == [n % 3 for n in range(30, 35)]
    assert response.context["page_obj"].paginator.count == 35
    assert isinstance(response.context["page_obj"].object_list, list)  # no lazy queryset in the template


def test_sorting_by_producer_count_pages_without_losing_or_repeating_a_product(dinas_client, many_products):
    url = reverse("products:product_list")
    first = dinas_client.get(url, {"sort": "-producers"}).context["page_obj"]
    second = dinas_client.get(url, {"sort": "-producers", "page": "2"}).context["page_obj"]
    rows = list(first) + list(second)
    assert sorted(row.name for row in rows) == sorted(p.name for p in many_products)
    counts = [row.producer_count for row in rows]
    assert counts == sorted(counts, reverse=True)


def test_a_page_past_the_end_shows_the_last_page(dinas_client, many_products):
    response = dinas_client.get(reverse("products:product_list"), {"page": "99"})
    assert response.context["page_obj"].number == 2
    assert _names(response)[0] == "Produk 30"


def test_filters_still_apply_to_the_lean_list(dinas_client, many_products):
    moved = many_products[3]
    moved.village_id = KRAMATWATU_VILLAGE
    moved.save()
    LegalityDocumentFactory(product=many_products[5])
    response = dinas_client.get(reverse("products:product_list"), {"district": "36.04.05"})
    assert _names(response) == ["Produk 03"]
    missing = dinas_client.get(reverse("products:product_list"), {"legality": "missing", "q": "Produk 05"})
    assert _names(missing) == []
    assert response.context["page_obj"][0].has_document is False


def test_the_producer_list_counts_products_for_its_page(dinas_client):
    busy = ProducerFactory(business_name="Aneka Usaha")
    for n in range(3):
        ProductFactory(name=f"Produk {n}").producers.add(busy)
    ProducerFactory(business_name="Belum Berproduk")
    response = dinas_client.get(reverse("products:producer_list"), {"sort": "-products"})
    rows = list(response.context["page_obj"])
    assert [(row.business_name, row.product_count) for row in rows] == [
        ("Aneka Usaha", 3),
        ("Belum Berproduk", 0),
    ]


def test_an_officer_sees_only_the_products_of_their_kecamatan_on_every_page(officer_b_client, many_products):
    ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    response = officer_b_client.get(reverse("products:product_list"))
    assert _names(response) == ["Emping Kramatwatu"]
    assert response.context["page_obj"].paginator.count == 1
    assert Product.objects.count() == 36

"""Officials' lists sort by their columns (core.sorting, templates/includes/sort_header.html)."""

import re

import pytest
from django.urls import reverse

from products.models import Product
from tests.factories import KRAMATWATU_VILLAGE, ProducerFactory, ProductFactory


def _names(response) -> list[str]:
    return [product.name for product in response.context["page_obj"]]


@pytest.fixture
def three_products(db):
    products = [
        ProductFactory(name="Bakso ikan"),
        ProductFactory(name="Abon sapi", status=Product.Status.DRAFT),
        ProductFactory(name="Criping", village_id=KRAMATWATU_VILLAGE),
    ]
    products[0].producers.add(ProducerFactory(), ProducerFactory())
    busy = ProducerFactory(business_name="Zaitun bersaudara")
    products[1].producers.add(busy)
    products[2].producers.add(busy)
    return products


def test_a_column_header_sorts_the_products_and_shows_the_order(dinas_client, three_products):
    response = dinas_client.get(reverse("products:product_list"), {"sort": "-name"})
    assert _names(response) == ["Criping", "Bakso ikan", "Abon sapi"]
    html = response.content.decode()
    header = re.search(r'<th scope="col" aria-sort="descending">.*?</th>', html).group(0)
    assert "Produk" in header and "▼" in header
    # The header now offers the ascending order; the other columns start ascending.
    assert 'href="?sort=name"' in header
    assert 'href="?sort=category"' in html


def test_sorting_by_a_count_column_orders_by_the_count(dinas_client, three_products):
    response = dinas_client.get(reverse("products:product_list"), {"sort": "-producers"})
    assert _names(response)[0] == "Bakso ikan"


def test_a_sort_link_keeps_the_filters_and_goes_back_to_the_first_page(dinas_client, three_products):
    response = dinas_client.get(
        reverse("products:product_list"), {"status": "published", "sort": "name", "page": "1"}
    )
    assert _names(response) == ["Bakso ikan", "Criping"]
    html = response.content.decode()
    assert 'href="?status=published&amp;sort=-name"' in html  # page dropped, filter kept, order toggled


@pytest.mark.parametrize("value", ["harga", "-", "name__secret", "producer_count;", "-pk"])
def test_an_unknown_sort_key_is_ignored_never_an_error(dinas_client, three_products, value):
    response = dinas_client.get(reverse("products:product_list"), {"sort": value})
    assert response.status_code == 200
    assert _names(response) == ["Abon sapi", "Bakso ikan", "Criping"]  # the default order, by name
    assert "aria-sort" not in response.content.decode()


def test_sorting_adds_no_query(dinas_client, three_products, django_assert_num_queries):
    for sort in ["-village", "category", "-status"]:
        with django_assert_num_queries(9):
            # as tests/products/test_views.py's pin: session, user, groups, kecamatan, village and
            # category choices, paginator count, the page of products, the served regency
            dinas_client.get(reverse("products:product_list"), {"sort": sort})


def test_an_officer_sorts_only_the_products_of_their_kecamatan(officer_a_client, three_products):
    response = officer_a_client.get(reverse("products:product_list"), {"sort": "-village"})
    assert "Criping" not in _names(response)  # Kramatwatu stays out, whatever the order


def test_the_other_lists_sort_by_their_columns(dinas_client, three_products, officer_a_client):
    producers = dinas_client.get(reverse("products:producer_list"), {"sort": "-products"})
    assert producers.context["page_obj"][0].business_name == "Zaitun bersaudara"
    assert producers.context["page_obj"][0].product_count == 2
    villages = dinas_client.get(reverse("officials:village_list"), {"sort": "-code"})
    codes = [village.code for village in villages.context["page_obj"]]
    assert codes == sorted(codes, reverse=True)
    for name, sort in [
        ("products:designation_list", "-proposed"),
        ("products:assessment_due", "-assessed"),
        ("products:deleted_product_list", "-deleted"),
    ]:
        response = dinas_client.get(reverse(name), {"sort": sort})
        assert response.status_code == 200
        assert response.context["sorting"].descending


def test_an_anonymous_visitor_cannot_sort_the_officials_lists(client):
    response = client.get(reverse("products:product_list"), {"sort": "name"})
    assert response.status_code == 302
    assert "next=" in response.url  # to the sign-in page, and no list

import pytest
from django.urls import reverse

from tests.factories import LegalityDocumentFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["products_category", "products_product", "products_producer", "products_legalitydocument"]
)
def test_admin_lists_open_and_search(admin_client, name):
    product = ProductFactory(name="Gerabah")
    product.producers.add(ProducerFactory())
    LegalityDocumentFactory(product=product)
    url = reverse(f"admin:{name}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "Gerabah"}).status_code == 200


def test_admin_product_page_shows_its_inlines(admin_client):
    product = ProductFactory()
    product.producers.add(ProducerFactory(business_name="Sentra Bumijaya"))
    response = admin_client.get(reverse("admin:products_product_change", args=[product.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sentra Bumijaya" in html
    assert "legality_documents" in html or "Dokumen legalitas" in html


def test_admin_product_list_query_count_does_not_grow(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ProductFactory()
    admin_client.get(reverse("admin:products_product_changelist"))
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse("admin:products_product_changelist"))
    for _ in range(5):
        ProductFactory()
    with CaptureQueriesContext(connection) as more:
        admin_client.get(reverse("admin:products_product_changelist"))
    assert len(few) == len(more)


def test_an_admin_assigns_a_kecamatan_to_an_officer_in_the_user_admin(admin_client, officer_a):
    response = admin_client.get(reverse("admin:auth_user_change", args=[officer_a.pk]))
    assert response.status_code == 200
    assert "Ciruas" in response.content.decode()

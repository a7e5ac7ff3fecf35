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


def test_the_admin_takes_amounts_as_the_officials_forms_do(admin_client):
    """Rupiah typed with separators is read by the one parser (core.money), on every money field of
    the admin; a malformed amount is refused with the forms' message."""
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(budget=1_000_000)
    url = reverse("admin:assistance_programme_change", args=[programme.pk])
    page = admin_client.get(url)
    assert 'value="1.000.000"' in page.content.decode()
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update({"budget": "2.500.000", "deliveries-TOTAL_FORMS": "0", "deliveries-INITIAL_FORMS": "0"})
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    programme.refresh_from_db()
    assert programme.budget == 2_500_000
    data["budget"] = "2,5 juta"
    assert admin_client.post(url, data).status_code == 200

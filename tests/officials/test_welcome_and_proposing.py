"""The officials' home names the officer's area; the product page offers "propose as flagship" to a
product that may be proposed, and a village without a product never offers a proposal."""

import re

import pytest
from django.urls import reverse

from products.models import Designation
from products.services import designation_reject
from regency.selectors import current_profile
from tests.factories import BUMIJAYA, DesignationFactory, ProductFactory, make_officer

EMPTY_VILLAGE = "36.04.09.2002"  # Citerep, Ciruas: no product in these tests


def _welcome(response) -> str:
    return re.search(r'id="welcome">(.*?)</p>', response.content.decode(), re.S).group(1)


def test_the_welcome_names_the_officers_kecamatan(client, officer_a):
    officer_a.first_name, officer_a.last_name = "Siti", "Aminah"
    officer_a.save()
    client.force_login(officer_a)
    assert _welcome(client.get(reverse("officials:home"))) == "Selamat datang, Siti Aminah — Kecamatan Ciruas"


def test_an_officer_of_two_kecamatan_sees_both(client, db):
    client.force_login(make_officer("petugas-dua", "36.04.09", "36.04.05"))
    assert "Kecamatan Ciruas, Kramatwatu" in _welcome(client.get(reverse("officials:home")))


def test_the_dinas_welcome_names_the_regency(dinas_client):
    welcome = _welcome(dinas_client.get(reverse("officials:home")))
    assert welcome == f"Selamat datang, dinas — {current_profile().regency_name}"


def test_a_user_without_a_role_is_welcomed_without_an_area(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("warga", password="pw-test-12345"))
    assert _welcome(client.get(reverse("officials:home"))) == "Selamat datang, warga."


# --- propose as flagship -------------------------------------------------------------------------


def test_the_product_page_offers_to_propose_a_product_without_a_designation(officer_a_client):
    product = ProductFactory()
    html = officer_a_client.get(reverse("officials:product_detail", args=[product.pk])).content.decode()
    link = reverse("products:designation_propose", args=[BUMIJAYA]) + f"?produk={product.pk}"
    assert f'href="{link}"' in html
    assert "Usulkan sebagai produk unggulan" in html


def test_the_propose_form_starts_with_the_product_of_the_button(officer_a_client):
    ProductFactory(name="Anyaman")
    product = ProductFactory(name="Emping")
    response = officer_a_client.get(
        reverse("products:designation_propose", args=[BUMIJAYA]), {"produk": product.pk}
    )
    assert response.context["form"]["product"].value() == product.pk
    assert re.search(rf'<option value="{product.pk}" selected>Emping</option>', response.content.decode())


@pytest.mark.parametrize("approved", [False, True])
def test_a_product_proposed_or_already_flagship_is_not_offered_again(officer_a_client, approved):
    designation = DesignationFactory(approved=approved)
    html = officer_a_client.get(
        reverse("officials:product_detail", args=[designation.product_id])
    ).content.decode()
    assert "Usulkan sebagai produk unggulan" not in html


def test_a_product_whose_proposal_was_rejected_may_be_proposed_again(officer_a_client, dinas):
    designation = DesignationFactory()
    designation_reject(designation=designation, decided_by=dinas, reason="Belum siap")
    html = officer_a_client.get(
        reverse("officials:product_detail", args=[designation.product_id])
    ).content.decode()
    assert "Usulkan sebagai produk unggulan" in html


def test_the_product_page_adds_no_query_for_the_button(officer_a_client, django_assert_max_num_queries):
    product = ProductFactory()
    DesignationFactory(product=ProductFactory())
    with django_assert_max_num_queries(30) as captured:
        officer_a_client.get(reverse("officials:product_detail", args=[product.pk]))
    designation_reads = [
        q["sql"]
        for q in captured.captured_queries
        if re.match(r'\s*SELECT .* FROM "products_designation"', q["sql"])
    ]
    assert len(designation_reads) == 1  # the page's one read of the product's designations serves both


def test_a_village_without_a_product_offers_no_proposal(officer_a_client):
    html = officer_a_client.get(reverse("officials:village_registry", args=[EMPTY_VILLAGE])).content.decode()
    assert reverse("products:designation_propose", args=[EMPTY_VILLAGE]) not in html
    assert "Daftarkan produk desa ini lebih dulu" in html


def test_a_village_with_a_product_offers_the_proposal(officer_a_client):
    ProductFactory()
    html = officer_a_client.get(reverse("officials:village_registry", args=[BUMIJAYA])).content.decode()
    assert reverse("products:designation_propose", args=[BUMIJAYA]) in html


def test_proposing_in_a_village_without_a_product_explains_instead_of_an_empty_form(officer_a_client):
    response = officer_a_client.get(
        reverse("products:designation_propose", args=[EMPTY_VILLAGE]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("officials:village_registry", args=[EMPTY_VILLAGE])
    assert "belum memiliki produk terdaftar" in response.content.decode()
    assert not Designation.objects.exists()


def test_another_kecamatans_officer_gets_no_propose_page_or_product_page(officer_b_client):
    product = ProductFactory()
    assert officer_b_client.get(reverse("officials:product_detail", args=[product.pk])).status_code == 404
    response = officer_b_client.get(
        reverse("products:designation_propose", args=[BUMIJAYA]), {"produk": product.pk}
    )
    assert response.status_code == 404

import pytest
from django.urls import reverse

from tests.factories import BUMIJAYA, DesignationFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_the_public_village_page_shows_the_approved_flagship(client):
    DesignationFactory(approved=True, product__name="Gerabah Bumijaya")
    ProductFactory(name="Celengan Tanah Liat")
    html = client.get(reverse("catalogue:village_detail", args=[BUMIJAYA])).content.decode()
    assert "Gerabah Bumijaya" in html
    assert "Celengan Tanah Liat" in html  # listed among the other products


def test_a_proposal_is_never_shown_to_the_public(client):
    DesignationFactory(product__name="Usulan Rahasia")
    village = client.get(reverse("catalogue:village_detail", args=[BUMIJAYA])).content.decode()
    district = client.get(reverse("catalogue:district_detail", args=["36.04.09"])).content.decode()
    assert "belum memiliki produk unggulan" in village
    assert "Usulan Rahasia" not in district


def test_drafts_are_never_shown_to_the_public_even_when_designated(client):
    DesignationFactory(approved=True, product__name="Draf Unggulan", product__status="draft")
    ProductFactory(name="Draf Lain", status="draft")
    html = client.get(reverse("catalogue:village_detail", args=[BUMIJAYA])).content.decode()
    assert "Draf Unggulan" not in html
    assert "Draf Lain" not in html


def test_the_kecamatan_page_lists_each_villages_flagship(client, django_assert_num_queries):
    DesignationFactory(approved=True, product__name="Gerabah Bumijaya")
    with django_assert_num_queries(5):
        # 1 the kecamatan with counts, 2 its flagship count, 3 paginator count, 4 villages with flagship
        # name and link, 5 the served regency (header)
        response = client.get(reverse("catalogue:district_detail", args=["36.04.09"]))
    flagships = {v.code: v.flagship_name for v in response.context["page_obj"]}
    assert flagships[BUMIJAYA] == "Gerabah Bumijaya"
    assert sum(1 for name in flagships.values() if name) == 1

import datetime

import pytest
from django.urls import reverse

from products import services
from tests.factories import BUMIJAYA, ProductFactory

pytestmark = pytest.mark.django_db


def designate(product, officer, dinas):
    proposal = services.designation_propose(product=product, proposed_by=officer, year=2026)
    return services.designation_approve(
        designation=proposal,
        decided_by=dinas,
        decree_number="SK-1",
        decree_date=datetime.date(2026, 3, 2),
        expected_current_id=None,
    )


def test_the_public_village_page_shows_the_approved_flagship(client, officer_a, dinas):
    designate(ProductFactory(name="Gerabah Bumijaya"), officer_a, dinas)
    ProductFactory(name="Celengan Tanah Liat")
    html = client.get(reverse("villages:village_detail", args=[BUMIJAYA])).content.decode()
    assert "Gerabah Bumijaya" in html
    assert "Celengan Tanah Liat" in html  # listed among the other products


def test_a_proposal_is_never_shown_to_the_public(client, officer_a):
    services.designation_propose(
        product=ProductFactory(name="Usulan Rahasia"), proposed_by=officer_a, year=2026
    )
    village = client.get(reverse("villages:village_detail", args=[BUMIJAYA])).content.decode()
    district = client.get(reverse("villages:district_detail", args=["36.04.09"])).content.decode()
    assert "belum memiliki produk unggulan" in village
    assert "Usulan Rahasia" not in district


def test_drafts_are_never_shown_to_the_public_even_when_designated(client, officer_a, dinas):
    designate(ProductFactory(name="Draf Unggulan", status="draft"), officer_a, dinas)
    ProductFactory(name="Draf Lain", status="draft")
    html = client.get(reverse("villages:village_detail", args=[BUMIJAYA])).content.decode()
    assert "Draf Unggulan" not in html
    assert "Draf Lain" not in html


def test_the_kecamatan_page_lists_each_villages_flagship(client, officer_a, dinas, django_assert_num_queries):
    designate(ProductFactory(name="Gerabah Bumijaya"), officer_a, dinas)
    with django_assert_num_queries(5):
        # 1 the kecamatan with counts, 2 its flagship count, 3 paginator count, 4 villages with flagship
        # name and link, 5 the served regency (header)
        response = client.get(reverse("villages:district_detail", args=["36.04.09"]))
    flagships = {v.code: v.flagship_name for v in response.context["page_obj"]}
    assert flagships[BUMIJAYA] == "Gerabah Bumijaya"
    assert sum(1 for name in flagships.values() if name) == 1

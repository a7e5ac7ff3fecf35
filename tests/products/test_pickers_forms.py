"""The pickers in the product, producer and round forms and the lists' filters: a kecamatan officer's
short lists are written whole (the forms work without JavaScript), the producers of the product's
village come first, and empty choices read in Indonesian."""

import re

import pytest
from django.urls import reverse

from products.models import Product
from tests.factories import (
    BUMIJAYA,
    KRAMATWATU_VILLAGE,
    ProducerFactory,
    ProductFactory,
    product_data,
)
from villages.models import Village

pytestmark = pytest.mark.django_db

CIRUAS_VILLAGE = "36.04.09.2001"


def select_of(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, f"no select named {name}"
    return match.group(0)


def option_labels(select: str) -> list[str]:
    return [label.strip() for label in re.findall(r"<option [^>]*>([^<]*)</option>", select)]


def test_an_officer_without_javascript_can_choose_any_village_of_their_kecamatan(officer_a_client):
    html = officer_a_client.get(reverse("products:product_create")).content.decode()
    villages = select_of(html, "village")
    codes = re.findall(r'<option value="([^"]*)"', villages)
    assert codes[0] == ""
    assert set(codes[1:]) == set(
        Village.objects.filter(district_id="36.04.09").values_list("code", flat=True)
    )
    assert option_labels(villages)[0] == "— Pilih desa/kelurahan —"
    assert f"Ciruas · Bumijaya ({BUMIJAYA})" in villages
    assert "36.04.05." not in villages


def test_the_product_forms_producers_start_with_its_village_then_its_kecamatan(officer_a_client):
    ProducerFactory(business_name="A Tetangga", village_id=CIRUAS_VILLAGE)
    ProducerFactory(business_name="B Bumijaya")
    ProducerFactory(business_name="C Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    product = ProductFactory(name="Gerabah")
    html = officer_a_client.get(reverse("products:product_update", args=[product.pk])).content.decode()
    producers = select_of(html, "producers")
    assert "multiple" in producers
    assert [label.split(" · ")[0] for label in option_labels(producers)] == ["B Bumijaya", "A Tetangga"]
    assert 'data-picker-near="village"' in html


def test_a_product_is_saved_with_the_producers_chosen_in_the_picker(officer_a_client):
    first = ProducerFactory(business_name="Perajin Satu")
    second = ProducerFactory(business_name="Perajin Dua", village_id=CIRUAS_VILLAGE)
    response = officer_a_client.post(
        reverse("products:product_create"), product_data(producers=[first.pk, second.pk])
    )
    assert response.status_code == 302
    assert set(Product.objects.get().producers.all()) == {first, second}


def test_another_kecamatans_producer_is_refused_by_the_product_form(officer_a_client):
    foreign = ProducerFactory(business_name="Perajin Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    response = officer_a_client.post(reverse("products:product_create"), product_data(producers=[foreign.pk]))
    assert response.status_code == 200
    assert "producers" in response.context["form"].errors
    assert not Product.objects.exists()


def test_a_regency_wide_product_form_writes_only_the_chosen_village(dinas_client):
    product = ProductFactory(name="Gerabah")
    html = dinas_client.get(reverse("products:product_update", args=[product.pk])).content.decode()
    assert re.findall(r'<option value="([^"]*)"', select_of(html, "village")) == ["", BUMIJAYA]
    assert "ketik sebagian nama atau kode" in html


def test_the_round_proposal_searches_the_officers_products(officer_a_client, dinas):
    from products import services

    round = services.round_open(year=2026, opened_by=dinas)
    ProductFactory(name="Gerabah Bumijaya")
    ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    html = officer_a_client.get(reverse("products:round_propose", args=[round.pk])).content.decode()
    products = select_of(html, "product")
    assert f'data-picker-source="{reverse("products:product_picker")}"' in html
    assert [label.split(" · ")[-1] for label in option_labels(products)] == [
        "— Pilih produk —",
        "Gerabah Bumijaya",
    ]


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        (
            "products:product_list",
            ["Semua kecamatan", "Semua desa/kelurahan", "Semua kategori", "Semua status"],
        ),
        ("products:producer_list", ["Semua kecamatan", "Semua bentuk usaha"]),
        ("officials:village_list", ["Semua kecamatan", "Semua status"]),
        ("assistance:programme_list", ["Semua jenis", "Semua sumber dana", "Semua status"]),
        ("assistance:exploration_villages", ["Semua kecamatan", "Semua status"]),
    ],
)
def test_list_filters_name_their_empty_choice_in_indonesian(officer_a_client, url_name, expected):
    html = officer_a_client.get(reverse(url_name)).content.decode()
    for label in expected:
        assert label in html
    assert "---------" not in html
    assert "Select an option" not in html

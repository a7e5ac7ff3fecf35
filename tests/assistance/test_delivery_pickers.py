"""The delivery form's pickers: the village first, its product and producer searched within it, and a
mismatch refused on save whatever the browser sent."""

import re

import pytest
from django.urls import reverse

from assistance.models import Delivery
from tests.factories import (
    BUMIJAYA,
    KRAMATWATU_VILLAGE,
    DeliveryFactory,
    ProducerFactory,
    ProductFactory,
    ProgrammeFactory,
    delivery_data,
)

pytestmark = pytest.mark.django_db


def select_of(html: str, name: str) -> str:
    match = re.search(rf'<div class="ovop-picker[^>]*>\s*<select name="{name}".*?</select>', html, re.S)
    assert match, f"no picker for {name}"
    return match.group(0)


def option_values(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', html)


def test_the_product_and_producer_pickers_follow_the_chosen_village(dinas_client):
    html = dinas_client.get(
        reverse("assistance:delivery_create", args=[ProgrammeFactory().pk])
    ).content.decode()
    for name, source in [("product", "products:product_picker"), ("producer", "products:producer_picker")]:
        picker = select_of(html, name)
        assert 'data-picker-depends="village"' in picker
        assert f'data-picker-source="{reverse(source)}"' in picker
    assert f'data-picker-source="{reverse("products:village_picker")}"' in select_of(html, "village")
    assert "— Pilih desa/kelurahan —" in html
    assert "— Pilih produk —" in html
    assert "— Pilih produsen —" in html
    assert "Select an option" not in html


def test_a_regency_wide_form_writes_only_the_chosen_village_product_and_producer(dinas_client):
    product = ProductFactory(name="Gerabah Bumijaya")
    producer = ProducerFactory(business_name="Perajin Bumijaya")
    for n in range(3):
        ProductFactory(name=f"Produk lain {n}", village_id=KRAMATWATU_VILLAGE)
    delivery = DeliveryFactory(product=product, producer=producer)
    html = dinas_client.get(reverse("assistance:delivery_update", args=[delivery.pk])).content.decode()
    # The regency's 326 villages are searched, not listed: only the chosen one is in the page.
    assert option_values(select_of(html, "village")) == ["", BUMIJAYA]
    assert "Bumijaya (36.04.09.2009)" in html


def test_a_delivery_is_saved_with_the_village_its_product_and_producer(dinas_client):
    programme = ProgrammeFactory()
    product = ProductFactory(name="Gerabah Bumijaya")
    producer = ProducerFactory(business_name="Perajin Bumijaya")
    response = dinas_client.post(
        reverse("assistance:delivery_create", args=[programme.pk]),
        delivery_data(BUMIJAYA, product=product.pk, producer=producer.pk),
    )
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert (delivery.village_id, delivery.product, delivery.producer) == (BUMIJAYA, product, producer)


def test_a_producer_of_another_village_is_refused_with_a_message_and_nothing_is_saved(dinas_client):
    programme = ProgrammeFactory()
    producer = ProducerFactory(business_name="Perajin Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    response = dinas_client.post(
        reverse("assistance:delivery_create", args=[programme.pk]),
        delivery_data(BUMIJAYA, producer=producer.pk),
    )
    assert response.status_code == 200
    assert "Produsen ini tidak berada di desa/kelurahan tersebut." in response.content.decode()
    # The refused producer is shown again as chosen, so the official sees what was wrong.
    assert str(producer.pk) in option_values(select_of(response.content.decode(), "producer"))
    assert not Delivery.objects.exists()


def test_a_tampered_product_key_is_refused_without_failing(dinas_client):
    programme = ProgrammeFactory()
    response = dinas_client.post(
        reverse("assistance:delivery_create", args=[programme.pk]),
        delivery_data(BUMIJAYA, product=str(10**30)),
    )
    assert response.status_code == 200
    assert "product" in response.context["form"].errors
    assert not Delivery.objects.exists()


def test_the_endpoint_offers_only_the_chosen_villages_products(dinas_client):
    ProductFactory(name="Gerabah Bumijaya")
    ProductFactory(name="Emping Kramatwatu", village_id=KRAMATWATU_VILLAGE)
    answer = dinas_client.get(reverse("products:product_picker"), {"village": KRAMATWATU_VILLAGE}).json()
    assert [row["label"].split(" · ")[0] for row in answer["results"]] == ["Emping Kramatwatu"]


def test_a_kecamatan_officer_may_not_open_the_delivery_form(officer_a_client):
    response = officer_a_client.get(reverse("assistance:delivery_create", args=[ProgrammeFactory().pk]))
    assert response.status_code == 403

"""Registering a product together with a producer not yet registered, in one go (issue 17, item 1), the
product and producer forms in titled groups, and a producer's NIB document without typing the NIB again."""

import pytest
from django.urls import reverse

from products.models import LegalityDocument, Producer, Product
from tests.factories import BUMIJAYA, ProducerFactory, legality_data, product_data

pytestmark = pytest.mark.django_db

NIB = "1234567890123"


def new_producer(**overrides) -> dict:
    data = {
        "new_producer-business_name": "Gerabah Ibu Sari",
        "new_producer-owner_name": "Sari",
        "new_producer-kind": "kelompok",
        "new_producer-whatsapp": "0812-3456-7890",
        "new_producer-nib": "1234 5678 90123",
        "new_producer-contact_consent": "on",
    }
    return data | overrides


def test_a_product_and_its_new_producer_are_registered_in_one_go(officer_a_client):
    response = officer_a_client.post(reverse("products:product_create"), product_data() | new_producer())
    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
    producer = Producer.objects.get()
    assert (producer.business_name, producer.owner_name, producer.kind) == (
        "Gerabah Ibu Sari",
        "Sari",
        "kelompok",
    )
    assert producer.village_id == BUMIJAYA  # the product's village
    assert (producer.whatsapp, producer.nib, producer.contact_consent) == ("+6281234567890", NIB, True)
    assert list(product.producers.all()) == [producer]
    assert producer.history.get().history_user.username == "petugas-ciruas"


def test_the_new_producer_joins_the_producers_chosen_from_the_list(officer_a_client):
    known = ProducerFactory(business_name="UMKM Lama")
    officer_a_client.post(
        reverse("products:product_create"), product_data(producers=[known.pk]) | new_producer()
    )
    names = sorted(p.business_name for p in Product.objects.get().producers.all())
    assert names == ["Gerabah Ibu Sari", "UMKM Lama"]


def test_an_untouched_new_producer_step_makes_no_producer(officer_a_client):
    response = officer_a_client.post(
        reverse("products:product_create"), product_data() | {"new_producer-kind": "perorangan"}
    )
    assert response.status_code == 302
    assert Product.objects.count() == 1
    assert not Producer.objects.exists()


def test_a_half_typed_producer_keeps_everything_typed_and_saves_nothing(officer_a_client):
    response = officer_a_client.post(
        reverse("products:product_create"),
        product_data(name="Gerabah Hias Bumijaya") | new_producer(**{"new_producer-owner_name": ""}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gerabah Hias Bumijaya" in html  # the product as typed
    assert 'value="Gerabah Ibu Sari"' in html  # the producer as typed
    assert response.context["new_producer_form"].errors["owner_name"]
    assert "<details" in html and " open" in html  # the step stays open on its error
    assert not Product.objects.exists() and not Producer.objects.exists()


def test_a_new_producer_with_a_nib_already_registered_is_refused_with_its_name(officer_a_client):
    ProducerFactory(business_name="UMKM Pemilik NIB", nib=NIB)
    response = officer_a_client.post(reverse("products:product_create"), product_data() | new_producer())
    assert response.status_code == 200
    assert "UMKM Pemilik NIB" in str(response.context["new_producer_form"].errors["nib"])
    assert not Product.objects.exists()
    assert Producer.objects.count() == 1


def test_editing_a_product_can_also_add_a_new_producer(officer_a_client):
    product = Product.objects.create(
        name="Gerabah Hias", village_id=BUMIJAYA, category_id=product_data()["category"], status="published"
    )
    officer_a_client.post(
        reverse("products:product_update", args=[product.pk]), product_data() | new_producer()
    )
    assert [p.business_name for p in product.producers.all()] == ["Gerabah Ibu Sari"]


def test_the_product_form_is_drawn_in_titled_groups_most_used_first(officer_a_client):
    html = officer_a_client.get(reverse("products:product_create")).content.decode()
    legends = ["Produk", "Pembuat produk", "Produsennya belum terdaftar?", "Harga dan kapasitas", "Pasar"]
    legends.append("Cerita")
    positions = [html.index(legend) for legend in legends]
    assert positions == sorted(positions)
    assert html.index('name="name"') < html.index('name="price_min"') < html.index('name="story"')


def test_the_producer_form_is_drawn_in_titled_groups(officer_a_client):
    html = officer_a_client.get(reverse("products:producer_create")).content.decode()
    for legend in ("Usaha", "Kontak", "Legalitas dan skala usaha", "Letak di peta"):
        assert f'<legend class="h6">{legend}</legend>' in html
    for name in ("business_name", "whatsapp", "nib", "latitude", "row_version"):
        assert f'name="{name}"' in html


def test_a_producers_nib_document_takes_the_nib_from_the_producer(officer_a_client):
    producer = ProducerFactory(nib=NIB)
    response = officer_a_client.post(
        reverse("products:legality_add_to_producer", args=[producer.pk]), legality_data(kind="nib", number="")
    )
    assert response.status_code == 302
    assert LegalityDocument.objects.get().number == NIB


def test_a_producers_other_document_still_needs_its_number(officer_a_client):
    producer = ProducerFactory(nib=NIB)
    response = officer_a_client.post(
        reverse("products:legality_add_to_producer", args=[producer.pk]),
        legality_data(kind="halal", number=""),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == ["Isi nomor dokumen."]
    assert not LegalityDocument.objects.exists()


def test_a_nib_document_for_a_producer_without_a_nib_says_where_to_type_it(officer_a_client):
    producer = ProducerFactory(nib="")
    response = officer_a_client.post(
        reverse("products:legality_add_to_producer", args=[producer.pk]), legality_data(kind="nib", number="")
    )
    assert response.status_code == 200
    assert "data produsen" in str(response.context["form"].errors["kind"])
    assert not LegalityDocument.objects.exists()

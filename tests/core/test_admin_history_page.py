"""The admin's history page reads as the officials' history does: in the portal's words in both
languages, "–" where nothing was given, values as people read them, and no edit-counter noise."""

import pytest
from django.urls import reverse
from django.utils import translation
from simple_history.utils import update_change_reason

from tests.factories import ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def history_html(admin_client, obj) -> str:
    name = obj._meta.model_name
    response = admin_client.get(reverse(f"admin:{obj._meta.app_label}_{name}_history", args=[obj.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_an_empty_change_reason_shows_a_dash_and_never_the_word_none(admin_client):
    product = ProductFactory(name="Gerabah Lama")
    product.name = "Gerabah Baru"
    product.save()
    html = history_html(admin_client, product)
    assert "None" not in html
    assert "Tidak ada" not in html
    assert "Alasan perubahan" in html


def test_a_recorded_reason_is_shown(admin_client):
    product = ProductFactory(name="Gerabah Lama")
    product.name = "Gerabah Baru"
    product.save()
    update_change_reason(product, "Nama diperbaiki sesuai SK")
    assert "Nama diperbaiki sesuai SK" in history_html(admin_client, product)


def test_every_column_header_is_in_indonesian(admin_client):
    product = ProductFactory()
    html = history_html(admin_client, product)
    for english in ("Changes", "Change reason", "Changed by", "Date/time", ">Object<", " entries", " entry<"):
        assert english not in html
    for header in ("Versi data", "Waktu", "Tindakan", "Oleh", "Yang berubah", "1 catatan"):
        assert header in html


def test_the_page_is_in_english_for_an_english_reader(admin_client):
    product = ProductFactory()
    product.status = "draft"
    product.save()
    with translation.override("en"):
        admin_client.cookies["django_language"] = "en"
        html = history_html(admin_client, product)
    assert "What changed" in html
    assert "Yang berubah" not in html


def test_changes_show_labels_and_readable_values_without_the_edit_counter(admin_client):
    product = ProductFactory(status="published")
    product.status = "draft"
    product.save()
    html = history_html(admin_client, product)
    assert "Status" in html
    assert "Draf" in html or "draf" in html.lower()
    assert "published" not in html
    assert "Versi:" not in html  # row_version moves on every save and says nothing


def test_an_emptied_field_shows_a_dash(admin_client):
    producer = ProducerFactory(address="Jl. Raya Bumijaya 1")
    producer.address = ""
    producer.save()
    html = history_html(admin_client, producer)
    assert "Jl. Raya Bumijaya 1 &rarr; –" in html or "Jl. Raya Bumijaya 1 → –" in html

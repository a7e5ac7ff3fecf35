"""A NIB typed on a producer is its NIB legality record: one source, shown wherever legality is shown,
never typed twice; a NIB document kept for its issue date and scan always carries that number."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from products.models import LegalityDocument
from tests.factories import ProducerFactory

pytestmark = pytest.mark.django_db

NIB = "1234567890123"
OTHER_NIB = "9876543210987"


def test_a_producers_nib_is_its_nib_legality_record():
    producer = ProducerFactory(nib=NIB)
    (record,) = producer.legality_records()
    assert record.kind == LegalityDocument.Kind.NIB
    assert record.number == NIB
    assert record.state() == LegalityDocument.State.VALID
    assert record.pk is None  # nothing was written twice


def test_a_producer_without_a_nib_has_no_legality_record():
    assert ProducerFactory(nib="").legality_records() == []


def test_a_nib_document_stands_for_the_nib_and_the_nib_is_not_listed_twice():
    producer = ProducerFactory(nib=NIB)
    document = LegalityDocument.objects.create(
        producer=producer, kind="nib", number="", issued_on=datetime.date(2024, 3, 1)
    )
    assert document.number == NIB  # taken from the producer's data, not typed again
    assert producer.legality_records() == [document]


def test_other_documents_are_listed_beside_the_nib():
    producer = ProducerFactory(nib=NIB)
    halal = LegalityDocument.objects.create(
        producer=producer, kind="halal", number="ID36110000000001", issued_on=datetime.date(2024, 3, 1)
    )
    records = producer.legality_records()
    assert [r.kind for r in records] == ["nib", "halal"]
    assert records[1] == halal


def test_a_nib_document_with_another_number_is_refused_with_the_producers_nib_named():
    producer = ProducerFactory(nib=NIB)
    document = LegalityDocument(
        producer=producer, kind="nib", number=OTHER_NIB, issued_on=datetime.date(2024, 3, 1)
    )
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert NIB in str(refused.value.message_dict["number"])


def test_a_nib_document_for_a_producer_without_a_nib_asks_for_it_on_the_producer_first():
    producer = ProducerFactory(nib="")
    document = LegalityDocument(
        producer=producer, kind="nib", number=NIB, issued_on=datetime.date(2024, 3, 1)
    )
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert "data produsen" in str(refused.value.message_dict["kind"])


def test_correcting_the_producers_nib_corrects_its_nib_document_and_records_it():
    producer = ProducerFactory(nib=NIB)
    document = LegalityDocument.objects.create(
        producer=producer, kind="nib", number=NIB, issued_on=datetime.date(2024, 3, 1)
    )
    producer.nib = OTHER_NIB
    producer.save()
    document.refresh_from_db()
    assert document.number == OTHER_NIB
    assert document.history.first().number == OTHER_NIB


def test_a_products_nib_document_is_its_own_number():
    from tests.factories import ProductFactory

    document = LegalityDocument(
        product=ProductFactory(), kind="nib", number=OTHER_NIB, issued_on=datetime.date(2024, 3, 1)
    )
    document.full_clean()  # a product's documents are not tied to any producer's NIB


def test_the_village_page_shows_a_producers_nib_as_its_legality(officer_a_client):
    from django.urls import reverse

    from tests.factories import BUMIJAYA

    ProducerFactory(business_name="UMKM Ber-NIB", nib=NIB)
    ProducerFactory(business_name="UMKM Tanpa NIB", nib="")
    html = officer_a_client.get(reverse("officials:village_registry", args=[BUMIJAYA])).content.decode()
    with_nib = html[html.index("UMKM Ber-NIB") :]
    assert "NIB: Berlaku" in with_nib[: with_nib.index("</tr>")]
    without = html[html.index("UMKM Tanpa NIB") :]
    assert "Belum ada" in without[: without.index("</tr>")]


def test_the_producer_page_lists_its_nib_once_with_the_way_to_change_it(officer_a_client):
    from django.urls import reverse

    producer = ProducerFactory(nib=NIB)
    html = officer_a_client.get(reverse("officials:producer_detail", args=[producer.pk])).content.decode()
    assert html.count(NIB) >= 1
    assert "dari data produsen" in html
    assert reverse("products:producer_update", args=[producer.pk]) in html
    LegalityDocument.objects.create(
        producer=producer, kind="nib", number=NIB, issued_on=datetime.date(2024, 3, 1)
    )
    html = officer_a_client.get(reverse("officials:producer_detail", args=[producer.pk])).content.decode()
    assert "dari data produsen" not in html  # the document stands for it, with its date
    assert "1 Mar 2024" in html


def test_a_nib_with_its_document_cannot_be_emptied_on_the_producer(officer_a_client):
    from django.urls import reverse

    from tests.factories import producer_data

    producer = ProducerFactory(nib=NIB)
    LegalityDocument.objects.create(
        producer=producer, kind="nib", number=NIB, issued_on=datetime.date(2024, 3, 1)
    )
    response = officer_a_client.post(
        reverse("products:producer_update", args=[producer.pk]),
        producer_data(nib="", row_version=producer.row_version),
    )
    assert response.status_code == 200
    assert "Hapus dokumen itu lebih dulu" in str(response.context["form"].errors["nib"])
    producer.refresh_from_db()
    assert producer.nib == NIB


def test_a_nib_without_a_document_can_be_emptied(officer_a_client):
    from django.urls import reverse

    from tests.factories import producer_data

    producer = ProducerFactory(nib=NIB)
    response = officer_a_client.post(
        reverse("products:producer_update", args=[producer.pk]),
        producer_data(nib="", row_version=producer.row_version),
    )
    assert response.status_code == 302
    producer.refresh_from_db()
    assert producer.nib == "" and producer.legality_records() == []


def test_a_nib_corrected_by_an_import_corrects_the_nib_document_too(officer_a_client):
    """The import writes producers in bulk, past Producer.save: the documents follow all the same."""
    from tests.factories import BUMIJAYA
    from tests.officials.test_spreadsheets import confirm, preview, producer_row, producers_file

    producer = ProducerFactory(business_name="Gerabah Sari", village_id=BUMIJAYA, nib=NIB)
    document = LegalityDocument.objects.create(
        producer=producer, kind="nib", number=NIB, issued_on=datetime.date(2024, 3, 1)
    )
    Producer = type(producer)
    Producer.objects.filter(pk=producer.pk).update(nib="")  # a NIB emptied before this rule existed

    page, ref = preview(officer_a_client, "produsen", producers_file(producer_row(NIB=OTHER_NIB)))
    assert page.context["report"].counts["update"] == 1, page.context["report"]
    assert confirm(officer_a_client, ref).status_code == 302

    producer.refresh_from_db()
    document.refresh_from_db()
    assert (producer.nib, document.number) == (OTHER_NIB, OTHER_NIB)
    assert document.history.first().history_user.username == "petugas-ciruas"

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from products.models import LegalityDocument, Product, ProductPhoto, normalise_whatsapp
from tests.factories import LegalityDocumentFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("812.3456.789", "+628123456789"),
        ("(0857) 1234 5678", "+6285712345678"),
        ("", ""),
    ],
)
def test_whatsapp_numbers_are_normalised_to_plus_62(raw, expected):
    assert normalise_whatsapp(raw) == expected


@pytest.mark.parametrize(
    "raw", ["12345", "021-5551234", "+1 415 555 0100", "0812-34", "08123456789012345", "abc", "0800000000"]
)
def test_malformed_or_non_mobile_numbers_are_refused(raw):
    with pytest.raises(ValidationError) as error:
        normalise_whatsapp(raw)
    assert "Nomor WhatsApp tidak valid" in str(error.value)


def test_two_producers_cannot_share_a_nib_but_many_may_have_none():
    ProducerFactory(nib="1234567890123")
    ProducerFactory(nib="")
    ProducerFactory(nib="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProducerFactory(nib="1234567890123")


def test_a_duplicate_nib_gets_a_clear_message_from_model_validation():
    ProducerFactory(nib="1234567890123")
    duplicate = ProducerFactory.build(nib="1234567890123")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "NIB ini sudah terdaftar" in str(error.value)


def test_the_database_refuses_a_price_range_upside_down():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(price_min=50000, price_max=10000)


def test_a_legality_document_belongs_to_exactly_one_holder():
    product, producer = ProductFactory(), ProducerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalityDocumentFactory(product=product, producer=producer)
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalityDocumentFactory(product=None, producer=None)


def test_a_halal_certificate_has_no_expiry_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalityDocumentFactory(product=ProductFactory(), kind="halal", expires_on=datetime.date(2030, 1, 1))
    document = LegalityDocumentFactory.build(
        product=ProductFactory(), kind="halal", expires_on=datetime.date(2030, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        document.full_clean()
    assert "Sertifikat halal tidak memiliki masa berlaku" in str(error.value)


def test_a_document_cannot_expire_before_it_was_issued():
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalityDocumentFactory(
            product=ProductFactory(),
            issued_on=datetime.date(2025, 1, 1),
            expires_on=datetime.date(2024, 1, 1),
        )


@pytest.mark.parametrize(
    ("expires_on", "state"),
    [
        (None, "valid"),
        (TODAY + datetime.timedelta(days=91), "valid"),
        (TODAY + datetime.timedelta(days=90), "expiring"),
        (TODAY, "expiring"),
        (TODAY - datetime.timedelta(days=1), "expired"),
    ],
)
def test_expiry_state_at_the_edges_of_90_days(expires_on, state):
    document = LegalityDocument(kind="spp_irt", issued_on=datetime.date(2020, 1, 1), expires_on=expires_on)
    assert document.state(on=TODAY) == state


def test_expiry_querysets_agree_with_the_state_of_each_document():
    product = ProductFactory()
    dates = [
        None,
        TODAY + datetime.timedelta(days=91),
        TODAY + datetime.timedelta(days=90),
        TODAY,
        TODAY - datetime.timedelta(days=1),
    ]
    documents = [
        LegalityDocumentFactory(product=product, expires_on=d, issued_on=datetime.date(2020, 1, 1))
        for d in dates
    ]
    expected = {
        state: {d.pk for d in documents if d.state(on=TODAY) == state}
        for state in ("valid", "expiring", "expired")
    }
    assert set(LegalityDocument.objects.expired(on=TODAY).values_list("pk", flat=True)) == expected["expired"]
    assert (
        set(LegalityDocument.objects.expiring(on=TODAY).values_list("pk", flat=True)) == expected["expiring"]
    )
    valid_or_expiring = expected["valid"] | expected["expiring"]
    assert set(LegalityDocument.objects.valid(on=TODAY).values_list("pk", flat=True)) == valid_or_expiring


def test_only_one_cover_photo_per_product():
    product = ProductFactory()
    kwargs = {
        "large_width": 1,
        "large_height": 1,
        "medium_width": 1,
        "medium_height": 1,
        "thumb_width": 1,
        "thumb_height": 1,
    }
    ProductPhoto.objects.create(
        product=product, is_cover=True, large="a.jpg", medium="a.jpg", thumb="a.jpg", **kwargs
    )
    ProductPhoto.objects.create(
        product=product, is_cover=False, large="b.jpg", medium="b.jpg", thumb="b.jpg", **kwargs
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductPhoto.objects.create(
            product=product, is_cover=True, large="c.jpg", medium="c.jpg", thumb="c.jpg", **kwargs
        )


def test_products_get_unique_readable_slugs():
    first = ProductFactory(name="Gerabah")
    second = ProductFactory(name="Gerabah")
    assert first.slug == "gerabah-bumijaya"
    assert second.slug == "gerabah-bumijaya-2"


def test_the_public_never_sees_contacts_without_consent():
    assert ProducerFactory(contact_consent=False).public_whatsapp == ""
    agreed = ProducerFactory(contact_consent=True)
    assert agreed.public_whatsapp == agreed.whatsapp


def test_a_product_with_legality_documents_cannot_be_deleted_by_a_cascade():
    from django.db.models import ProtectedError

    product = ProductFactory()
    LegalityDocumentFactory(product=product)
    with pytest.raises(ProtectedError):
        product.delete()
    assert Product.objects.filter(pk=product.pk).exists()

"""A producer's WhatsApp number and NIB are read by one function each (products.validators), whichever
way they arrive: the producer form, the spreadsheet import, the admin, or a script that runs
full_clean()."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from products.forms import ProducerForm
from products.models import Producer, normalise_nib, normalise_whatsapp
from products.resources.widgets import NIBWidget, WhatsAppWidget
from products.validators import validate_nib, validate_whatsapp
from tests.factories import BUMIJAYA, ProducerFactory, producer_data
from villages.roles import scope_of

INVALID = "Nomor WhatsApp tidak valid. Tulis nomor ponsel Indonesia, misalnya 0812-3456-7890."


@pytest.mark.parametrize(
    "raw",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "(0812) 3456.7890",
        "+62 812 3456 7890",
        "+62-812-3456-7890",
        "62812 3456 7890",
        "6281234567890",
        "812 3456 7890",
        "81234567890",
        "  0812-3456-7890  ",
    ],
)
def test_every_way_of_writing_an_indonesian_mobile_number_is_stored_in_e164(raw):
    assert normalise_whatsapp(raw) == "+6281234567890"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0811-1234-567", "+628111234567"),  # a 10-digit Telkomsel number
        ("0857 1111 2222", "+6285711112222"),  # Indosat
        ("0878-1234-5678", "+6287812345678"),  # XL
        ("0896 1234 5678", "+6289612345678"),  # Tri
        ("+62 811 1234 56789", "+62811123456789"),  # the longest, 12 digits after +62
    ],
)
def test_numbers_of_each_operator_and_length_are_accepted(raw, expected):
    assert normalise_whatsapp(raw) == expected


def test_an_empty_number_stays_empty():
    assert normalise_whatsapp("") == ""
    assert normalise_whatsapp("   ") == ""
    assert normalise_whatsapp(None) == ""


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("021-5551234", "a Jakarta fixed line"),
        ("(0254) 123456", "a Serang fixed line"),
        ("+62 21 5551234", "a fixed line written with +62"),
        ("0800-1234-5678", "a toll-free number"),
        ("0812-345", "too short"),
        ("+62 812 345", "too short, with +62"),
        ("0812", "far too short"),
        ("0812-3456-7890-123", "too long"),
        ("+62 812 3456 7890 1234", "too long, with +62"),
        ("0812-ABCD-7890", "letters (a phone keypad would read them as digits)"),
        ("abc", "only letters"),
        ("0812-3456-7890 ext 5", "an extension"),
        ("+44 7911 123456", "a British mobile"),
        ("+1 415 555 0100", "an American number"),
        ("0812+3456", "a plus sign inside"),
        ("0812/3456/7890", "slashes"),
    ],
)
def test_fixed_lines_foreign_and_malformed_numbers_are_refused(raw, why):
    with translation.override("id"), pytest.raises(ValidationError) as error:
        normalise_whatsapp(raw)
    assert error.value.messages == [INVALID], why
    assert error.value.code == "invalid_whatsapp"


def test_the_refusal_is_translated():
    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            normalise_whatsapp("021-5551234")
        assert error.value.messages == [
            "Invalid WhatsApp number. Enter an Indonesian mobile number, for example 0812-3456-7890."
        ]


def test_the_model_accepts_only_the_stored_form():
    validate_whatsapp("+6281234567890")
    validate_whatsapp("")
    for written in ("0812-3456-7890", "+62215551234", "+6281234"):
        with pytest.raises(ValidationError):
            validate_whatsapp(written)


@pytest.mark.django_db
def test_a_script_that_runs_full_clean_cannot_store_a_fixed_line():
    producer = ProducerFactory.build(whatsapp="+62215551234")
    with translation.override("id"), pytest.raises(ValidationError) as error:
        producer.full_clean()
    assert error.value.message_dict["whatsapp"] == [INVALID]


@pytest.mark.django_db
def test_a_script_that_runs_full_clean_cannot_store_a_number_as_written():
    producer = ProducerFactory.build(whatsapp="0812-3456-7890")
    with pytest.raises(ValidationError) as error:
        producer.full_clean()
    assert "whatsapp" in error.value.message_dict


@pytest.mark.django_db
def test_the_producer_form_stores_the_number_in_e164(officer_a):
    form = ProducerForm(data=producer_data(whatsapp="62 812 3456 7890"), scope=scope_of(officer_a))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["whatsapp"] == "+6281234567890"


@pytest.mark.django_db
def test_the_producer_form_refuses_a_fixed_line(officer_a):
    with translation.override("id"):
        form = ProducerForm(data=producer_data(whatsapp="021-5551234"), scope=scope_of(officer_a))
        assert not form.is_valid()
        assert form.errors["whatsapp"] == [INVALID]


def test_the_import_reads_a_cell_as_the_form_does():
    assert WhatsAppWidget().clean("0812 3456 7890") == "+6281234567890"
    assert WhatsAppWidget().clean(6281234567890) == "+6281234567890"  # a number cell
    assert WhatsAppWidget().clean("") == ""


def test_the_import_refuses_a_fixed_line_with_the_same_message():
    with translation.override("id"), pytest.raises(ValueError, match="Nomor WhatsApp tidak valid"):
        WhatsAppWidget().clean("021-5551234")


def _admin_add_data(client, **overrides) -> dict:
    page = client.get(reverse("admin:products_producer_add"))
    assert page.status_code == 200
    data = producer_data(**overrides)
    data.pop("contact_consent")
    data.update({"village": BUMIJAYA, "workers": "4"})
    for formset in page.context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


@pytest.mark.django_db
def test_the_admin_stores_a_number_written_as_people_write_it(admin_client):
    data = _admin_add_data(admin_client, whatsapp="0812-3456-7890", nib="1234 5678 90123")
    response = admin_client.post(reverse("admin:products_producer_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    producer = Producer.objects.get(business_name=data["business_name"])
    assert (producer.whatsapp, producer.nib) == ("+6281234567890", "1234567890123")


@pytest.mark.django_db
def test_the_admin_refuses_a_fixed_line(admin_client):
    data = _admin_add_data(admin_client, whatsapp="021-5551234")
    with translation.override("id"):
        response = admin_client.post(reverse("admin:products_producer_add"), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["whatsapp"] == [INVALID]
    assert not Producer.objects.filter(business_name=data["business_name"]).exists()


# NIB: 13 digits, spaces taken out, one function for every path too.


@pytest.mark.parametrize(
    "raw", ["1234567890123", "1234 5678 90123", " 1234567890123 ", "12 34 56 78 90 12 3"]
)
def test_a_nib_is_stored_as_its_13_digits(raw):
    assert normalise_nib(raw) == "1234567890123"


@pytest.mark.parametrize(
    "raw", ["123456789012", "12345678901234", "12345678901a3", "1234-5678-90123", "١٢٣٤٥٦٧٨٩٠١٢٣"]
)
def test_a_nib_that_is_not_13_digits_is_refused(raw):
    with translation.override("id"), pytest.raises(ValidationError) as error:
        normalise_nib(raw)
    assert error.value.messages == ["NIB terdiri dari 13 angka."]


def test_the_model_and_the_import_read_a_nib_as_the_form_does():
    validate_nib("1234567890123")
    with pytest.raises(ValidationError):
        validate_nib("1234 5678 90123")
    assert NIBWidget().clean("1234 5678 90123") == "1234567890123"
    with translation.override("id"), pytest.raises(ValueError, match="NIB terdiri dari 13 angka"):
        NIBWidget().clean("12")

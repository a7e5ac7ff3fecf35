"""A NIB held by a producer outside an officer's area: the form and the import refuse it without saying
who holds it or where, and never update or link that producer."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from products.models import NIB_HELD_ELSEWHERE, Producer, Product
from products.resources import ProducerResource, ProductResource
from tests.factories import BUMIJAYA, KRAMATWATU_VILLAGE, ProducerFactory
from villages.models import Village

pytestmark = pytest.mark.django_db

SECRET_NIB = "6666666666666"


@pytest.fixture
def holder() -> Producer:
    """A producer of kecamatan A (Ciruas), whose NIB an officer of kecamatan B types."""
    return ProducerFactory(
        business_name="Gerabah Rahasia",
        owner_name="Ibu Wartini",
        nib=SECRET_NIB,
        village=Village.objects.get(code=BUMIJAYA),
    )


def assert_nothing_of(holder: Producer, html: str) -> None:
    for secret in (holder.business_name, holder.owner_name, "Bumijaya", BUMIJAYA, holder.get_absolute_url()):
        assert secret not in html
    # Its id would show as a link to it (a bare number is everywhere on a page, version fields included).
    assert reverse("products:producer_update", args=[holder.pk]) not in html


def producer_form_data(client, url: str, **overrides) -> dict:
    """The producer form as its page shows it (hidden fields included), filled in for Kramatwatu."""
    form = client.get(url).context["form"]
    data = {field.name: field.value() for field in form.hidden_fields() if field.value() is not None}
    data |= {
        "business_name": "Golok Kramatwatu",
        "owner_name": "Pak Darma",
        "kind": "perorangan",
        "village": KRAMATWATU_VILLAGE,
        "workers": "2",
    }
    return data | overrides


def sheet(resource_class, *rows: dict) -> bytes:
    headers = resource_class().get_export_headers()
    workbook = openpyxl.Workbook()
    workbook.active.append(headers)
    for row in rows:
        workbook.active.append([row.get(header, "") for header in headers])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def preview(client, kind: str, data: bytes):
    response = client.post(
        reverse("officials:import"), {"kind": kind, "file": SimpleUploadedFile("data.xlsx", data)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response.url), response.url.split("ref=")[1]


# --- the producer form ----------------------------------------------------------------------------------


def test_officer_cannot_learn_who_holds_a_nib_of_another_kecamatan_from_the_new_producer_form(
    officer_b_client, holder
):
    url = reverse("products:producer_create")

    response = officer_b_client.post(url, producer_form_data(officer_b_client, url, nib=SECRET_NIB))

    assert response.status_code == 200
    assert response.context["form"].errors["nib"] == [str(NIB_HELD_ELSEWHERE)]
    assert_nothing_of(holder, response.content.decode())
    assert list(Producer.objects.filter(nib=SECRET_NIB)) == [holder]


def test_officer_cannot_learn_who_holds_a_nib_of_another_kecamatan_when_editing_their_producer(
    officer_b_client, holder
):
    own = ProducerFactory(
        business_name="Golok Kramatwatu", village=Village.objects.get(code=KRAMATWATU_VILLAGE)
    )
    url = reverse("products:producer_update", args=[own.pk])

    response = officer_b_client.post(url, producer_form_data(officer_b_client, url, nib=SECRET_NIB))

    assert response.status_code == 200
    assert response.context["form"].errors["nib"] == [str(NIB_HELD_ELSEWHERE)]
    assert_nothing_of(holder, response.content.decode())
    own.refresh_from_db()
    assert own.nib == ""


def test_a_nib_already_held_in_the_officers_own_area_names_the_producer_that_holds_it(
    officer_a_client, holder
):
    url = reverse("products:producer_create")
    data = producer_form_data(officer_a_client, url, village=BUMIJAYA, nib=SECRET_NIB)

    response = officer_a_client.post(url, data)

    assert response.status_code == 200
    [message] = response.context["form"].errors["nib"]
    assert "Gerabah Rahasia" in message  # the officer may see that producer anyway
    assert Producer.objects.filter(nib=SECRET_NIB).count() == 1


# --- the import -----------------------------------------------------------------------------------------


def test_a_producer_import_neither_names_nor_updates_a_producer_of_another_kecamatan_by_its_nib(
    officer_b_client, holder
):
    data = sheet(
        ProducerResource,
        {
            "Kode desa": KRAMATWATU_VILLAGE,
            "Nama usaha": "Golok Kramatwatu",
            "Pemilik/ketua": "Pak Darma",
            "NIB": SECRET_NIB,
        },
    )

    page, ref = preview(officer_b_client, "produsen", data)

    assert page.context["report"].errors == [(2, "NIB", str(NIB_HELD_ELSEWHERE))]
    assert_nothing_of(holder, page.content.decode())
    confirmed = officer_b_client.post(reverse("officials:import_preview"), {"ref": ref})
    assert confirmed.status_code == 400
    assert_nothing_of(holder, confirmed.content.decode())
    assert list(Producer.objects.all()) == [holder]
    holder.refresh_from_db()
    assert (holder.business_name, holder.owner_name, holder.village_id) == (
        "Gerabah Rahasia",
        "Ibu Wartini",
        BUMIJAYA,
    )


def test_a_product_import_answers_a_nib_of_another_kecamatan_as_it_answers_a_nib_nobody_holds(
    officer_b_client, holder
):
    unknown = "1111111111111"
    data = sheet(
        ProductResource,
        *[
            {"Kode desa": KRAMATWATU_VILLAGE, "Nama produk": name, "Kategori": "kerajinan", "Produsen": nib}
            for name, nib in (("Golok A", SECRET_NIB), ("Golok B", unknown))
        ],
    )

    page, _ref = preview(officer_b_client, "produk", data)

    [(_, column, held), (_, _, nobody)] = page.context["report"].errors
    assert column == "Produsen"
    assert held.replace(SECRET_NIB, unknown) == nobody
    assert_nothing_of(holder, page.content.decode())
    assert not Product.objects.exists()
    assert not holder.products.exists()

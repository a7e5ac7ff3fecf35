"""The printable certificate of an approved designation and the public verification page its QR code
leads to: valid today, ended (with its end date), or unknown, and nothing internal shown."""

import datetime
import re
import uuid

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from products import services
from products.models import Designation
from tests.factories import BUMIJAYA, ProducerFactory, ProductFactory
from villages.models import Village

pytestmark = pytest.mark.django_db

DECREE_DATE = datetime.date(2026, 3, 2)
NIB = "1234567890123"


@pytest.fixture
def flagship(officer_a, dinas):
    product = ProductFactory(name="Gerabah Bumijaya", village=Village.objects.get(code=BUMIJAYA))
    product.producers.add(
        ProducerFactory(business_name="UMKM Gerabah Sejahtera", owner_name="Ibu Rahasia", nib=NIB)
    )
    proposal = services.designation_propose(
        product=product, proposed_by=officer_a, year=2026, notes="Catatan internal usulan"
    )
    return services.designation_approve(
        designation=proposal,
        decided_by=dinas,
        decree_number="500/Kep.12-Huk/2026",
        decree_date=DECREE_DATE,
        expected_current_id=None,
    )


def verify_url(designation: Designation) -> str:
    return reverse("catalogue:verify", kwargs={"code": designation.verification_code})


# --- the certificate ----------------------------------------------------------------------------------------


def test_an_approved_designation_has_a_printable_certificate(officer_a_client, flagship):
    response = officer_a_client.get(reverse("products:designation_certificate", args=[flagship.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    for shown in [
        "Kabupaten Serang",
        "Desa Bumijaya",
        "Ciruas",
        "Gerabah Bumijaya",
        "500/Kep.12-Huk/2026",
        "2 Maret 2026",
        "Tahun penetapan 2026",
    ]:
        assert shown in content, shown
    assert f"{settings.OVOP_PUBLIC_URL}{verify_url(flagship)}" in content
    assert re.search(r'<img class="qr" src="data:image/svg\+xml', content)
    assert "css/print-a4.css" in content


def test_the_certificates_qr_code_encodes_the_public_verification_address(officer_a_client, flagship):
    response = officer_a_client.get(reverse("products:designation_certificate", args=[flagship.pk]))
    assert (
        response.context["verification_url"]
        == f"{settings.OVOP_PUBLIC_URL}/verifikasi/{flagship.verification_code}/"
    )


def test_a_certificate_follows_the_officials_area(officer_b_client, client, flagship):
    url = reverse("products:designation_certificate", args=[flagship.pk])
    assert officer_b_client.get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_a_proposal_or_an_ended_designation_has_no_certificate(dinas, dinas_client, officer_a, flagship):
    proposal = services.designation_propose(product=ProductFactory(), proposed_by=officer_a, year=2026)
    assert (
        dinas_client.get(reverse("products:designation_certificate", args=[proposal.pk])).status_code == 404
    )
    services.designation_end(designation=flagship, ended_by=dinas, reason="Produksi berhenti")
    assert (
        dinas_client.get(reverse("products:designation_certificate", args=[flagship.pk])).status_code == 404
    )


# --- the public verification --------------------------------------------------------------------------------


def test_every_designation_has_its_own_verification_code(officer_a):
    codes = {
        services.designation_propose(
            product=ProductFactory(), proposed_by=officer_a, year=2026
        ).verification_code
        for _ in range(3)
    }
    assert len(codes) == 3 and all(isinstance(code, uuid.UUID) and code.version == 4 for code in codes)


def test_an_anonymous_visitor_sees_a_valid_designation(client, flagship):
    response = client.get(verify_url(flagship))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Sah: penetapan ini berlaku per" in content
    assert timezone.localdate().strftime("%Y") in content
    for shown in [
        "Gerabah Bumijaya",
        "Desa Bumijaya",
        "Ciruas",
        "Kabupaten Serang",
        "2026",
        "500/Kep.12-Huk/2026",
    ]:
        assert shown in content, shown
    # A public page: cacheable for a short while, not marked private by the middleware.
    assert "private" not in response["Cache-Control"] and "max-age=300" in response["Cache-Control"]


def test_the_verification_page_shows_nothing_internal(client, flagship, officer_a, dinas):
    content = client.get(verify_url(flagship)).content.decode()
    for internal in [
        officer_a.username,
        dinas.username,
        "Catatan internal usulan",
        NIB,
        "Ibu Rahasia",
        "UMKM Gerabah Sejahtera",
        reverse("officials:product_detail", args=[flagship.product_id]),
        reverse("officials:village_registry", args=[BUMIJAYA]),
    ]:
        assert internal not in content, internal


def test_an_ended_designation_shows_its_end_date_and_not_its_reason(client, dinas, flagship):
    services.designation_end(designation=flagship, ended_by=dinas, reason="Alasan internal pengakhiran")
    response = client.get(verify_url(flagship))
    content = response.content.decode()
    assert response.status_code == 200
    flagship.refresh_from_db()
    ended_on = timezone.localtime(flagship.ended_at).date()
    assert response.context["ended_on"] == ended_on
    assert "sudah berakhir pada" in content and "Sah:" not in content
    assert "Alasan internal pengakhiran" not in content and dinas.username not in content


def test_a_replaced_designation_shows_as_ended(client, dinas, officer_a, flagship):
    successor = services.designation_propose(
        product=ProductFactory(village=Village.objects.get(code=BUMIJAYA)), proposed_by=officer_a, year=2027
    )
    services.designation_approve(
        designation=successor,
        decided_by=dinas,
        decree_number="2/2027",
        decree_date=DECREE_DATE,
        expected_current_id=flagship.pk,
    )
    assert "sudah berakhir pada" in client.get(verify_url(flagship)).content.decode()
    assert "Sah:" in client.get(verify_url(successor)).content.decode()


@pytest.mark.parametrize("code", ["0b7a3c1e-5d2f-4e8a-9c61-2f4d8e7a9b10", "bukan-kode", "1" * 32])
def test_an_unknown_code_is_not_found_in_the_register(client, flagship, code):
    response = client.get(reverse("catalogue:verify", kwargs={"code": code}))
    assert response.status_code == 404
    assert "Tidak ditemukan dalam register" in response.content.decode()
    assert "Gerabah Bumijaya" not in response.content.decode()


def test_a_proposal_or_rejection_is_unknown_to_the_public(client, dinas, officer_a):
    proposal = services.designation_propose(product=ProductFactory(), proposed_by=officer_a, year=2026)
    assert client.get(verify_url(proposal)).status_code == 404
    services.designation_reject(designation=proposal, decided_by=dinas, reason="Belum siap")
    assert client.get(verify_url(proposal)).status_code == 404


def test_a_flagship_whose_product_moved_away_is_not_shown_as_valid(client, flagship):
    # Moved behind the services' back (a bulk update): public reads never show it (in_product_village).
    type(flagship.product).objects.filter(pk=flagship.product_id).update(village_id="36.04.09.2001")
    assert client.get(verify_url(flagship)).status_code == 404


def test_the_verification_page_answers_in_a_fixed_number_of_queries(
    client, flagship, django_assert_num_queries
):
    with django_assert_num_queries(2):
        # 1 the designation with village, kecamatan, regency, product, category and decree,
        # 2 the served regency (header)
        client.get(verify_url(flagship))

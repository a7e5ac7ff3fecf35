"""Verifiable legality: the number, issuer and the issuer's check page on the public product and
producer pages; the issuer on the officials' form, list and import; the producer's "about" text; and
the stall label carrying producers, place, regency mark, legality numbers and the QR code."""

import datetime
import re

import pytest
from django.urls import reverse

from products.models import LegalityDocument, Producer
from tests.factories import (
    LegalityDocumentFactory,
    ProducerFactory,
    ProductFactory,
    legality_data,
    producer_data,
)
from tests.officials.test_spreadsheets import xlsx_bytes
from tests.products.test_import_legality import HEADERS, confirm, halal_for, legality_file, preview
from tests.regency.test_identity import save_profile

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def documented():
    """A published product with its own halal certificate (typed issuer), a maker who consented with a
    P-IRT and a NIB on its data, a maker who did not, and an expired BPOM registration."""
    maker = ProducerFactory(
        business_name="KWT Melati", contact_consent=True, whatsapp="+6281200001111", nib="1234567890123"
    )
    closed = ProducerFactory(business_name="Ibu Warsih", contact_consent=False, whatsapp="+6281299998888")
    product = ProductFactory(name="Emping Melinjo Bumijaya")
    product.producers.add(maker, closed)
    LegalityDocumentFactory(
        product=product, kind=LegalityDocument.Kind.HALAL, number="ID36110000123450224", issuer="BPJPH"
    )
    LegalityDocumentFactory(
        producer=maker,
        kind=LegalityDocument.Kind.SPP_IRT,
        number="P-IRT 2063604010123-30",
        issued_on=datetime.date(2024, 6, 1),
        expires_on=TODAY + datetime.timedelta(days=700),
    )
    LegalityDocumentFactory(
        product=product,
        kind=LegalityDocument.Kind.BPOM_MD,
        number="MD 224510001234",
        issued_on=datetime.date(2019, 1, 1),
        expires_on=TODAY - datetime.timedelta(days=1),
    )
    return product


def legality_section(html: str) -> str:
    start = html.index('id="legality-heading"')
    return html[start : html.index("</section>", start)]


# --- public pages ------------------------------------------------------------------------------------


def test_the_product_page_shows_number_issuer_and_check_link_of_each_valid_document(client, documented):
    section = legality_section(client.get(documented.get_public_url()).content.decode())

    assert "ID36110000123450224" in section
    assert "BPJPH" in section  # typed
    assert 'href="https://bpjph.halal.go.id/search/sertifikat" rel="noopener"' in section
    assert "P-IRT 2063604010123-30" in section
    assert "Pemerintah kabupaten/kota (SPP-IRT)" in section  # the usual issuer, none typed
    assert 'href="https://sppirt.pom.go.id/" rel="noopener"' in section
    assert "KWT Melati" in section  # who holds the producer's document


def test_the_product_page_never_shows_an_expired_document(client, documented):
    html = client.get(documented.get_public_url()).content.decode()

    assert "MD 224510001234" not in html


def test_a_document_of_a_kind_without_a_check_page_shows_no_check_link(client, documented):
    LegalityDocumentFactory(product=documented, kind=LegalityDocument.Kind.OTHER, number="SKU-77")

    section = legality_section(client.get(documented.get_public_url()).content.decode())
    item = section[section.index("SKU-77") :]
    item = item[: item.index("</li>")]

    assert "Cek di" not in item


def test_the_producer_page_shows_its_legality_and_its_nib_with_the_oss_check_page(client, documented):
    maker = Producer.objects.get(business_name="KWT Melati")

    section = legality_section(client.get(maker.get_public_url()).content.decode())

    assert "1234567890123" in section  # the NIB: a public business number (OSS)
    assert "Kementerian Investasi/BKPM (OSS)" in section
    assert 'href="https://oss.go.id/' in section
    assert "P-IRT 2063604010123-30" in section
    assert "ID36110000123450224" not in section  # the product's, not the producer's


# --- the officials' side -----------------------------------------------------------------------------


def test_an_official_records_the_issuer_and_the_documents_list_shows_it(officer_a_client):
    product = ProductFactory()
    url = reverse("products:legality_add_to_product", args=[product.pk])

    assert 'name="issuer"' in officer_a_client.get(url).content.decode()
    response = officer_a_client.post(url, legality_data(issuer="Dinas Kesehatan Kabupaten Serang"))

    assert response.status_code == 302
    assert LegalityDocument.objects.get(product=product).issuer == "Dinas Kesehatan Kabupaten Serang"
    page = officer_a_client.get(reverse("officials:product_detail", args=[product.pk])).content.decode()
    assert "Dinas Kesehatan Kabupaten Serang" in page


def test_an_issuer_too_long_is_refused_with_a_message_and_nothing_saved(officer_a_client):
    product = ProductFactory()
    url = reverse("products:legality_add_to_product", args=[product.pk])

    response = officer_a_client.post(url, legality_data(issuer="x" * 151))

    assert response.status_code == 200
    assert response.context["form"].errors["issuer"]
    assert not LegalityDocument.objects.filter(product=product).exists()


def test_an_official_writes_the_producers_about_text_shown_on_its_page(officer_a_client, client, documented):
    maker = Producer.objects.get(business_name="KWT Melati")
    url = reverse("products:producer_update", args=[maker.pk])
    form = officer_a_client.get(url).context["form"]
    data = {field.name: field.value() for field in form.hidden_fields() if field.value() is not None}
    data |= producer_data(
        business_name="KWT Melati", profile="Kelompok wanita tani pembuat emping sejak 2005."
    )

    response = officer_a_client.post(url, data)

    assert response.status_code == 302
    maker.refresh_from_db()
    assert maker.profile == "Kelompok wanita tani pembuat emping sejak 2005."
    assert (
        "Kelompok wanita tani pembuat emping sejak 2005."
        in client.get(maker.get_public_url()).content.decode()
    )


def test_the_legality_import_reads_the_issuer_column(officer_a_client):
    product = ProductFactory(name="Emping Melinjo")

    page, ref = preview(
        officer_a_client, "legalitas", legality_file(halal_for(product, Penerbit="BPJPH Banten"))
    )
    assert page.context["report"].counts["new"] == 1
    confirm(officer_a_client, ref)

    assert LegalityDocument.objects.get(product=product).issuer == "BPJPH Banten"


def test_a_legality_file_without_the_issuer_column_still_imports_and_keeps_the_issuer(officer_a_client):
    product = ProductFactory(name="Emping Melinjo")
    LegalityDocumentFactory(
        product=product, kind=LegalityDocument.Kind.HALAL, number="ID3211000123", issuer="BPJPH Banten"
    )
    row = halal_for(product, **{"Tanggal terbit": "20/02/2025"})
    headers = [header for header in HEADERS if header != "Penerbit"]
    data = xlsx_bytes([headers, [row.get(header, "") for header in headers]])

    page, ref = preview(officer_a_client, "legalitas", data)
    assert page.context["report"].counts["update"] == 1
    confirm(officer_a_client, ref)

    document = LegalityDocument.objects.get(product=product)
    assert (document.issued_on, document.issuer) == (datetime.date(2025, 2, 20), "BPJPH Banten")


# --- the stall label ---------------------------------------------------------------------------------


def label(client, product) -> str:
    html = client.get(reverse("catalogue:label", args=[product.slug])).content.decode()
    return html[html.index('class="print-label') : html.index("</article>")]


def test_the_label_carries_product_makers_place_legality_numbers_qr_and_portal(client, documented):
    html = label(client, documented)

    assert "Emping Melinjo Bumijaya" in html
    assert "KWT Melati" in html and "Ibu Warsih" in html
    assert "Bumijaya" in html and "Ciruas" in html and "Kabupaten Serang" in html
    for number in ("ID36110000123450224", "P-IRT 2063604010123-30", "1234567890123"):
        assert number in html, number
    assert "MD 224510001234" not in html  # expired
    assert reverse("catalogue:qr", args=[documented.slug, "svg"]) in html
    assert "portal OVOP Kabupaten Serang" in html


def test_the_label_shows_a_consenting_makers_whatsapp_and_never_another(client, documented):
    html = label(client, documented)

    assert "+6281200001111" in html
    assert "6281299998888" not in html


def test_without_a_logo_the_label_marks_the_regency_by_its_name(client, documented):
    html = label(client, documented)

    assert re.search(r'class="label-regency-mark">\s*Kabupaten Serang', html)
    assert "<img" in html and 'class="regency-label-logo' not in html


def test_with_a_logo_the_label_shows_the_regencys_logo(client, documented):
    profile = save_profile()

    html = label(client, documented)

    assert f'src="{profile.logo.url}"' in html
    assert "label-regency-mark" not in html


def test_the_label_loads_its_print_stylesheet(client, documented):
    html = client.get(reverse("catalogue:label", args=[documented.slug])).content.decode()

    assert 'href="/static/css/label.css"' in html


def test_the_label_runs_a_fixed_number_of_queries(client, documented, django_assert_num_queries):
    for n in range(3):
        maker = ProducerFactory(contact_consent=bool(n % 2))
        documented.producers.add(maker)
        LegalityDocumentFactory(producer=maker, kind=LegalityDocument.Kind.HKI, number=f"IDM{n}")
    with django_assert_num_queries(4):
        # 1 the product with its place, 2 its producers, 3 the valid documents of product and
        # producers, 4 the served regency
        client.get(reverse("catalogue:label", args=[documented.slug]))

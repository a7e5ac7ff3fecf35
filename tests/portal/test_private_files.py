"""Legality scans are private: random names outside MEDIA_ROOT, served only to officials whose area
covers the document's holder, and accepted only when the whole file is the PDF, JPEG or PNG it claims."""

import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from products.models import LegalityDocument
from tests.factories import LegalityDocumentFactory, ProducerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def pdf_bytes(text: str = "Izin usaha") -> bytes:
    """A small, well-formed PDF: header, objects, a cross-reference table at the offset startxref gives."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    ]
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def image_bytes(fmt: str, size=(120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, format=fmt)
    return buffer.getvalue()


def legality_post(client, product, name: str, content: bytes):
    return client.post(
        reverse("products:legality_add_to_product", args=[product.pk]),
        {
            "kind": "spp_irt",
            "number": "P-IRT 2093604010123-27",
            "issued_on": "2025-01-01",
            "scan": SimpleUploadedFile(name, content),
        },
    )


def files_under(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def stored_scan(settings):
    """A document of a product in Ciruas (kecamatan A) with a scan already in private storage."""
    document = LegalityDocumentFactory(product=ProductFactory())
    document.scan.save("izin.pdf", ContentFile(pdf_bytes()))
    return document


# --- storing -------------------------------------------------------------------------------------------


def test_an_uploaded_scan_is_stored_privately_under_a_random_name(officer_a_client, settings):
    product = ProductFactory()
    response = legality_post(officer_a_client, product, "Izin Budi Santoso NIK 3604.pdf", pdf_bytes())
    assert response.status_code == 302
    scan = LegalityDocument.objects.get().scan
    assert "Budi" not in scan.name and "3604" not in scan.name.split("/")[-1]
    assert scan.name.endswith(".pdf")
    on_disk = Path(scan.path)
    assert on_disk.read_bytes() == pdf_bytes()
    assert on_disk.is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert not on_disk.is_relative_to(settings.MEDIA_ROOT)
    assert files_under(settings.MEDIA_ROOT) == []
    assert settings.MEDIA_URL not in scan.url  # its URL is the checking view, not /media/


@pytest.mark.parametrize(
    ("name", "fmt"), [("surat.jpg", "JPEG"), ("surat.jpeg", "JPEG"), ("surat.png", "PNG")]
)
def test_a_whole_jpeg_or_png_scan_is_accepted(officer_a_client, name, fmt):
    response = legality_post(officer_a_client, ProductFactory(), name, image_bytes(fmt))
    assert response.status_code == 302
    assert LegalityDocument.objects.get().scan.name.endswith(".png" if fmt == "PNG" else ".jpg")


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
BAD_SCANS = {
    # the reported case: JPEG's first bytes, then a page
    "html-in-jpg": ("surat.jpg", b"\xff\xd8\xff\xe0" + HTML),
    # a real JPEG with a page after its end: Pillow alone reads it happily
    "html-after-jpeg": ("surat.jpg", image_bytes("JPEG") + HTML),
    "html-after-png": ("surat.png", image_bytes("PNG") + HTML),
    "truncated-pdf": ("surat.pdf", pdf_bytes()[: len(pdf_bytes()) // 2]),
    "pdf-without-eof": ("surat.pdf", pdf_bytes().replace(b"%%EOF", b"")),
    "pdf-with-wrong-xref-offset": ("surat.pdf", pdf_bytes().replace(b"startxref\n", b"startxref\n9")),
    "pdf-header-then-html": ("surat.pdf", b"%PDF-1.4\n" + HTML + b"\n%%EOF\n"),
    "png-named-pdf": ("surat.pdf", image_bytes("PNG")),
    "pdf-named-jpg": ("surat.jpg", pdf_bytes()),
    "truncated-jpeg": ("surat.jpg", image_bytes("JPEG", size=(400, 300))[:400]),
    "truncated-png": ("surat.png", image_bytes("PNG", size=(400, 300))[:200]),
    "gif-named-png": ("surat.png", image_bytes("GIF")),
    "html-named-html": ("surat.html", HTML),
}


@pytest.mark.parametrize("bad", list(BAD_SCANS))
def test_a_scan_that_is_not_wholly_what_it_claims_is_refused_with_a_message(officer_a_client, settings, bad):
    name, content = BAD_SCANS[bad]
    response = legality_post(officer_a_client, ProductFactory(), name, content)
    assert response.status_code == 200
    assert "Pindaian harus berkas PDF, JPEG atau PNG" in response.content.decode()
    assert not LegalityDocument.objects.exists()
    assert files_under(settings.PRIVATE_MEDIA_ROOT) == files_under(settings.MEDIA_ROOT) == []


def test_the_model_field_checks_a_scan_so_the_admin_and_scripts_cannot_skip_it():
    document = LegalityDocumentFactory(product=ProductFactory())
    document.scan = SimpleUploadedFile("surat.jpg", b"\xff\xd8\xff\xe0" + HTML)
    with pytest.raises(ValidationError) as refused:
        document.full_clean()
    assert "scan" in refused.value.message_dict


# --- serving ------------------------------------------------------------------------------------------


def scan_url(document) -> str:
    return reverse("products:legality_scan", args=[document.pk])


def test_an_anonymous_visitor_is_sent_to_sign_in(client, stored_scan):
    response = client.get(scan_url(stored_scan))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_officer_of_another_kecamatan_gets_404(officer_b_client, stored_scan):
    assert officer_b_client.get(scan_url(stored_scan)).status_code == 404
    # the storage's own URL (the admin's link) goes through the same check
    assert officer_b_client.get(stored_scan.scan.url).status_code == 404


@pytest.mark.parametrize("persona", ["officer_a_client", "dinas_client"])
def test_the_holders_officer_and_dinas_get_the_scan(request, stored_scan, persona):
    response = request.getfixturevalue(persona).get(scan_url(stored_scan))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f'filename="spp_irt-{stored_scan.number.lower()}-{stored_scan.pk}.pdf"' in disposition
    assert "izin" not in disposition


def test_a_producers_scan_follows_the_producers_area(officer_a_client, officer_b_client):
    document = LegalityDocumentFactory(producer=ProducerFactory())
    document.scan.save("x.png", ContentFile(image_bytes("PNG")))
    response = officer_a_client.get(scan_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert officer_b_client.get(scan_url(document)).status_code == 404


def test_behind_nginx_the_file_is_handed_over_with_x_accel_redirect(officer_a_client, stored_scan, settings):
    settings.OVOP_PRIVATE_FILES_ACCEL = "/_private/"
    response = officer_a_client.get(scan_url(stored_scan))
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_private/" + stored_scan.scan.name
    assert response.content == b""
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_document_without_a_scan_or_a_missing_file_answers_404(officer_a_client, stored_scan):
    without = LegalityDocumentFactory(product=stored_scan.product)
    assert officer_a_client.get(scan_url(without)).status_code == 404
    Path(stored_scan.scan.path).unlink()
    assert officer_a_client.get(scan_url(stored_scan)).status_code == 404
    assert (
        officer_a_client.get(reverse("products:private_file", args=["../../etc/passwd"])).status_code == 404
    )


def test_the_product_page_links_the_scan_through_the_checking_view(officer_a_client, stored_scan):
    html = officer_a_client.get(stored_scan.product.get_absolute_url()).content.decode()
    assert scan_url(stored_scan) in html
    assert "/media/legalitas" not in html


def test_a_deleted_document_takes_its_private_scan_with_it(
    officer_a_client, stored_scan, django_capture_on_commit_callbacks
):
    path = Path(stored_scan.scan.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_a_client.post(reverse("products:legality_delete", args=[stored_scan.pk]))
    assert response.status_code == 302
    assert not path.exists()


# --- moving old public scans --------------------------------------------------------------------------


def test_move_private_scans_moves_public_scans_to_random_private_names_once(settings):
    document = LegalityDocumentFactory(product=ProductFactory())
    old_name = default_storage.save("legalitas/2024/05/Izin Budi Santoso.pdf", ContentFile(pdf_bytes()))
    LegalityDocument.objects.filter(pk=document.pk).update(scan=old_name)
    out = io.StringIO()

    call_command("move_private_scans", "--dry-run", stdout=out)
    assert "1 scans would be moved" in out.getvalue()
    assert default_storage.exists(old_name)

    call_command("move_private_scans", stdout=out)
    document.refresh_from_db()
    assert "Budi" not in document.scan.name
    assert Path(document.scan.path).is_relative_to(settings.PRIVATE_MEDIA_ROOT)
    assert Path(document.scan.path).read_bytes() == pdf_bytes()
    assert files_under(settings.MEDIA_ROOT) == []

    again = io.StringIO()
    call_command("move_private_scans", stdout=again)
    assert "0 scans moved to private storage, 1 already private, 0 missing" in again.getvalue()
    assert LegalityDocument.objects.get().scan.name == document.scan.name

"""A failed upload or import leaves nothing behind: no row, no file in MEDIA_ROOT, nothing in the
folders uploads pass through (Django's spool for large uploads), no held import (officials.models.HeldUpload).

Every form with a file field is driven with bad files while its other fields are right, so the file is
what is refused; then the failures that come later, once a file is already written: a database write
that fails, a disk that fills, an import row that fails half-way through.
"""

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from officials.models import HeldUpload
from products.models import LegalityDocument, Producer
from tests.factories import ProducerFactory, ProductFactory
from tests.officials.test_spreadsheets import PRODUCER_HEADERS, producer_row, xlsx_bytes
from tests.portal.test_hostile_input import budget, seeded, snapshot
from tests.portal.test_private_files import pdf_bytes
from tests.products.test_views import product_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _folders(settings, tmp_path):
    """Every folder a file may land in belongs to the test, to be listed before and after."""
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "spool")
    (tmp_path / "spool").mkdir()


def files(settings) -> set[str]:
    """Every file under MEDIA_ROOT, PRIVATE_MEDIA_ROOT (scans) and the upload spool."""
    roots = [
        Path(settings.MEDIA_ROOT),
        Path(settings.PRIVATE_MEDIA_ROOT),
        Path(settings.FILE_UPLOAD_TEMP_DIR),
    ]
    return {str(p) for root in roots if root.exists() for p in root.rglob("*") if p.is_file()}


def held_imports(settings) -> set[str]:
    return set(HeldUpload.objects.values_list("token", flat=True))


# --- bad files -------------------------------------------------------------------------------------------


def image_bytes(fmt: str, size=(640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (150, 90, 40)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims these dimensions: a decompression bomb as Pillow first sees it."""
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    header = b"IHDR" + struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(header))
    return bytes(data)


BAD_IMAGES = {
    "text-named-jpg": ("foto.jpg", b"bukan gambar, hanya teks"),
    "empty": ("kosong.jpg", b""),
    "truncated-jpeg": ("rusak.jpg", image_bytes("JPEG")[:300]),
    "png-named-jpg": ("ganti-nama.jpg", image_bytes("PNG", size=(40, 30))),
    "gif": ("animasi.gif", image_bytes("GIF", size=(40, 30))),
    "bomb": ("bom.png", png_claiming(100_000, 100_000)),
    "svg-script": ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    "windows-program": ("setup.jpg", b"MZ\x90\x00\x03" + b"\x00" * 100),
    # more than Django keeps in memory (2.5 MB): spooled to FILE_UPLOAD_TEMP_DIR while the request lasts
    "large-not-an-image": ("besar.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * (3 * 1024 * 1024)),
}
BAD_SCANS = {
    "windows-program-named-pdf": ("surat.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100),
    "png-named-pdf": ("surat.pdf", image_bytes("PNG", size=(40, 30))),
    "html-named-pdf": ("surat.pdf", b"<html><script>alert(1)</script></html>"),
    "exe": ("surat.exe", b"%PDF-1.4\n"),
    "large-not-a-pdf": ("besar.pdf", b"\x00" * (3 * 1024 * 1024)),
    "over-10mb": ("besar.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)),
}


def upload_forms(world) -> dict:
    """Each form that takes a file: its URL, its other fields (right), its file field and what the
    page says when that file is refused."""
    product, producer, document = world["product"], world["producer"], world["document"]
    today = timezone.localdate().isoformat()
    legality = {"kind": "spp_irt", "number": "P-IRT 123", "issued_on": "2024-01-01", "expires_on": ""}
    visit = {"visited_on": today, "findings": "Tungku dipakai penuh"}
    return {
        "photo_add": (reverse("officials:photo_add", args=[product.pk]), {"caption": "Kendi"}, "image"),
        "product_create": (reverse("products:product_create"), product_data(name="Baru"), "photo-image"),
        "legality_product": (
            reverse("products:legality_add_to_product", args=[product.pk]),
            legality,
            "scan",
        ),
        "legality_producer": (
            reverse("products:legality_add_to_producer", args=[producer.pk]),
            legality,
            "scan",
        ),
        "legality_update": (reverse("products:legality_update", args=[document.pk]), legality, "scan"),
        "visit_product": (reverse("assistance:visit_create_for_product", args=[product.pk]), visit, "photos"),
        "visit_producer": (
            reverse("assistance:visit_create_for_producer", args=[producer.pk]),
            visit,
            "photos",
        ),
    }


@pytest.fixture
def world(officer_a):
    product = ProductFactory(name="Gerabah Bumijaya")
    producer = ProducerFactory(business_name="Sentra Gerabah")
    product.producers.add(producer)
    document = LegalityDocument.objects.create(
        product=product, kind="spp_irt", number="P-1", issued_on="2024-01-01"
    )
    return {"product": product, "producer": producer, "document": document}


def post_refused(client, url: str, data: dict, settings) -> None:
    before, files_before = snapshot(), files(settings)
    response = client.post(url, data)
    assert response.status_code in (200, 400), response.status_code
    html = response.content.decode()
    assert "invalid-feedback" in html or "alert-danger" in html, "refused without a message"
    assert snapshot() == before, "a refused upload wrote to the database"
    assert files(settings) == files_before, "a refused upload left files"


@pytest.mark.parametrize("bad", list(BAD_IMAGES))
@pytest.mark.parametrize("form", ["photo_add", "product_create", "visit_product", "visit_producer"])
def test_a_bad_photo_is_refused_and_leaves_no_row_and_no_file(officer_a_client, world, settings, form, bad):
    url, data, field = upload_forms(world)[form]
    name, content = BAD_IMAGES[bad]
    post_refused(officer_a_client, url, {**data, field: SimpleUploadedFile(name, content)}, settings)


@pytest.mark.parametrize("bad", list(BAD_SCANS))
@pytest.mark.parametrize("form", ["legality_product", "legality_producer", "legality_update"])
def test_a_bad_scan_is_refused_and_leaves_no_row_and_no_file(officer_a_client, world, settings, form, bad):
    url, data, field = upload_forms(world)[form]
    name, content = BAD_SCANS[bad]
    post_refused(officer_a_client, url, {**data, field: SimpleUploadedFile(name, content)}, settings)


def test_one_bad_photo_among_good_ones_keeps_the_whole_visit_unsaved(officer_a_client, world, settings):
    url, data, field = upload_forms(world)["visit_product"]
    photos = [
        SimpleUploadedFile("a.jpg", image_bytes("JPEG")),
        SimpleUploadedFile("b.jpg", b"bukan gambar"),
        SimpleUploadedFile("c.jpg", image_bytes("JPEG")),
    ]
    post_refused(officer_a_client, url, {**data, field: photos}, settings)


def test_random_bytes_under_any_file_name_leave_nothing_behind(officer_a_client, world, settings):
    forms = upload_forms(world)

    @budget(25)
    @seeded("uploads")
    @given(
        form=st.sampled_from(sorted(forms)),
        name=st.sampled_from(["a.jpg", "a.png", "a.webp", "a.pdf", "a.JPG", "a.jpg.exe", "a", ".jpg"]),
        head=st.sampled_from(
            [b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-", b"RIFF\x00\x00\x00\x00WEBP"]
        ),
        tail=st.binary(max_size=200),
    )
    def drive(form, name, head, tail):
        url, data, field = forms[form]
        with transaction.atomic():
            before, files_before = snapshot(), files(settings)
            response = officer_a_client.post(url, {**data, field: SimpleUploadedFile(name, head + tail)})
            if response.status_code == 302:
                # Only a whole PDF, JPEG or PNG scan is taken; its file is the new document's, in
                # private storage.
                assert form.startswith("legality"), (form, name, head + tail)
                scan = LegalityDocument.objects.latest("updated_at").scan
                assert files(settings) - files_before == {str(Path(settings.PRIVATE_MEDIA_ROOT) / scan.name)}
            else:
                assert response.status_code in (200, 400), (form, name, head + tail)
                assert snapshot() == before
                assert files(settings) == files_before
            transaction.set_rollback(True)

    drive()


# --- failures after a file is written ---------------------------------------------------------------------


def failing_insert_into(table: str):
    """An execute wrapper: the database refuses to insert into this table, as a full disk would."""

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and f'"{table}"' in sql:
            raise OperationalError("could not extend file: No space left on device")
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.parametrize(
    ("form", "table", "upload"),
    [
        ("photo_add", "products_productphoto", ("kendi.jpg", image_bytes("JPEG"))),
        ("product_create", "products_productphoto", ("kendi.jpg", image_bytes("JPEG"))),
        ("visit_product", "assistance_visitphoto", ("kendi.jpg", image_bytes("JPEG"))),
        ("legality_product", "products_legalitydocument", ("surat.pdf", pdf_bytes())),
        ("legality_update", "products_historicallegalitydocument", ("surat.pdf", pdf_bytes())),
    ],
)
def test_a_database_write_failing_after_the_file_is_stored_leaves_no_file(
    officer_a_client, world, settings, form, table, upload
):
    url, data, field = upload_forms(world)[form]
    before, files_before = snapshot(), files(settings)
    officer_a_client.raise_request_exception = False
    with connection.execute_wrapper(failing_insert_into(table)):
        response = officer_a_client.post(url, {**data, field: SimpleUploadedFile(*upload)})
    assert response.status_code == 503  # the database's refusal, answered as the database being down
    assert files(settings) == files_before, "the stored file outlived the failed write"
    assert snapshot() == before, "part of the write stayed"


# --- spreadsheet imports -----------------------------------------------------------------------------------


def import_file(client, data: bytes, name: str = "produsen.xlsx", kind: str = "produsen"):
    return client.post(reverse("officials:import"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("produsen.xlsx", b"PK\x03\x04" + b"\x00" * 100),  # a ZIP's start, then nothing
        ("produsen.xlsx", b"bukan excel"),
        ("produsen.csv", b"\x00\x01\x02"),
        ("produsen.xls", b"\xd0\xcf\x11\xe0"),
        ("produsen.csv", b"Kolom lain,Lagi\n1,2\n"),
        ("produsen.csv", b"x" * (3 * 1024 * 1024)),  # spooled to disk by Django, then refused
        ("produsen.csv", b"Nama usaha\n" + b"a\n" * (6 * 1024 * 1024 // 2)),  # over 5 MB
    ],
    ids=["broken-zip", "text-named-xlsx", "binary-csv", "xls", "wrong-columns", "spooled", "over-5mb"],
)
def test_a_file_refused_at_upload_is_kept_nowhere(dinas_client, settings, name, data):
    before, files_before = snapshot(), files(settings)
    response = import_file(dinas_client, data, name)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert files(settings) == files_before
    assert snapshot() == before


def test_random_bytes_as_a_spreadsheet_are_refused_and_kept_nowhere(dinas, dinas_client, settings):
    @budget(20)
    @seeded("import")
    @given(
        name=st.sampled_from(["a.xlsx", "a.csv", "a.XLSX", "a", "a.csv.exe"]),
        head=st.sampled_from(
            [b"", b"PK\x03\x04", b"\xef\xbb\xbf", ",".join(PRODUCER_HEADERS).encode() + b"\n"]
        ),
        tail=st.binary(max_size=300),
    )
    def drive(name, head, tail):
        files_before, held_before = files(settings), held_imports(settings)
        response = import_file(dinas_client, head + tail, name)
        assert response.status_code in (302, 400)
        if response.status_code == 400:
            assert files(settings) == files_before
            assert held_imports(settings) == held_before
        else:  # a readable file: held for its preview, for the official who uploaded it only
            assert set(HeldUpload.objects.values_list("owner", flat=True)) == {dinas.pk}

    drive()


def test_an_import_with_a_bad_row_writes_nothing_and_its_file_stays_only_for_its_preview(
    dinas_client, settings
):
    good, bad = producer_row(**{"Nama usaha": "Baik"}), producer_row(**{"Kode desa": "99.99.99.9999"})
    response = import_file(dinas_client, xlsx_bytes([PRODUCER_HEADERS, good, bad]))
    assert response.status_code == 302
    ref = response["Location"].split("ref=")[1]
    before = snapshot()
    confirmed = dinas_client.post(reverse("officials:import_preview"), {"ref": ref})
    assert confirmed.status_code == 400
    assert snapshot() == before
    assert held_imports(settings) == {ref}  # kept for another look


def test_an_import_failing_half_way_through_writes_nothing(dinas_client, settings):
    rows = [producer_row(**{"Nama usaha": f"Usaha {n}"}) for n in range(4)]
    response = import_file(dinas_client, xlsx_bytes([PRODUCER_HEADERS, *rows]))
    ref = response["Location"].split("ref=")[1]
    inserted = []

    # The rows are written in bulk: the producers first, then their history records, which fail.
    def history_insert_fails(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and '"products_' in sql:
            inserted.append(sql.split('"')[1])
            if '"products_historicalproducer"' in sql:
                raise OperationalError("could not extend file: No space left on device")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(history_insert_fails):
        response = dinas_client.post(reverse("officials:import_preview"), {"ref": ref})
    assert inserted == ["products_producer", "products_historicalproducer"]
    assert response.status_code == 400
    assert "Tidak ada yang disimpan" in response.content.decode()
    assert not Producer.objects.exists()


def test_a_successful_import_leaves_no_file_behind(dinas_client, settings):
    response = import_file(dinas_client, xlsx_bytes([PRODUCER_HEADERS, producer_row()]))
    ref = response["Location"].split("ref=")[1]
    assert held_imports(settings) == {ref}
    assert dinas_client.post(reverse("officials:import_preview"), {"ref": ref}).status_code == 302
    assert Producer.objects.count() == 1
    assert held_imports(settings) == set()


def test_a_database_failing_while_an_upload_is_held_leaves_nothing_held(dinas_client, settings):
    def held_insert_fails(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and '"officials_heldupload"' in sql:
            raise OperationalError("could not extend file: No space left on device")
        return execute(sql, params, many, context)

    dinas_client.raise_request_exception = False
    with connection.execute_wrapper(held_insert_fails):
        response = import_file(dinas_client, xlsx_bytes([PRODUCER_HEADERS, producer_row()]))
    assert response.status_code >= 500  # the portal's page for a database that fails
    assert held_imports(settings) == set()
    assert files(settings) == set()

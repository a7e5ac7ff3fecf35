"""File-store faults: a full disk mid-upload, and files orphaned by a worker killed mid-upload.

A full disk is a storage whose write stops half-way with ENOSPC: each upload path must answer its
form with a clear message (not a 500), keep no row and leave no file, whole or partial. A worker
killed between writing renditions and committing their row leaves files no row names: `sweep_media`
removes those, once they are older than the grace period, and nothing that a row or a history row
still references.
"""

import errno
import io
import logging
import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from products.models import LegalityDocument
from tests.factories import ProducerFactory, ProductFactory
from tests.portal.test_hostile_input import snapshot
from tests.portal.test_private_files import pdf_bytes
from tests.products.test_views import product_data

pytestmark = pytest.mark.django_db

FULL_DISK_MESSAGE = "Penyimpanan berkas penuh"


def jpeg(size=(900, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (150, 90, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def all_files(settings) -> set[str]:
    roots = [Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)]
    return {str(p) for root in roots if root.exists() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def disk_fills(monkeypatch):
    """From the n-th write on, the disk is full: half the file is written, then ENOSPC."""
    writes: list[str] = []
    real_save = FileSystemStorage._save

    def arm(on_write: int = 1, error: int = errno.ENOSPC):
        def save(storage, name, content):
            writes.append(name)
            if len(writes) < on_write:
                return real_save(storage, name, content)
            data = b"".join(content.chunks())
            path = Path(storage.path(name))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data[: len(data) // 2])
            raise OSError(error, os.strerror(error))

        monkeypatch.setattr(FileSystemStorage, "_save", save)
        return writes

    return arm


def upload_paths() -> dict:
    """Each upload path: its URL and form data (all valid), given a product, a producer and a document."""
    today = timezone.localdate().isoformat()
    legality = {"kind": "spp_irt", "number": "P-IRT 1", "issued_on": "2024-01-01", "expires_on": ""}
    return {
        "photo_add": lambda w: (
            reverse("officials:photo_add", args=[w["product"].pk]),
            {"caption": "Kendi", "image": SimpleUploadedFile("kendi.jpg", jpeg())},
        ),
        "product_create": lambda w: (
            reverse("products:product_create"),
            {**product_data(name="Baru"), "photo-image": SimpleUploadedFile("kendi.jpg", jpeg())},
        ),
        "visit_product": lambda w: (
            reverse("assistance:visit_create_for_product", args=[w["product"].pk]),
            {
                "visited_on": today,
                "findings": "Tungku dipakai penuh",
                "photos": [SimpleUploadedFile("a.jpg", jpeg()), SimpleUploadedFile("b.jpg", jpeg())],
            },
        ),
        "legality_product": lambda w: (
            reverse("products:legality_add_to_product", args=[w["product"].pk]),
            {**legality, "scan": SimpleUploadedFile("izin.pdf", pdf_bytes())},
        ),
        "legality_producer": lambda w: (
            reverse("products:legality_add_to_producer", args=[w["producer"].pk]),
            {**legality, "scan": SimpleUploadedFile("izin.pdf", pdf_bytes())},
        ),
        "legality_update": lambda w: (
            reverse("products:legality_update", args=[w["document"].pk]),
            {**legality, "scan": SimpleUploadedFile("izin.pdf", pdf_bytes())},
        ),
    }


@pytest.fixture
def world(officer_a):
    product = ProductFactory(name="Gerabah Bumijaya")
    producer = ProducerFactory(business_name="Sentra Gerabah")
    document = LegalityDocument.objects.create(
        product=product, kind="spp_irt", number="P-1", issued_on="2024-01-01"
    )
    return {"product": product, "producer": producer, "document": document}


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EDQUOT, errno.EIO], ids=["ENOSPC", "EDQUOT", "EIO"])
@pytest.mark.parametrize("path", list(upload_paths()))
def test_a_full_disk_answers_the_form_with_a_message_and_keeps_nothing(
    officer_a_client, world, settings, disk_fills, caplog, path, error
):
    url, data = upload_paths()[path](world)
    before, files_before = snapshot(), all_files(settings)
    writes = disk_fills(on_write=1, error=error)
    officer_a_client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="core.storage"):
        response = officer_a_client.post(url, data)
    assert writes, "the upload never reached the storage"
    assert response.status_code == 200
    assert FULL_DISK_MESSAGE in response.content.decode()
    assert snapshot() == before, "a row outlived the failed upload"
    assert all_files(settings) == files_before, "a truncated or orphan file was left"
    assert any("failed" in record.getMessage() for record in caplog.records), "the failure was not logged"


@pytest.mark.parametrize("path", ["photo_add", "product_create", "visit_product"])
def test_a_disk_that_fills_after_some_renditions_are_written_leaves_none_of_them(
    officer_a_client, world, settings, disk_fills, path
):
    url, data = upload_paths()[path](world)
    before, files_before = snapshot(), all_files(settings)
    writes = disk_fills(on_write=3)  # two whole renditions, then the third is cut off
    response = officer_a_client.post(url, data)
    assert len(writes) == 3
    assert response.status_code == 200
    assert FULL_DISK_MESSAGE in response.content.decode()
    assert snapshot() == before
    assert all_files(settings) == files_before


def test_a_failed_photo_upload_shows_the_whole_product_page_again_with_its_assistance(
    officer_a_client, world, disk_fills, dinas
):
    """The product page is composed in one place (officials.views._product_page): a failed upload
    re-renders it with its assistance too, not a page that says no assistance exists."""
    from tests.factories import DeliveryFactory

    DeliveryFactory(product=world["product"], description="Tungku pembakaran")
    url, data = upload_paths()["photo_add"](world)
    disk_fills(on_write=1)
    html = officer_a_client.post(url, data).content.decode()
    assert FULL_DISK_MESSAGE in html
    assert "Tungku pembakaran" in html
    assert "Belum ada bantuan, kunjungan atau capaian tercatat." not in html


def test_after_a_full_disk_the_same_form_can_be_sent_again(officer_a_client, world, disk_fills, monkeypatch):
    url, data = upload_paths()["product_create"](world)
    disk_fills(on_write=1)
    assert officer_a_client.post(url, data).status_code == 200
    monkeypatch.undo()
    url, data = upload_paths()["product_create"](world)
    response = officer_a_client.post(url, data)
    assert response.status_code == 302
    assert world["product"].__class__.objects.get(name="Baru").photos.count() == 1


def test_another_os_error_is_not_passed_off_as_a_full_disk(officer_a_client, world, settings, disk_fills):
    url, data = upload_paths()["photo_add"](world)
    disk_fills(on_write=1, error=errno.ENAMETOOLONG)
    officer_a_client.raise_request_exception = False
    response = officer_a_client.post(url, data)
    assert response.status_code == 500
    assert all_files(settings) == set()  # the partial file is removed all the same


# --- orphan files ----------------------------------------------------------------------------------------


def aged(path: Path, hours: float) -> Path:
    past = time.time() - hours * 3600
    os.utime(path, (past, past))
    return path


def write(root, name: str, hours_old: float) -> Path:
    path = Path(root) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return aged(path, hours_old)


def test_sweep_media_removes_old_orphans_only_and_is_idempotent(officer_a_client, settings):
    # referenced: a product photo's three renditions and a scan, stored the normal way
    product = ProductFactory()
    assert (
        officer_a_client.post(
            reverse("officials:photo_add", args=[product.pk]), {"image": SimpleUploadedFile("k.jpg", jpeg())}
        ).status_code
        == 302
    )
    photo = product.photos.get()
    document = LegalityDocument.objects.create(
        product=product, kind="spp_irt", number="P-1", issued_on="2024-01-01"
    )
    document.scan.save("izin.pdf", ContentFile(pdf_bytes()))
    referenced = [Path(f.path) for f in (photo.large, photo.medium, photo.thumb, document.scan)]
    for path in referenced:
        aged(path, 5)
    # a scan replaced since: only a history row still names it (a restore needs it)
    replaced = Path(document.scan.path)
    document.scan.save("baru.pdf", ContentFile(pdf_bytes("baru")))
    aged(Path(document.scan.path), 5)
    assert LegalityDocument.history.filter(scan=replaced.relative_to(settings.PRIVATE_MEDIA_ROOT).as_posix())
    # orphans: what a killed worker leaves (renditions written, row rolled back)
    orphans = [
        write(settings.MEDIA_ROOT, "produk/2026/11/abc-large.jpg", hours_old=3),
        write(settings.MEDIA_ROOT, "pendampingan/2026/11/def-thumb.jpg", hours_old=2),
        write(settings.PRIVATE_MEDIA_ROOT, "legalitas/2026/11/0123.pdf", hours_old=2),
        write(settings.MEDIA_ROOT, "legalitas/2023/01/Izin lama.pdf", hours_old=9000),  # once public
    ]
    in_progress = write(settings.MEDIA_ROOT, "produk/2026/12/ghi-large.jpg", hours_old=0.1)
    not_ours = write(settings.MEDIA_ROOT, "lain/catatan.txt", hours_old=100)

    dry = io.StringIO()
    call_command("sweep_media", "--dry-run", stdout=dry)
    assert "4 orphan files would be removed" in dry.getvalue()
    assert all(path.exists() for path in orphans)

    out = io.StringIO()
    call_command("sweep_media", stdout=out)
    assert "4 orphan files removed" in out.getvalue()
    assert "1 unreferenced files kept" in out.getvalue()
    assert not any(path.exists() for path in orphans)
    assert all(path.exists() for path in [*referenced, replaced, in_progress, not_ours])
    assert Path(document.scan.path).exists()

    again = io.StringIO()
    call_command("sweep_media", stdout=again)
    assert "0 orphan files removed" in again.getvalue()


def test_sweep_media_leaves_public_scans_a_row_still_names_for_move_private_scans(settings):
    document = LegalityDocument.objects.create(
        product=ProductFactory(), kind="spp_irt", number="P-1", issued_on="2024-01-01"
    )
    name = default_storage.save("legalitas/2024/05/izin.pdf", ContentFile(pdf_bytes()))
    LegalityDocument.objects.filter(pk=document.pk).update(scan=name)
    aged(Path(default_storage.path(name)), 100)
    call_command("sweep_media", stdout=io.StringIO())
    assert default_storage.exists(name)

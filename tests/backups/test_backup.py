"""Backup and restore: the round trip gives back every row of every table and every media file."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from backups.services import _backed_up_models
from products.models import Category, LegalityDocument, Product
from tests.factories import DesignationFactory, LegalityDocumentFactory, ProductFactory


def snapshot() -> dict:
    """Every row of every backed-up table, as plain values ordered by primary key."""
    return {
        model._meta.label_lower: [
            tuple(row) for row in model._default_manager.order_by("pk").values_list(*_columns(model))
        ]
        for model in _backed_up_models()
    }


def _columns(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def media_files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def test_a_backup_restores_into_an_empty_database_with_every_row_and_file(regions, settings, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    gerabah = Product.objects.get(name="Gerabah Bumijaya")
    gerabah.story = "Cerita dengan ✓ dan 'kutip' \"ganda\""
    gerabah.save()
    before, files_before = snapshot(), media_files(Path(settings.MEDIA_ROOT))
    assert sum(len(rows) for rows in before.values()) > 500 and len(files_before) >= 10
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())

    call_command("flush", "--no-input", verbosity=0)  # an empty database, migrated
    for file in Path(settings.MEDIA_ROOT).rglob("*"):
        if file.is_file():
            file.unlink()
    assert Product.objects.count() == 0

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "Restored" in out.getvalue()
    after = snapshot()
    assert after.keys() == before.keys()
    for label in before:
        assert after[label] == before[label], label
    assert media_files(Path(settings.MEDIA_ROOT)) == files_before
    # and the restored database goes on working: new rows get fresh keys
    assert Product.objects.create(
        name="Baru", village_id="36.04.09.2009", category=Category.objects.first()
    ).pk > max(row[0] for row in before["products.product"])


def test_restore_refuses_a_database_that_holds_data(regions, tmp_path):
    call_command("seed_demo", stdout=io.StringIO())
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    rows = Product.objects.count()
    with pytest.raises(CommandError, match="kosong"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Product.objects.count() == rows


def test_a_damaged_backup_is_refused_and_changes_nothing(regions, tmp_path):
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(b"not a backup at all")
    groups = apps.get_model("auth", "Group").objects.count()
    with pytest.raises(CommandError, match="terpotong atau rusak"):
        call_command("restore", str(damaged), stdout=io.StringIO())
    assert apps.get_model("auth", "Group").objects.count() == groups


# --- damaged archives, missing files, private files -------------------------------------------------


def small_backup(settings, tmp_path: Path) -> Path:
    """A backup of the regions, a product, a media file and a private scan."""
    product = ProductFactory(name="Emping Melinjo")
    LegalityDocumentFactory(product=product).scan.save("izin.pdf", ContentFile(b"%PDF-1.4 izin"))
    photo = Path(settings.MEDIA_ROOT) / "produk" / "2026" / "01" / "emping.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 not really a jpeg " * 500)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
    return archive


def empty_the_portal(settings) -> None:
    call_command("flush", "--no-input", verbosity=0)
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        for file in Path(root).rglob("*"):
            if file.is_file():
                file.unlink()


def test_private_files_are_backed_up_and_restored(regions, settings, tmp_path):
    archive = small_backup(settings, tmp_path)
    scan = LegalityDocument.objects.get().scan
    assert (Path(settings.PRIVATE_MEDIA_ROOT) / scan.name).is_file()
    private_before = media_files(Path(settings.PRIVATE_MEDIA_ROOT))
    empty_the_portal(settings)

    call_command("restore", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
    assert LegalityDocument.objects.get().scan.name == scan.name
    assert media_files(Path(settings.PRIVATE_MEDIA_ROOT)) == private_before
    # and none of them leaked into the public media folder
    assert not (Path(settings.MEDIA_ROOT) / scan.name).exists()


@pytest.mark.parametrize("keep", [0.5, 0.9, 1000], ids=["half", "ninety-percent", "first-kilobyte"])
def test_a_truncated_backup_gives_a_clear_error_and_changes_nothing(regions, settings, tmp_path, keep):
    archive = small_backup(settings, tmp_path)
    content = archive.read_bytes()
    archive.write_bytes(content[: int(len(content) * keep) if keep < 1 else keep])
    empty_the_portal(settings)
    groups = apps.get_model("auth", "Group").objects.count()

    with pytest.raises(CommandError, match="terpotong atau rusak") as refused:
        call_command("restore", str(archive), stdout=io.StringIO())
    assert refused.value.returncode == 1
    assert Product.objects.count() == 0
    assert apps.get_model("auth", "Group").objects.count() == groups
    assert media_files(Path(settings.MEDIA_ROOT)) == {}
    assert media_files(Path(settings.PRIVATE_MEDIA_ROOT)) == {}


def test_a_damaged_byte_in_a_backup_is_refused_before_anything_is_written(regions, settings, tmp_path):
    archive = small_backup(settings, tmp_path)
    content = bytearray(archive.read_bytes())
    content[len(content) // 2] ^= 0xFF
    archive.write_bytes(bytes(content))
    empty_the_portal(settings)

    with pytest.raises(CommandError, match="rusak"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Product.objects.count() == 0
    assert media_files(Path(settings.MEDIA_ROOT)) == {}


def test_a_media_file_altered_inside_a_backup_is_refused_before_the_database_is_written(
    regions, settings, tmp_path
):
    archive = small_backup(settings, tmp_path)
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(altered, "w:gz") as target:
        for member in source:
            content = source.extractfile(member).read()
            if member.name.startswith("media/"):
                content = content.replace(b"jpeg", b"JPEG")
            target.addfile(member, io.BytesIO(content))
    empty_the_portal(settings)

    with pytest.raises(CommandError, match="media.*tidak cocok"):
        call_command("restore", str(altered), stdout=io.StringIO())
    assert Product.objects.count() == 0
    assert media_files(Path(settings.MEDIA_ROOT)) == {}


def test_rows_naming_files_missing_on_disk_are_listed_and_the_backup_is_still_written(
    regions, settings, tmp_path
):
    product = ProductFactory()
    LegalityDocumentFactory(product=product, scan="legalitas/2026/01/hilang.pdf")
    archive = tmp_path / "backup.tar.gz"
    out, err = io.StringIO(), io.StringIO()

    call_command("backup", str(archive), stdout=out, stderr=err)
    assert "legalitas/2026/01/hilang.pdf" in err.getvalue()
    assert "Backup written" in out.getvalue() and archive.is_file()
    with tarfile.open(archive, "r:gz") as written:
        manifest = json.loads(written.extractfile("manifest.json").read())
    assert manifest["missing_files"] == ["legalitas/2026/01/hilang.pdf"]

    # --strict: the same backup, and a distinct exit status for monitoring
    strict = tmp_path / "strict.tar.gz"
    with pytest.raises(CommandError, match="missing") as failed:
        call_command("backup", str(strict), "--strict", stdout=io.StringIO(), stderr=io.StringIO())
    assert failed.value.returncode == 2 and strict.is_file()


def test_a_backup_refused_at_its_check_leaves_no_file_behind(regions, settings, tmp_path, monkeypatch):
    from backups import services as backup

    def damaged(path, **kwargs):
        raise backup.BackupError("rusak")

    monkeypatch.setattr(backup, "_verified_manifest", damaged)
    archive = tmp_path / "backup.tar.gz"
    with pytest.raises(CommandError, match="rusak"):
        call_command("backup", str(archive), stdout=io.StringIO())
    assert list(tmp_path.glob("*backup.tar.gz*")) == []


def test_a_file_deleted_while_the_backup_runs_is_reported_not_a_traceback(
    regions, settings, tmp_path, monkeypatch
):
    from backups import services as backup

    product = ProductFactory()
    LegalityDocumentFactory(product=product).scan.save("izin.pdf", ContentFile(b"%PDF-1.4 izin"))
    scan = LegalityDocument.objects.get().scan.name
    real_files_under = backup._files_under

    def files_under(root: Path, skip: list[Path]) -> list[Path]:
        files = real_files_under(root, skip)
        for file in files:
            file.unlink()  # an official deletes the scan between the listing and its archiving
        return files

    monkeypatch.setattr(backup, "_files_under", files_under)
    archive, err = tmp_path / "backup.tar.gz", io.StringIO()
    call_command("backup", str(archive), stdout=io.StringIO(), stderr=err)
    assert scan in err.getvalue()
    with tarfile.open(archive, "r:gz") as written:
        assert json.loads(written.extractfile("manifest.json").read())["private"] == {}


def test_a_backup_without_the_flagship_flag_restores_it_from_the_designations(regions, settings, tmp_path):
    """A backup made before the products carried `listed_as_flagship` (products 0022) holds it as the
    default, False: the restore reads it again from the designations it brings back."""
    flagship = DesignationFactory(approved=True).product
    other = ProductFactory(name="Emping Melinjo")
    Product.objects.update(listed_as_flagship=False)  # as an older version's rows read today
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
    empty_the_portal(settings)

    call_command("restore", str(archive), stdout=io.StringIO())
    assert dict(Product.objects.values_list("pk", "listed_as_flagship")) == {
        flagship.pk: True,
        other.pk: False,
    }

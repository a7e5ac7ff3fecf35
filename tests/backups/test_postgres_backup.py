"""PostgreSQL backups: pg_dump snapshot, media archive and manifest; the restore drill proves a backup
restores and catches any change to it; the real restore brings the portal back."""

import hashlib
import io
import json
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from backups import postgres
from products.models import Product
from tests.factories import LegalityDocumentFactory, ProductFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump, pg_restore and scratch databases need PostgreSQL (DATABASE_URL=postgres://…)")


@pytest.fixture
def portal(regions, settings):
    """A product with a photo on disk and a private legality scan."""
    product = ProductFactory(name="Emping Melinjo")
    LegalityDocumentFactory(product=product).scan.save("izin.pdf", ContentFile(b"%PDF-1.4 izin"))
    photo = Path(settings.MEDIA_ROOT) / "produk" / "2026" / "01" / "emping.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 not really a jpeg " * 500)
    return product


def make_backup(dest: Path, *options: str) -> Path:
    call_command("backup_postgres", "--dest", str(dest), *options, stdout=io.StringIO())
    made = [p for p in dest.iterdir() if p.is_dir()]
    assert len(made) == 1
    return made[0]


def manifest_of(backup: Path) -> dict:
    return json.loads((backup / "manifest.json").read_text())


def write_manifest(backup: Path, manifest: dict) -> None:
    (backup / "manifest.json").write_text(json.dumps(manifest))


def drill(backup: Path) -> tuple[str, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("restore_drill", str(backup), stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def drill_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [f"{connection.settings_dict['NAME']}_drill_%"],
        )
        return [row[0] for row in cursor.fetchall()]


def row_line(output: str, subject: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(subject + " "))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_is_a_dump_a_media_archive_and_a_manifest_of_counts_and_checksums(
    portal, settings, tmp_path
):
    backup = make_backup(tmp_path / "backups")

    assert sorted(p.name for p in backup.iterdir()) == ["database.dump", "manifest.json", "media.tar.gz"]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o700  # password hashes and personal data
    manifest = manifest_of(backup)
    assert manifest["portal"]["version"] == "0.1.0"
    products = manifest["tables"]["public.products_product"]
    assert products["rows"] == Product.objects.count() == 1
    assert len(products["checksum"]) == 32
    assert manifest["tables"]["public.villages_village"]["rows"] > 100
    assert manifest["dump"]["sha256"] == sha256(backup / "database.dump")
    assert manifest["media"]["sha256"] == sha256(backup / "media.tar.gz")
    scan = portal.legality_documents.get().scan.name
    assert set(manifest["media"]["files"]) == {"media/produk/2026/01/emping.jpg", f"private/{scan}"}
    with tarfile.open(backup / "media.tar.gz") as archive:
        assert sorted(archive.getnames()) == sorted(manifest["media"]["files"])
    # a custom-format dump whose table of contents names the product table
    listing = subprocess.run(
        [postgres.tool_path("pg_restore"), "--list", str(backup / "database.dump")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "TABLE DATA public products_product" in listing
    assert [p.name for p in (tmp_path / "backups").iterdir() if p.name.startswith(".") and p.is_dir()] == []


def test_the_checksum_of_a_table_changes_with_its_rows_and_only_with_them(portal, tmp_path):
    first = manifest_of(make_backup(tmp_path / "one"))
    again = manifest_of(make_backup(tmp_path / "two"))
    assert again["tables"] == first["tables"]

    Product.objects.filter(pk=portal.pk).update(name="Emping Melinjo Pedas")
    changed = manifest_of(make_backup(tmp_path / "three"))
    differing = {label for label in first["tables"] if first["tables"][label] != changed["tables"][label]}
    assert "public.products_product" in differing
    assert changed["tables"]["public.products_product"]["rows"] == 1


def test_the_password_goes_to_pg_dump_through_the_environment_not_the_command_line(
    portal, tmp_path, monkeypatch
):
    # The test server trusts local connections: any password is accepted, so it can be set here.
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "rahasia-sekali-123")
    calls = []
    real_run = subprocess.run

    def recording_run(argv, *args, **kwargs):
        calls.append((list(argv), dict(kwargs.get("env") or {})))
        return real_run(argv, *args, **kwargs)

    monkeypatch.setattr(postgres.subprocess, "run", recording_run)
    make_backup(tmp_path / "backups")

    dumps = [(argv, env) for argv, env in calls if Path(argv[0]).name == "pg_dump"]
    assert len(dumps) == 1
    argv, env = dumps[0]
    assert not any("rahasia" in arg for argv, _env in calls for arg in argv)
    assert env["PGPASSWORD"] == "rahasia-sekali-123"
    assert f"--dbname={connection.settings_dict['NAME']}" in argv
    assert any(arg.startswith("--snapshot=") for arg in argv)


def test_the_drill_passes_on_an_intact_backup_and_drops_its_scratch_database(portal, tmp_path):
    backup = make_backup(tmp_path / "backups")

    out = io.StringIO()
    call_command("restore_drill", "--dest", str(tmp_path / "backups"), stdout=out)  # the newest

    output = out.getvalue()
    assert "Restore drill passed" in output
    assert "MISMATCH" not in output
    assert "public.products_product" in row_line(output, "public.products_product")
    assert " 1 rows " in row_line(output, "public.products_product")
    assert f"Restore drill of {backup}" in output
    assert drill_databases() == []


def test_the_drill_fails_when_a_checksum_in_the_manifest_was_changed(portal, tmp_path):
    backup = make_backup(tmp_path / "backups")
    manifest = manifest_of(backup)
    manifest["tables"]["public.products_product"]["checksum"] = "0" * 32
    write_manifest(backup, manifest)

    output, error = drill(backup)

    assert error is not None and "FAILED" in str(error) and error.returncode == 1
    assert "MISMATCH" in row_line(output, "public.products_product")
    assert "checksum differs" in row_line(output, "public.products_product")
    assert "MISMATCH" not in row_line(output, "public.villages_village")
    assert drill_databases() == []


def test_the_drill_fails_when_the_dump_is_corrupted(portal, tmp_path):
    backup = make_backup(tmp_path / "backups")
    dump = backup / "database.dump"
    content = bytearray(dump.read_bytes())
    for offset in range(len(content) // 2, len(content) // 2 + 64):
        content[offset] ^= 0xFF
    dump.write_bytes(bytes(content))

    output, error = drill(backup)

    assert error is not None
    assert "MISMATCH" in row_line(output, "dump sha256")
    assert drill_databases() == []


def test_the_drill_fails_when_the_dump_holds_other_rows_than_the_manifest_says(portal, tmp_path):
    """A dump swapped for another one with a matching SHA-256 in the manifest: the rows themselves are
    compared, not only the file's hash."""
    backup = make_backup(tmp_path / "backups")
    ProductFactory(name="Produk yang tidak ada di cadangan")
    argv, env = postgres.pg_dump_argv(backup / "database.dump", snapshot=None)
    subprocess.run(argv, env=env, check=True, capture_output=True)
    manifest = manifest_of(backup)
    manifest["dump"]["sha256"] = sha256(backup / "database.dump")
    write_manifest(backup, manifest)

    output, error = drill(backup)

    assert error is not None
    assert "ok" in row_line(output, "dump sha256")
    line = row_line(output, "public.products_product")
    assert "1 rows" in line and "2 rows" in line and "MISMATCH" in line
    assert drill_databases() == []


def test_the_drill_fails_when_the_media_archive_changed(portal, tmp_path):
    backup = make_backup(tmp_path / "backups")
    archive = backup / "media.tar.gz"
    altered = tmp_path / "altered.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(altered, "w:gz") as target:
        for member in source:
            content = source.extractfile(member).read()
            if member.name.startswith("media/"):
                content = content.replace(b"jpeg", b"JPEG")
            target.addfile(member, io.BytesIO(content))
    archive.write_bytes(altered.read_bytes())

    output, error = drill(backup)
    assert error is not None
    assert "MISMATCH" in row_line(output, "media archive sha256")
    assert "changed: media/produk/2026/01/emping.jpg" in row_line(output, "media files")

    # Even with the archive's own hash updated, the files inside are compared one by one.
    manifest = manifest_of(backup)
    manifest["media"]["sha256"] = sha256(archive)
    write_manifest(backup, manifest)
    output, error = drill(backup)
    assert error is not None
    assert "ok" in row_line(output, "media archive sha256")
    assert "MISMATCH" in row_line(output, "media files")
    assert "MISMATCH" not in row_line(output, "public.products_product")


def test_the_scratch_database_is_dropped_even_when_the_drill_breaks(portal, tmp_path, monkeypatch):
    backup = make_backup(tmp_path / "backups")

    def broken(dbname: str):
        assert drill_databases() == [dbname]  # restored, and about to be compared
        raise RuntimeError("the drill broke half-way")

    monkeypatch.setattr(postgres, "_fingerprints_of", broken)
    with pytest.raises(RuntimeError, match="half-way"):
        postgres.restore_drill(backup=backup)
    assert drill_databases() == []


def test_a_backup_rotates_the_older_ones_and_never_deletes_itself(portal, tmp_path):
    dest = tmp_path / "backups"
    for name in ["20200115T020000Z", "20200110T020000Z", "20191201T020000Z"]:
        (dest / name).mkdir(parents=True)
        (dest / name / "manifest.json").write_text("{}")
    (dest / ".20200101T000000Z.partial-abc").mkdir()  # left by a backup killed half-way

    out = io.StringIO()
    call_command(
        "backup_postgres",
        "--dest",
        str(dest),
        "--keep-daily=0",
        "--keep-weekly=0",
        "--keep-monthly=2",
        stdout=out,
    )

    survivors = sorted(p.name for p in dest.iterdir() if p.is_dir())
    assert len(survivors) == 2 and survivors[0] == "20200115T020000Z"  # the newest month before this one
    new = dest / survivors[1]
    assert (new / "database.dump").is_file()
    assert "Deleted old backup" in out.getvalue()

    call_command(
        "backup_postgres",
        "--dest",
        str(dest),
        "--keep-daily=0",
        "--keep-weekly=0",
        "--keep-monthly=0",
        stdout=out,
    )
    remaining = [p for p in dest.iterdir() if p.is_dir()]
    assert len(remaining) == 1 and remaining[0].name > new.name  # only the one just made


def test_a_real_restore_brings_back_the_database_and_the_media(portal, settings, tmp_path):
    backup = make_backup(tmp_path / "backups")
    media_root = Path(settings.MEDIA_ROOT)
    photo = media_root / "produk" / "2026" / "01" / "emping.jpg"
    photo_bytes = photo.read_bytes()
    # After the backup: a product added, one renamed, a photo replaced, a stray file uploaded.
    ProductFactory(name="Produk sesudah cadangan")
    Product.objects.filter(pk=portal.pk).update(name="Nama yang salah")
    photo.write_bytes(b"something else")
    (media_root / "baru.txt").write_text("added after the backup")
    media_root.chmod(0o755)
    media_mode = stat.S_IMODE(media_root.stat().st_mode)

    out = io.StringIO()
    call_command("restore_postgres", str(backup), "--yes", stdout=out)

    assert list(Product.objects.values_list("name", flat=True)) == ["Emping Melinjo"]
    assert photo.read_bytes() == photo_bytes
    assert not (media_root / "baru.txt").exists()
    assert stat.S_IMODE(media_root.stat().st_mode) == media_mode  # still readable by the web server
    aside = next(tmp_path.glob("media.before-restore-*"))
    assert (aside / "baru.txt").is_file()  # what was there is kept, not destroyed
    assert "tables match the manifest" in out.getvalue()


def test_a_real_restore_of_a_tampered_backup_writes_nothing(portal, settings, tmp_path):
    backup = make_backup(tmp_path / "backups")
    manifest = manifest_of(backup)
    manifest["dump"]["sha256"] = "0" * 64
    write_manifest(backup, manifest)
    ProductFactory(name="Produk sesudah cadangan")

    with pytest.raises(CommandError, match="does not match its manifest; nothing was restored"):
        call_command("restore_postgres", str(backup), "--yes", stdout=io.StringIO())
    assert Product.objects.count() == 2
    assert list(tmp_path.glob("media.before-restore-*")) == []


def test_a_dry_run_shows_the_pg_dump_command_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "rahasia-sekali-123")
    out = io.StringIO()
    call_command("backup_postgres", "--dest", str(tmp_path / "backups"), "--dry-run", stdout=out)
    assert "--format=custom" in out.getvalue()
    assert "rahasia" not in out.getvalue()
    assert not (tmp_path / "backups").exists()


def test_a_write_committed_while_pg_dump_starts_is_in_neither_the_dump_nor_the_checksums(
    portal, tmp_path, monkeypatch
):
    """pg_dump reads the snapshot the checksums are computed in: a write landing between the two is in
    neither, and the drill agrees with the manifest."""
    real_argv = postgres.pg_dump_argv

    def argv_after_a_write(dump, *, snapshot):
        other = postgres._connect(connection.settings_dict["NAME"])  # an official, on another connection
        try:
            with other, other.cursor() as cursor:
                cursor.execute(
                    "UPDATE products_product SET name = 'Ditulis saat pencadangan' WHERE id = %s", [portal.pk]
                )
        finally:
            other.close()
        return real_argv(dump, snapshot=snapshot)

    monkeypatch.setattr(postgres, "pg_dump_argv", argv_after_a_write)
    backup = make_backup(tmp_path / "backups")
    monkeypatch.undo()

    assert Product.objects.get().name == "Ditulis saat pencadangan"
    output, error = drill(backup)
    assert error is None, output
    restored = subprocess.run(
        [
            postgres.tool_path("pg_restore"),
            "--data-only",
            "--table=products_product",
            "--file=-",
            str(backup / "database.dump"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Emping Melinjo" in restored and "Ditulis saat pencadangan" not in restored

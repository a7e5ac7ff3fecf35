"""Backups of the whole portal: every table (Django's serialisation, so the same file restores into
SQLite or PostgreSQL), the uploaded media and, when PRIVATE_MEDIA_ROOT is set, the private files
(legality scans), in one .tar.gz with a manifest of row counts and checksums.

A backup is one consistent snapshot even while officials keep writing: every table is read inside a
single transaction. On PostgreSQL that transaction is REPEATABLE READ, READ ONLY, so every query sees
the database as of the first one. On SQLite the portal opens transactions as IMMEDIATE (settings.py),
so the backup holds the write lock from its first read to its end: writers wait for it (up to the
20 s busy timeout) and nothing can change underneath.

The archive is written under a temporary name, read back and checked against its manifest (row counts
per table, SHA-256 of the data and of every file) and only then renamed into place. Restoring checks
the same before writing anything, requires a migrated database holding no data yet (only the rows the
migrations seed) and writes the rows in one transaction: a failed restore leaves the database as it was.
"""

import collections
import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.exceptions import SuspiciousOperation
from django.core.files.storage import Storage
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import FileField, Model
from django.test.utils import override_settings
from django.utils.translation import gettext as _

from core.errors import Refused
from products.models import Producer, Product

# Rebuilt by `migrate` (contenttypes, permissions) or transient (sessions): never in a backup.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
# 2 added the private files; a format 1 backup (no private files) still restores.
FORMAT_VERSION = 2
READABLE_FORMATS = {1, 2}
DATA_NAME = "data.exactjson"
MANIFEST_NAME = "manifest.json"
# Archive folder of each file root; "private" exists only when settings.PRIVATE_MEDIA_ROOT is set.
FILE_ROOTS = ("media", "private")
_CHUNK = 1 << 20
# A truncated gzip stream ends in EOFError, a damaged one in zlib.error or BadGzipFile (an OSError).
_DAMAGED = (OSError, EOFError, tarfile.TarError, zlib.error, ValueError, UnicodeDecodeError)


class BackupError(Refused):
    """A backup file that cannot be restored, or a database that must not be restored into."""


@dataclass
class BackupResult:
    manifest: dict
    # Files that rows name but that are missing on disk: the backup is still written without them.
    missing_files: list[str] = field(default_factory=list)


def _backed_up_models() -> list[type[Model]]:
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label.lower() for label in EXCLUDED if "." in label}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in excluded_apps
        and model._meta.label_lower not in excluded_models
        and model._meta.managed
        and not model._meta.proxy
    ]


def _dump_order() -> list[type[Model]]:
    """Models in an order loaddata can follow: natural-key targets before the rows naming them."""
    by_app: dict[Any, list[type[Model]]] = collections.defaultdict(list)
    for model in _backed_up_models():
        by_app[model._meta.app_config].append(model)
    return serializers.sort_dependencies(by_app.items(), allow_cycles=True)


def row_counts() -> dict[str, int]:
    # The base manager: a default manager that hides rows (e.g. soft-deleted ones) must not shrink a backup.
    return {model._meta.label_lower: model._base_manager.count() for model in _backed_up_models()}


def file_roots() -> dict[str, Path]:
    """The folders a backup holds, by archive folder. PRIVATE_MEDIA_ROOT is optional."""
    roots = {"media": Path(settings.MEDIA_ROOT)}
    private = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    if private:
        roots["private"] = Path(private)
    return roots


def _files_under(root: Path, skip: list[Path]) -> list[Path]:
    if not root.exists():
        return []
    # A root nested inside this one (PRIVATE_MEDIA_ROOT under MEDIA_ROOT) is archived once, as itself.
    nested = [other for other in skip if other != root and other.is_relative_to(root)]
    return sorted(
        p for p in root.rglob("*") if p.is_file() and not any(p.is_relative_to(inner) for inner in nested)
    )


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256_stream(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _pause_point(label: str) -> None:
    """Called before each table is read. Does nothing; tests replace it to write during a backup."""


def _snapshot_begin() -> None:
    """Make the surrounding (just opened) transaction one read-only snapshot."""
    if connection.vendor == "postgresql":
        # Must be the transaction's first statement; REPEATABLE READ fixes the snapshot at the first read.
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    # SQLite: the IMMEDIATE transaction (settings.py) already holds the database's write lock.


def _dump(stream: IO[str]) -> tuple[dict[str, int], list[tuple[Storage, str]]]:
    """Serialise every table to `stream`; return the rows written per table and the files rows name."""
    counts: dict[str, int] = {}
    named_files: list[tuple[Storage, str]] = []

    def objects() -> Iterator[Model]:
        for model in _dump_order():
            label = model._meta.label_lower
            _pause_point(label)
            counts[label] = 0
            file_fields = [f for f in model._meta.concrete_fields if isinstance(f, FileField)]
            queryset = model._base_manager.order_by(model._meta.pk.name)
            for obj in queryset.iterator(chunk_size=2000):
                counts[label] += 1
                for file_field in file_fields:
                    name = getattr(obj, file_field.attname).name
                    if name:
                        named_files.append((file_field.storage, name))
                yield obj

    serializers.serialize("exactjson", objects(), use_natural_foreign_keys=True, stream=stream, indent=None)
    return counts, named_files


def _missing(named_files: list[tuple[Storage, str]], archived: set[Path]) -> list[str]:
    """The names rows hold whose file did not go into the archive."""
    missing = set()
    for storage, name in named_files:
        try:
            present = Path(storage.path(name)).resolve() in archived
        except NotImplementedError:  # a storage without local paths: the best check is that it exists
            present = storage.exists(name)
        except (OSError, ValueError, SuspiciousOperation):  # e.g. a name escaping the storage's folder
            present = False
        if not present:
            missing.add(name)
    return sorted(missing)


def _add_file(archive: tarfile.TarFile, file: Path, arcname: str) -> str | None:
    """Add one file as read once (hash and archived bytes agree); None if it vanished meanwhile."""
    try:
        with file.open("rb") as handle:
            mtime = os.fstat(handle.fileno()).st_mtime
            content = handle.read()
    except FileNotFoundError:  # deleted since listed: its row is reported if the snapshot still names it
        return None
    info = tarfile.TarInfo(arcname)
    info.size, info.mtime, info.mode = len(content), mtime, 0o644
    archive.addfile(info, io.BytesIO(content))
    return hashlib.sha256(content).hexdigest()


def backup_create(*, path: Path) -> BackupResult:
    """Write the database and the files to `path` (.tar.gz): one snapshot, checked before it is kept."""
    if connection.in_atomic_block:
        # Inside a caller's transaction the snapshot would be the caller's, begun who knows when.
        raise BackupError(_("Cadangan harus dibuat di luar transaksi basis data."))
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / DATA_NAME
        with transaction.atomic():
            _snapshot_begin()
            with data.open("w", encoding="utf-8") as stream:
                dumped, named_files = _dump(stream)
            rows = row_counts()
            migrations = sorted(MigrationRecorder(connection).applied_migrations().keys())
        if rows != dumped:
            # Cannot happen inside one snapshot; if it does, this backup would not restore.
            raise BackupError(_("Jumlah baris berubah selama pencadangan: cadangan dibatalkan."))
        roots = file_roots()
        manifest = {
            "format": FORMAT_VERSION,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": connection.vendor,
            "migrations": migrations,
            "rows": rows,
            "data_sha256": _sha256_file(data),
            "media": {},
            "private": {},
        }
        archived: set[Path] = set()
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(data, arcname=DATA_NAME)
                for key, root in roots.items():
                    for file in _files_under(root, list(roots.values())):
                        relative = str(file.relative_to(root))
                        digest = _add_file(archive, file, f"{key}/{relative}")
                        if digest is not None:
                            manifest[key][relative] = digest
                            archived.add(file.resolve())
                result = BackupResult(manifest=manifest, missing_files=_missing(named_files, archived))
                manifest["missing_files"] = result.missing_files
                encoded = json.dumps(manifest, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST_NAME)
                info.size = len(encoded)
                archive.addfile(info, io.BytesIO(encoded))
            # Read back before it replaces anything: a bad disk or a bug is found now, not at restore.
            _verified_manifest(partial, extract_data_to=None)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return result


def _check_manifest_shape(manifest: Any) -> dict:
    if not isinstance(manifest, dict):
        raise BackupError(_("Berkas ini bukan cadangan portal: manifesnya tidak terbaca."))
    if manifest.get("format") not in READABLE_FORMATS:
        raise BackupError(_("Format cadangan %(format)r tidak dikenal.") % {"format": manifest.get("format")})
    shapes = {"rows": dict, "data_sha256": str, "migrations": list, "media": dict}
    for key, kind in shapes.items():
        if not isinstance(manifest.get(key), kind):
            raise BackupError(_("Berkas ini bukan cadangan portal: manifesnya tidak lengkap."))
    manifest.setdefault("private", {})
    return manifest


def _verified_manifest(path: Path, *, extract_data_to: Path | None) -> dict:
    """Read the whole archive and check it against its manifest; return the manifest.

    Raises BackupError, never anything else, for a missing, truncated, damaged or altered file.
    """
    manifest = None
    data_sha = None
    hashes: dict[str, dict[str, str]] = {key: {} for key in FILE_ROOTS}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if not member.isfile():
                    continue
                if member.name == MANIFEST_NAME:
                    manifest = json.loads(archive.extractfile(member).read())
                elif member.name == DATA_NAME:
                    data_sha = _sha256_stream(archive.extractfile(member))
                    if extract_data_to is not None:
                        archive.extract(member, extract_data_to, filter="data")
                else:
                    key, _sep, relative = member.name.partition("/")
                    if key in hashes and relative:
                        hashes[key][relative] = _sha256_stream(archive.extractfile(member))
    except FileNotFoundError as error:
        raise BackupError(_("Berkas cadangan %(path)s tidak ada.") % {"path": path}) from error
    except _DAMAGED as error:
        raise BackupError(
            _("Berkas cadangan terpotong atau rusak (%(error)s); basis data tidak diubah.")
            % {"error": str(error) or type(error).__name__}
        ) from error
    # tarfile ends its listing quietly at a damaged header, so damage can look like a missing member.
    if manifest is None or data_sha is None:
        raise BackupError(
            _(
                "Berkas cadangan terpotong atau rusak, atau bukan cadangan portal: manifes atau data "
                "tidak ada; basis data tidak diubah."
            )
        )
    manifest = _check_manifest_shape(manifest)
    if data_sha != manifest["data_sha256"]:
        raise BackupError(_("Data cadangan tidak cocok dengan checksum-nya: berkas rusak."))
    for key in FILE_ROOTS:
        if hashes[key] != manifest.get(key, {}):
            raise BackupError(
                _("Berkas %(folder)s dalam cadangan tidak cocok dengan manifesnya: berkas rusak.")
                % {"folder": key}
            )
    if extract_data_to is not None:
        _check_row_counts(extract_data_to / DATA_NAME, manifest)
    return manifest


def _check_row_counts(data: Path, manifest: dict) -> None:
    try:
        with data.open(encoding="utf-8") as handle:
            objects = json.load(handle)
        counted = collections.Counter(obj["model"] for obj in objects)
    except (*_DAMAGED, KeyError, TypeError) as error:
        raise BackupError(_("Data cadangan tidak terbaca: berkas rusak.")) from error
    expected = {label: count for label, count in manifest["rows"].items() if count}
    if dict(counted) != expected:
        raise BackupError(_("Jumlah baris dalam data cadangan tidak cocok dengan manifesnya."))


def _target_is_empty() -> bool:
    return not (
        get_user_model()._base_manager.exists()
        or Product._base_manager.exists()
        or Producer._base_manager.exists()
    )


def backup_restore(*, path: Path) -> dict:
    """Restore a backup into this (migrated, still empty) database and its file folders."""
    if not _target_is_empty():
        raise BackupError(
            _("Basis data sudah berisi pengguna atau produk: pulihkan hanya ke basis data yang kosong.")
        )
    path = Path(path)
    roots = file_roots()
    with tempfile.TemporaryDirectory() as work:
        # Everything is read and checked before anything is written.
        manifest = _verified_manifest(path, extract_data_to=Path(work))
        if manifest["private"] and "private" not in roots:
            raise BackupError(
                _("Cadangan memuat berkas privat, tetapi PRIVATE_MEDIA_ROOT tidak diatur di server ini.")
            )
        applied = set(MigrationRecorder(connection).applied_migrations().keys())
        missing = set(map(tuple, manifest["migrations"])) - applied
        if missing:
            raise BackupError(
                _("Jalankan `migrate` dahulu: %(count)d migrasi dari cadangan belum diterapkan.")
                % {"count": len(missing)}
            )
        try:
            with transaction.atomic():
                # Migrations seed a few rows (roles, categories, rubric); the backup holds them as they were.
                for model in reversed(_backed_up_models()):
                    model._base_manager.all().delete()
                # loaddata checks the foreign keys once all rows are in and resets PostgreSQL's sequences.
                # It saves many-to-many links through .set(), whose m2m_changed signal carries no `raw`
                # flag: history that tracks those links would record the restore itself as new changes.
                with override_settings(SIMPLE_HISTORY_ENABLED=False):
                    call_command("loaddata", str(Path(work) / DATA_NAME), verbosity=0)
                if row_counts() != manifest["rows"]:
                    raise BackupError(_("Jumlah baris yang dipulihkan berbeda dari manifes cadangan."))
                # A backup made before the products carried their flagship flag (products 0022) holds
                # none: read it from the restored designations, as the models' signals keep it.
                Product.objects.refresh_flagship_listing()
        except (DatabaseError, DeserializationError) as error:
            raise BackupError(
                _("Cadangan tidak dapat dimuat (%(error)s); basis data tidak diubah.") % {"error": error}
            ) from error
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            key, _sep, relative = member.name.partition("/")
            if member.isfile() and key in roots and relative:
                member.name = relative
                archive.extract(member, roots[key], filter="data")
    return manifest

"""Backups of the whole portal: every table (Django's serialisation, so the same file restores into
SQLite or PostgreSQL) and the uploaded media, in one .tar.gz with a manifest of row counts and
checksums. Restoring requires a migrated database holding no data yet (only the rows the migrations
seed) and writes in one transaction: a failed restore leaves the database as it was.
"""

import datetime
import hashlib
import io
import json
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder

from products.models import Producer, Product

# Rebuilt by `migrate` (contenttypes, permissions) or transient (sessions): never in a backup.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup file that cannot be restored, or a database that must not be restored into."""


def _backed_up_models() -> list:
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


def row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._default_manager.count() for model in _backed_up_models()}


def backup_create(*, path: Path) -> dict:
    """Write the database and the media to `path` (.tar.gz); return the manifest."""
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "data.exactjson"
        call_command(
            "dumpdata",
            *[f"--exclude={label}" for label in EXCLUDED],
            format="exactjson",
            natural_foreign=True,
            indent=None,
            output=str(data),
            verbosity=0,
        )
        media_root = Path(settings.MEDIA_ROOT)
        media = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []
        manifest = {
            "format": FORMAT_VERSION,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database": connection.vendor,
            "migrations": sorted(MigrationRecorder(connection).applied_migrations().keys()),
            "rows": row_counts(),
            "data_sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
            "media": {
                str(p.relative_to(media_root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in media
            },
        }
        with tarfile.open(path, "w:gz") as archive:
            archive.add(data, arcname=data.name)
            for file in media:
                archive.add(file, arcname=f"media/{file.relative_to(media_root)}")
            encoded = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(encoded)
            archive.addfile(info, io.BytesIO(encoded))
    return manifest


def _target_is_empty() -> bool:
    return not (get_user_model().objects.exists() or Product.objects.exists() or Producer.objects.exists())


def backup_restore(*, path: Path) -> dict:
    """Restore a backup into this (migrated, still empty) database and media folder."""
    if not _target_is_empty():
        raise BackupError("The database already holds users or products: restore only into an empty one.")
    try:
        archive = tarfile.open(path, "r:gz")  # noqa: SIM115 -- closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Not a portal backup: {error}") from error
    with archive, tempfile.TemporaryDirectory() as work:
        try:
            manifest = json.loads(archive.extractfile("manifest.json").read())
            archive.extract("data.exactjson", work, filter="data")
        except (KeyError, ValueError, tarfile.TarError) as error:
            raise BackupError(f"Not a portal backup: {error}") from error
        data = Path(work) / "data.exactjson"
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        if hashlib.sha256(data.read_bytes()).hexdigest() != manifest["data_sha256"]:
            raise BackupError("The backup's data does not match its checksum: the file is damaged.")
        applied = set(MigrationRecorder(connection).applied_migrations().keys())
        missing = set(map(tuple, manifest["migrations"])) - applied
        if missing:
            raise BackupError(
                f"Run `migrate` first: {len(missing)} migration(s) of the backup are not applied."
            )
        with transaction.atomic():
            # The migrations seed a few rows (roles, categories, rubric); the backup holds them as they were.
            for model in reversed(_backed_up_models()):
                model._default_manager.all().delete()
            # loaddata checks the foreign keys once all rows are in and resets PostgreSQL's sequences.
            call_command("loaddata", str(data), verbosity=0)
            counts = row_counts()
            if counts != manifest["rows"]:
                raise BackupError("The restored row counts differ from the backup's manifest.")
        media_root = Path(settings.MEDIA_ROOT)
        members = [m for m in archive.getmembers() if m.name.startswith("media/") and m.isfile()]
        for member in members:
            member.name = member.name.removeprefix("media/")
            archive.extract(member, media_root, filter="data")
    return manifest

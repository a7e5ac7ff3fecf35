"""The real restore of a PostgreSQL backup (postgres.py) into the configured database and file folders.

Everything that can be checked is checked before anything is written: the dump's and the media
archive's SHA-256 and every archived file against the manifest. The media are then unpacked next to
their folders, and only then is the database replaced, by one `pg_restore --clean --single-transaction`:
a restore that fails leaves the database as it was. The unpacked folders then take the place of the
current ones, which are kept beside them (<folder>.before-restore-<time>) for the operator to delete.
Last, every table's rows and checksum are computed again and compared with the manifest.

The portal should be stopped (web and worker) while this runs: a restore replaces every table.
"""

import datetime
import os
import shutil
import stat
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from backups.postgres import (
    Check,
    _file_check,
    _fingerprints_of,
    _run,
    _settings_dict,
    _table_checks,
    connection_argv_env,
    media_checks,
    read_manifest,
    require_postgresql,
    tool_path,
)
from backups.services import BackupError, file_roots


@dataclass
class Restored:
    manifest: dict
    # Tables compared with the manifest after the restore.
    checks: list[Check] = field(default_factory=list)
    # Folders that held the media before, kept beside the restored ones.
    moved_aside: dict[str, Path] = field(default_factory=dict)
    # Folders that could not be swapped (e.g. a mount point): the backup's files were written into them.
    merged: list[str] = field(default_factory=list)

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


def _stage_media(archive_path: Path, roots: dict[str, Path]) -> dict[str, Path]:
    staged: dict[str, Path] = {}
    try:
        for key, root in roots.items():
            root.parent.mkdir(parents=True, exist_ok=True)
            staged[key] = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.restore-"))
        with tarfile.open(archive_path, "r:gz") as archive:
            for member in archive:
                key, _sep, relative = member.name.partition("/")
                if member.isfile() and key in staged and relative:
                    member.name = relative
                    archive.extract(member, staged[key], filter="data")
    except BaseException:
        for folder in staged.values():
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return staged


def _swap_in(staged: dict[str, Path], roots: dict[str, Path], result: Restored, stamp: str) -> None:
    for key, staging in staged.items():
        root = roots[key]
        try:
            # mkdtemp made the staging folder 0700; the web server must read the media as before.
            mode = stat.S_IMODE(root.stat().st_mode) if root.exists() else 0o777 & ~_umask()
            staging.chmod(mode)
            if root.exists():
                aside = root.with_name(f"{root.name}.before-restore-{stamp}")
                os.rename(root, aside)
                result.moved_aside[key] = aside
            os.rename(staging, root)
        except OSError:
            # A folder that is a mount point cannot be renamed: write the backup's files into it.
            shutil.copytree(staging, root, dirs_exist_ok=True)
            shutil.rmtree(staging, ignore_errors=True)
            result.merged.append(key)


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def restore_postgres(*, backup: Path) -> Restored:
    """Replace the configured database and the media folders with the backup's."""
    require_postgresql()
    if connection.in_atomic_block:
        raise BackupError("A restore must run outside a database transaction.")
    manifest = read_manifest(backup)
    checks = [_file_check(backup, manifest["dump"], "dump sha256"), *media_checks(backup, manifest)]
    failed = [check for check in checks if not check.ok]
    if failed:
        raise BackupError(
            "The backup does not match its manifest; nothing was restored. "
            + "; ".join(
                f"{check.subject}: expected {check.expected}, found {check.found}" for check in failed
            )
        )
    roots = file_roots()
    if "private" not in roots and any(name.startswith("private/") for name in manifest["media"]["files"]):
        raise BackupError("The backup holds private files but PRIVATE_MEDIA_ROOT is not set on this server.")
    dump = backup / str(manifest["dump"]["file"])
    _run([tool_path("pg_restore"), "--list", str(dump)], dict(os.environ), "pg_restore --list")

    staged = _stage_media(backup / str(manifest["media"]["file"]), roots)
    try:
        connection.close()  # this process holds nothing open while pg_restore drops the tables
        argv, env = connection_argv_env(_settings_dict())
        restore = [
            tool_path("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
        ]
        _run([*restore, *argv, str(dump)], env, "pg_restore")
    except BaseException:
        for folder in staged.values():
            shutil.rmtree(folder, ignore_errors=True)
        raise
    result = Restored(manifest=manifest)
    _swap_in(staged, roots, result, datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ"))
    result.checks = _table_checks(manifest["tables"], _fingerprints_of(_settings_dict()["NAME"]))
    return result

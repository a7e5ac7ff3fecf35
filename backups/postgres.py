"""PostgreSQL backups a regency can rely on: pg_dump snapshots, restore drills and real restores.

A backup is a folder named by its UTC time (rotation.py) holding three files:
- database.dump: `pg_dump --format=custom` of the configured database;
- media.tar.gz: MEDIA_ROOT as media/… and PRIVATE_MEDIA_ROOT as private/…, archived right after;
- manifest.json: when, which portal version, per table the row count and a checksum, and the SHA-256 of
  the dump, of the media archive and of every file in it.

The dump and the checksums describe the same instant: the backup opens one REPEATABLE READ transaction,
exports its snapshot, and pg_dump reads through that snapshot (--snapshot) while the checksums are
computed in the transaction itself. A table's checksum is the md5 of the md5s of its rows' text,
ordered by primary key, with the session settings that shape that text fixed (time zone, date style,
float digits…), so a restore of the dump gives the same value on any server of the same major version.

The folder is written under a temporary name and renamed when complete: a backup folder that exists is
whole. It is readable by its owner only (mkdtemp's 0700): a dump holds password hashes and personal
data. A lock file keeps two backups of the same folder from running (and rotating) at once.

A restore drill restores the dump into a scratch database that it always drops, recomputes every
count and checksum there and compares them, and the media archive, with the manifest.
"""

import contextlib
import datetime
import fcntl
import hashlib
import json
import os
import shutil
import subprocess  # noqa: S404 -- pg_dump and pg_restore are the tools; their paths are resolved below
import tarfile
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg2
from django.conf import settings
from django.db import connection, transaction
from psycopg2 import sql

from backups import rotation
from backups.services import BackupError, _add_file, _files_under, _sha256_file, file_roots

BACKUP_DIR_ENV = "OVOP_BACKUP_DIR"
PG_BIN_ENV = "OVOP_PG_BIN_DIR"
DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"
MANIFEST_NAME = "manifest.json"
MANIFEST_KIND = "ovop-postgres-backup"
MANIFEST_FORMAT = 1
LOCK_NAME = ".lock"
PARTIAL_MARK = ".partial-"
# libpq connection settings Django passes through OPTIONS, and the environment variable each has.
_LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
# The settings that decide how a row prints as text, fixed so a checksum does not depend on the session.
_STABLE_TEXT = [
    "SET LOCAL TimeZone = 'UTC'",
    "SET LOCAL DateStyle = 'ISO, YMD'",
    "SET LOCAL IntervalStyle = 'postgres'",
    "SET LOCAL extra_float_digits = 3",
    "SET LOCAL bytea_output = 'hex'",
    # The web processes' statement timeout (settings.py) must not cut a checksum of a large table short.
    "SET LOCAL statement_timeout = 0",
]
_TABLES = """
SELECT n.nspname || '.' || c.relname,
       format('%I.%I', n.nspname, c.relname),
       ARRAY(
           SELECT format('backup_row.%I', a.attname)
                  || CASE WHEN a.attcollation <> 0 THEN ' COLLATE "C"' ELSE '' END
           FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
           ORDER BY k.position
       )
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
WHERE c.relkind = 'r' AND c.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
ORDER BY 1
"""
METHOD = (
    "md5 of the concatenated md5(row::text) of each table's rows in primary-key order (text keys "
    'COLLATE "C"; rows of a table without one in text order), TimeZone UTC, DateStyle ISO'
)


def default_backup_dir() -> Path:
    return Path(os.environ.get(BACKUP_DIR_ENV) or Path(settings.BASE_DIR) / "backups-data")


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        raise BackupError(
            f"This portal runs on {connection.vendor}, not PostgreSQL: pg_dump backups need PostgreSQL. "
            "Use `manage.py backup`, the portable JSON backup (it also moves a portal from SQLite to "
            "PostgreSQL: back up here, then `manage.py restore` on the PostgreSQL server)."
        )


# --- the PostgreSQL tools ------------------------------------------------------------------------------


def _settings_dict() -> dict[str, Any]:
    return connection.settings_dict


def tool_path(name: str) -> str:
    """pg_dump or pg_restore of the server's major version when installed Debian's way, else from PATH.

    A pg_dump older than the server refuses to run, and Debian's wrapper picks by local clusters, not
    by the server the portal talks to; OVOP_PG_BIN_DIR overrides both.
    """
    candidates = []
    if os.environ.get(PG_BIN_ENV):
        candidates.append(Path(os.environ[PG_BIN_ENV]) / name)
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        candidates.append(Path(f"/usr/lib/postgresql/{connection.pg_version // 10000}/bin") / name)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is not installed (install postgresql-client, or set {PG_BIN_ENV}).")
    return found


def connection_argv_env(settings_dict: dict[str, Any], *, dbname: str | None = None) -> tuple[list, dict]:
    """Command-line arguments and environment for pg_dump/pg_restore to reach the database.

    The password goes only into the environment (PGPASSWORD): a command line is visible to every user
    of the machine through ps and /proc.
    """
    argv = ["--no-password"]  # never wait for a prompt in a cron job
    if settings_dict.get("HOST"):
        argv.append(f"--host={settings_dict['HOST']}")
    if settings_dict.get("PORT"):
        argv.append(f"--port={settings_dict['PORT']}")
    if settings_dict.get("USER"):
        argv.append(f"--username={settings_dict['USER']}")
    argv.append(f"--dbname={dbname or settings_dict['NAME']}")
    # The rest of the environment as the portal's own connection sees it (libpq reads PG* variables).
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in _LIBPQ_ENV.items():
        if options.get(option):
            env[variable] = str(options[option])
    return argv, env


def _run(argv: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, errors="replace", check=False)  # noqa: S603
    except OSError as error:
        raise BackupError(f"{what} could not be started: {error}") from error
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit status {done.returncode}): {_tail(done.stderr)}")
    return done


def _tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:]) or "(no message)"


def pg_dump_argv(dump: Path, *, snapshot: str | None) -> tuple[list[str], dict[str, str]]:
    argv, env = connection_argv_env(_settings_dict())
    command = [tool_path("pg_dump"), "--format=custom", f"--file={dump}"]
    if snapshot:
        command.append(f"--snapshot={snapshot}")
    return command + argv, env


def _connect(dbname: str):
    """A psycopg2 connection to `dbname` on the configured server, with the configured credentials."""
    params = _settings_dict()
    options = params.get("OPTIONS") or {}
    kwargs = {key: options[key] for key in _LIBPQ_ENV if options.get(key)}
    for key, setting in (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD")):
        if params.get(setting):
            kwargs[key] = params[setting]
    return psycopg2.connect(dbname=dbname, **kwargs)


# --- checksums -----------------------------------------------------------------------------------------


def table_fingerprints(cursor) -> dict[str, dict[str, Any]]:
    """Rows and checksum of every table, read inside the cursor's current transaction."""
    for statement in _STABLE_TEXT:
        cursor.execute(statement)
    cursor.execute(_TABLES)
    fingerprints = {}
    for label, qualified, key_columns in cursor.fetchall():
        order = ", ".join(key_columns) or 'backup_row::text COLLATE "C"'
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(md5(backup_row::text), '' ORDER BY {order}), '')) "  # noqa: S608 -- names quoted by the server's format(%I)
            f"FROM ONLY {qualified} AS backup_row"
        )
        rows, checksum = cursor.fetchone()
        fingerprints[label] = {"rows": rows, "checksum": checksum}
    return fingerprints


# --- making a backup -----------------------------------------------------------------------------------


@dataclass
class BackupMade:
    path: Path
    manifest: dict
    deleted: list[Path] = field(default_factory=list)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / LOCK_NAME).open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BackupError(
                f"Another backup into {folder} is running; try again when it has ended."
            ) from error
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _portal_version() -> dict[str, str | None]:
    base = Path(settings.BASE_DIR)
    version = None
    with contextlib.suppress(OSError, tomllib.TOMLDecodeError, KeyError):
        version = tomllib.loads((base / "pyproject.toml").read_text())["project"]["version"]
    commit = None
    git = shutil.which("git")
    if git:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run(  # noqa: S603 -- a fixed command
                [git, "-C", str(base), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10
            )
            commit = done.stdout.strip() if done.returncode == 0 else None
    return {"version": version, "commit": commit}


def _dump_with_checksums(dump: Path) -> dict[str, dict[str, Any]]:
    """pg_dump into `dump` and the checksums of the same snapshot."""
    if connection.in_atomic_block:
        raise BackupError("A backup must be made outside a database transaction.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        argv, env = pg_dump_argv(dump, snapshot=snapshot)
        _run(argv, env, "pg_dump")
        return table_fingerprints(cursor)


def _archive_media(archive_path: Path) -> dict[str, str]:
    """Tar the media and private files into `archive_path`; return each archived file's SHA-256."""
    roots = file_roots()
    hashes: dict[str, str] = {}
    with tarfile.open(archive_path, "w:gz") as archive:
        for key, root in roots.items():
            for file in _files_under(root, list(roots.values())):
                arcname = f"{key}/{file.relative_to(root)}"
                digest = _add_file(archive, file, arcname)
                if digest is not None:  # None: deleted since listed
                    hashes[arcname] = digest
    return hashes


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _remove_partials(folder: Path) -> None:
    """Folders left by a backup that was killed half-way (the lock says none is running now)."""
    for leftover in folder.glob(f".*{PARTIAL_MARK}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


def _free_name(folder: Path, taken: datetime.datetime) -> Path:
    serial = 0
    while (folder / rotation.backup_name(taken, serial)).exists():
        serial += 1
    return folder / rotation.backup_name(taken, serial)


def backup_make(*, folder: Path, policy: rotation.Policy) -> BackupMade:
    """Dump the database, archive the media, write the manifest, then rotate the older backups."""
    require_postgresql()
    folder = Path(folder)
    with _locked(folder):
        _remove_partials(folder)
        taken = datetime.datetime.now(datetime.UTC)
        final = _free_name(folder, taken)
        work = Path(tempfile.mkdtemp(dir=folder, prefix=f".{final.name}{PARTIAL_MARK}"))
        try:
            tables = _dump_with_checksums(work / DUMP_NAME)
            files = _archive_media(work / MEDIA_NAME)
            # Read back what pg_dump wrote: a dump whose table of contents does not read is no backup.
            _run(
                [tool_path("pg_restore"), "--list", str(work / DUMP_NAME)],
                dict(os.environ),
                "pg_restore --list",
            )
            settings_dict = _settings_dict()
            manifest = {
                "kind": MANIFEST_KIND,
                "format": MANIFEST_FORMAT,
                "created_at": taken.isoformat(),
                "portal": _portal_version(),
                "database": {
                    "name": settings_dict["NAME"],
                    "host": settings_dict.get("HOST") or None,
                    "port": str(settings_dict.get("PORT") or "") or None,
                    "server_version": connection.pg_version,
                },
                "checksum_method": METHOD,
                "tables": tables,
                "dump": {
                    "file": DUMP_NAME,
                    "size": (work / DUMP_NAME).stat().st_size,
                    "sha256": _sha256_file(work / DUMP_NAME),
                },
                "media": {
                    "file": MEDIA_NAME,
                    "size": (work / MEDIA_NAME).stat().st_size,
                    "sha256": _sha256_file(work / MEDIA_NAME),
                    "files": hashes_sorted(files),
                },
            }
            (work / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, sort_keys=True))
            for name in (DUMP_NAME, MEDIA_NAME, MANIFEST_NAME, "."):
                _fsync(work / name)
            os.rename(work, final)
            _fsync(folder)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        deleted = rotation.to_delete(folder, policy, protect=final)
        for old in deleted:
            shutil.rmtree(old)
    return BackupMade(path=final, manifest=manifest, deleted=deleted)


def hashes_sorted(hashes: dict[str, str]) -> dict[str, str]:
    return dict(sorted(hashes.items()))


# --- reading a backup ----------------------------------------------------------------------------------


def resolve_backup(name: str | None, *, folder: Path) -> Path:
    """A backup folder given as a path or as a name in `folder`; None: the newest in `folder`."""
    if name is None:
        found = rotation.backups_in(Path(folder))
        if not found:
            raise BackupError(f"No backup in {folder}.")
        return found[-1]
    for candidate in (Path(name), Path(folder) / name):
        if candidate.is_dir():
            return candidate
    raise BackupError(f"No backup folder {name} (neither a path nor a backup in {folder}).")


def read_manifest(backup: Path) -> dict:
    try:
        manifest = json.loads((backup / MANIFEST_NAME).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{backup} holds no readable {MANIFEST_NAME}: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("kind") != MANIFEST_KIND:
        raise BackupError(
            f"{backup / MANIFEST_NAME} is not the manifest of a PostgreSQL backup of the portal."
        )
    if manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')!r} is not one this portal reads.")
    for key in ("tables", "dump", "media"):
        if not isinstance(manifest.get(key), dict):
            raise BackupError(f"{backup / MANIFEST_NAME} is incomplete: no {key}.")
    return manifest


@dataclass
class Check:
    subject: str
    expected: str
    found: str
    ok: bool


@dataclass
class DrillReport:
    backup: Path
    checks: list[Check] = field(default_factory=list)
    scratch_database: str = ""

    @property
    def failures(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and not self.failures


def _file_check(backup: Path, part: dict, subject: str) -> Check:
    path = backup / str(part.get("file", ""))
    expected = str(part.get("sha256"))
    try:
        found = _sha256_file(path)
    except OSError as error:
        return Check(subject, expected[:16], f"unreadable: {error.strerror or error}", ok=False)
    return Check(subject, expected[:16], found[:16], ok=found == expected)


def media_checks(backup: Path, manifest: dict) -> list[Check]:
    """The media archive's SHA-256, and every file it lists against the manifest's list."""
    media = manifest["media"]
    checks = [_file_check(backup, media, "media archive sha256")]
    expected: dict[str, str] = media.get("files") or {}
    found: dict[str, str] = {}
    try:
        with tarfile.open(backup / str(media.get("file", "")), "r:gz") as archive:
            for member in archive:
                if member.isfile():
                    found[member.name] = hashlib.sha256(archive.extractfile(member).read()).hexdigest()
    except (OSError, EOFError, tarfile.TarError, ValueError) as error:
        checks.append(
            Check("media files", f"{len(expected)} files", f"unreadable archive: {error}", ok=False)
        )
        return checks
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    changed = sorted(name for name in set(expected) & set(found) if expected[name] != found[name])
    problems = [
        f"{len(items)} {what}: {', '.join(items[:3])}"
        for what, items in (("missing", missing), ("unexpected", extra), ("changed", changed))
        if items
    ]
    checks.append(
        Check(
            "media files",
            f"{len(expected)} files",
            "; ".join(problems) or f"{len(found)} files",
            ok=not problems,
        )
    )
    return checks


def _table_checks(expected: dict[str, dict], found: dict[str, dict]) -> list[Check]:
    checks = []
    for label in sorted(set(expected) | set(found)):
        want, got = expected.get(label), found.get(label)
        if want is None:
            checks.append(Check(label, "(not in manifest)", f"{got['rows']} rows", ok=False))
        elif got is None:
            checks.append(Check(label, f"{want.get('rows')} rows", "(table missing)", ok=False))
        else:
            ok = want.get("rows") == got["rows"] and want.get("checksum") == got["checksum"]
            checksum = "" if want.get("checksum") == got["checksum"] else " checksum differs"
            checks.append(Check(label, f"{want.get('rows')} rows", f"{got['rows']} rows{checksum}", ok=ok))
    return checks


# --- the drill -----------------------------------------------------------------------------------------


def scratch_name(base: str, now: datetime.datetime) -> str:
    suffix = f"_drill_{now:%Y%m%d%H%M%S}_{os.getpid()}"
    return base[: 63 - len(suffix)] + suffix  # PostgreSQL truncates names past 63 bytes: do it knowingly


def _create_scratch(name: str) -> None:
    source = _settings_dict()["NAME"]
    try:
        _create_database_like(source, name)
    except psycopg2.Error as error:
        raise BackupError(
            f"The scratch database {name} could not be created ({str(error).strip()}): the database user "
            "needs the CREATEDB privilege for a restore drill."
        ) from error


def _create_database_like(source: str, name: str) -> None:
    admin = _connect(source)
    try:
        admin.autocommit = True
        with admin.cursor() as cursor:
            # The source's encoding and collation: text keys sort, and rows print, as they did there.
            cursor.execute(
                "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
                "WHERE datname = %s",
                [source],
            )
            encoding, collate, ctype = cursor.fetchone()
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING {} LC_COLLATE {} LC_CTYPE {}").format(
                    sql.Identifier(name), sql.Literal(encoding), sql.Literal(collate), sql.Literal(ctype)
                )
            )
    finally:
        admin.close()


def _drop_scratch(name: str) -> None:
    try:
        admin = _connect(_settings_dict()["NAME"])
        try:
            admin.autocommit = True
            with admin.cursor() as cursor:
                # FORCE: a connection the drill left open (killed half-way) must not keep it alive.
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        finally:
            admin.close()
    except psycopg2.Error as error:
        raise BackupError(
            f"The scratch database {name} could not be dropped ({str(error).strip()}); drop it by hand."
        ) from error


def _fingerprints_of(dbname: str) -> dict[str, dict[str, Any]]:
    scratch = _connect(dbname)
    try:
        scratch.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with scratch.cursor() as cursor:
            return table_fingerprints(cursor)
    finally:
        scratch.close()


def restore_drill(*, backup: Path) -> DrillReport:
    """Restore `backup` into a scratch database and compare everything with its manifest."""
    require_postgresql()
    manifest = read_manifest(backup)
    report = DrillReport(backup=backup)
    report.checks.append(_file_check(backup, manifest["dump"], "dump sha256"))
    report.checks.extend(media_checks(backup, manifest))
    report.scratch_database = scratch_name(_settings_dict()["NAME"], datetime.datetime.now(datetime.UTC))
    _create_scratch(report.scratch_database)
    try:
        argv, env = connection_argv_env(_settings_dict(), dbname=report.scratch_database)
        restore = [tool_path("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
        try:
            _run([*restore, *argv, str(backup / str(manifest["dump"].get("file")))], env, "pg_restore")
        except BackupError as error:
            message = " | ".join(line.strip() for line in str(error).splitlines() if line.strip())
            report.checks.append(Check("pg_restore", "restores", message[:300], ok=False))
            return report
        report.checks.append(Check("pg_restore", "restores", "restored", ok=True))
        report.checks.extend(_table_checks(manifest["tables"], _fingerprints_of(report.scratch_database)))
    finally:
        _drop_scratch(report.scratch_database)
    return report

"""Writes on the region models: loading the official region file."""

import csv
import gzip
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Model, ProtectedError, Q, RestrictedError

from core.errors import Refused

from .models import (
    DISTRICT_CODE,
    PROVINCE_CODE,
    REGENCY_CODE,
    VILLAGE_CODE,
    District,
    Province,
    Regency,
    Village,
)

LEVELS = ("province", "regency", "district", "village")
_PATTERNS = {
    "province": PROVINCE_CODE,
    "regency": REGENCY_CODE,
    "district": DISTRICT_CODE,
    "village": VILLAGE_CODE,
}
_MODELS: dict[str, type[Model]] = {
    "province": Province,
    "regency": Regency,
    "district": District,
    "village": Village,
}
_PARENT_FIELD = {"regency": "province_id", "district": "regency_id", "village": "district_id"}
_KINDS = {"regency": {"kabupaten", "kota"}, "village": {"desa", "kelurahan"}}
# The fields each level keeps, beyond its code, in the order they are compared.
_FIELDS = {
    "province": ("name", "latitude", "longitude"),
    "regency": ("province_id", "name", "kind", "latitude", "longitude"),
    "district": ("regency_id", "name", "latitude", "longitude"),
    "village": ("district_id", "name", "kind", "postal_code", "latitude", "longitude"),
}
_MAX_ERRORS_SHOWN = 20
_BATCH = 2000
# pg_advisory_xact_lock key held by every region load: "ovopregn" as a 64-bit integer.
_LOAD_LOCK_KEY = 0x6F766F707265676E


class RegionFileError(Refused):
    """The region file or the requested code cannot be used; the message says why."""


@dataclass
class LevelCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: int = 0  # absent from the file but still referenced by other data


@dataclass
class LoadReport:
    scope: str
    dry_run: bool
    levels: dict[str, LevelCounts] = field(default_factory=lambda: {lvl: LevelCounts() for lvl in LEVELS})
    kept_codes: list[str] = field(default_factory=list)

    def total(self, attr: str) -> int:
        return sum(getattr(counts, attr) for counts in self.levels.values())


def validate_scope_code(code: str) -> str:
    """Return the code if it names a province or a regency, else raise RegionFileError."""
    code = code.strip()
    if not (PROVINCE_CODE.fullmatch(code) or REGENCY_CODE.fullmatch(code)):
        raise RegionFileError(f"'{code}' is not a province code (e.g. 36) or a regency code (e.g. 36.04).")
    return code


def _open_text(path: Path) -> io.TextIOBase:
    if not path.exists():
        raise RegionFileError(f"The region file {path} does not exist.")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _read_rows(path: Path, scope: str | None) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) for the rows inside the scope (None: the whole country)."""
    ancestors = set()
    if scope:
        parts = scope.split(".")
        ancestors = {".".join(parts[: i + 1]) for i in range(len(parts))}
    with _open_text(path) as handle:
        reader = csv.DictReader(handle)
        expected = {"code", "level", "name", "parent_code", "kind", "latitude", "longitude", "postal_code"}
        if not reader.fieldnames or not expected.issubset(reader.fieldnames):
            raise RegionFileError(f"The region file {path} lacks the columns {sorted(expected)}.")
        for line, row in enumerate(reader, start=2):
            code = (row["code"] or "").strip()
            if scope is None or code in ancestors or code.startswith(scope + "."):
                yield line, row


def _coordinate(raw: str, limit: int) -> Decimal | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    value = Decimal(raw).quantize(Decimal("0.000001"))
    if not -limit <= value <= limit:
        raise InvalidOperation(raw)
    return value


def _parse(path: Path, scope: str | None) -> dict[str, dict[str, tuple]]:
    """Read and check the file: every code well formed, every parent present."""
    parsed: dict[str, dict[str, tuple]] = {level: {} for level in LEVELS}
    parents: list[tuple[int, str, str, str]] = []
    errors: list[str] = []
    for line, row in _read_rows(path, scope):
        code, level = row["code"].strip(), row["level"].strip()
        name, kind = " ".join(row["name"].split()), row["kind"].strip()
        if level not in _PATTERNS:
            errors.append(f"line {line}: unknown level '{level}'")
            continue
        if not _PATTERNS[level].fullmatch(code):
            errors.append(f"line {line}: '{code}' is not a valid {level} code")
            continue
        if not name:
            errors.append(f"line {line}: {code} has no name")
            continue
        if level in _KINDS and kind not in _KINDS[level]:
            errors.append(f"line {line}: {code} has an unknown kind '{kind}'")
            continue
        try:
            lat, lng = _coordinate(row["latitude"], 90), _coordinate(row["longitude"], 180)
        except (InvalidOperation, ValueError):
            errors.append(f"line {line}: {code} has malformed coordinates")
            continue
        postal = (row["postal_code"] or "").strip()
        if level == "village" and postal and not (len(postal) == 5 and postal.isdigit()):
            errors.append(f"line {line}: {code} has a malformed postal code '{postal}'")
            continue
        if code in parsed[level]:
            errors.append(f"line {line}: {code} appears twice")
            continue
        parent = row["parent_code"].strip()
        if level != "province":
            expected_parent = code.rsplit(".", 1)[0]
            if parent != expected_parent:
                errors.append(f"line {line}: {code} names parent '{parent}', expected '{expected_parent}'")
                continue
            parents.append((line, level, code, parent))
        values = {
            "province": (name, lat, lng),
            "regency": (parent, name, kind, lat, lng),
            "district": (parent, name, lat, lng),
            "village": (parent, name, kind, postal, lat, lng),
        }[level]
        parsed[level][code] = values
    parent_level = {"regency": "province", "district": "regency", "village": "district"}
    for line, level, code, parent in parents:
        if parent not in parsed[parent_level[level]]:
            errors.append(f"line {line}: {code} points to parent {parent}, which is not in the file")
    if errors:
        shown = "\n".join(errors[:_MAX_ERRORS_SHOWN])
        more = len(errors) - _MAX_ERRORS_SHOWN
        tail = f"\n… and {more} more" if more > 0 else ""
        raise RegionFileError(f"The region file has {len(errors)} error(s):\n{shown}{tail}")
    return parsed


def _existing(level: str, scope: str | None) -> dict[str, tuple]:
    """The stored rows of this level that the scope covers: inside it, or its own ancestors."""
    queryset = _MODELS[level].objects.all()
    if scope is not None:
        parts = scope.split(".")
        ancestors = [".".join(parts[: i + 1]) for i in range(len(parts))]
        queryset = queryset.filter(Q(code__startswith=scope + ".") | Q(code__in=ancestors))
    return {row[0]: tuple(row[1:]) for row in queryset.values_list("code", *_FIELDS[level]).iterator()}


def _wait_for_other_loads() -> None:
    """Hold the region-load lock until this transaction ends, so concurrent loads run one after another.

    Two loads that both read "not there yet" would both insert the same codes, and the later one would
    die on the primary key. Any two loads can collide (every regency load also writes its province),
    so there is one lock for all of them; the reads below come after it and see what the other load
    committed. On SQLite the IMMEDIATE transaction (settings.py) already holds the database's single
    write lock from its start, which serialises loads the same way.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOAD_LOCK_KEY])


@transaction.atomic
def regions_load(
    *,
    source: Path,
    scope: str | None,
    dry_run: bool = False,
    progress: Callable[[str, LevelCounts], None] | None = None,
) -> LoadReport:
    """Load the regions under `scope` (a province or regency code; None: the country).

    Idempotent: rows already as in the file are left alone, changed ones updated.
    A place that disappeared from the file is removed only when nothing points to it.
    With dry_run everything is worked out and then rolled back.
    """
    if scope is not None:
        scope = validate_scope_code(scope)
    parsed = _parse(source, scope)
    if scope is not None and scope not in parsed[LEVELS[len(scope.split(".")) - 1]]:
        raise RegionFileError(f"There is no region with code {scope} in {source.name}.")
    report = LoadReport(scope=scope or "ID", dry_run=dry_run)
    _wait_for_other_loads()

    stale: dict[str, set[str]] = {}
    for level in LEVELS:
        model, fields, counts = _MODELS[level], _FIELDS[level], report.levels[level]
        rows = parsed[level]
        existing = _existing(level, scope)
        stale[level] = set(existing) - set(rows)
        to_create, to_update = [], []
        for code, values in rows.items():
            current = existing.get(code)
            if current is None:
                to_create.append(model(code=code, **dict(zip(fields, values, strict=True))))
            elif current != values:
                to_update.append(model(code=code, **dict(zip(fields, values, strict=True))))
            else:
                counts.unchanged += 1
        model.objects.bulk_create(to_create, batch_size=_BATCH)
        model.objects.bulk_update(to_update, fields, batch_size=_BATCH)
        counts.added, counts.updated = len(to_create), len(to_update)
        if progress:
            progress(level, counts)

    # Remove what left the file, deepest level first; keep what other data points to.
    for level in reversed(LEVELS):
        for code in sorted(stale[level]):
            try:
                _MODELS[level].objects.filter(code=code).delete()
            except (ProtectedError, RestrictedError):
                report.levels[level].kept += 1
                report.kept_codes.append(code)
            else:
                report.levels[level].removed += 1

    if dry_run:
        transaction.set_rollback(True)
    return report

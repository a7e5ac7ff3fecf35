"""Which PostgreSQL backups to keep: grandfather-father-son by the date in each backup's name.

A backup folder is named by the UTC time it was taken (20261207T014000Z, with -1, -2 … when two are
taken in the same second). For each of the `daily` most recent days that hold a backup, the newest
backup of that day is kept; likewise for the `weekly` most recent ISO weeks and the `monthly` most
recent months. A backup kept by any rule survives; every other backup folder is deleted. Days, weeks
and months are UTC ones, as in the names. Folders whose name is not a backup's are never touched.
"""

import datetime
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path

NAME_FORMAT = "%Y%m%dT%H%M%SZ"
_NAME = re.compile(r"(?P<stamp>\d{8}T\d{6}Z)(?:-(?P<serial>\d+))?")


@dataclass(frozen=True)
class Policy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 6


def backup_name(taken: datetime.datetime, serial: int = 0) -> str:
    name = taken.astimezone(datetime.UTC).strftime(NAME_FORMAT)
    return f"{name}-{serial}" if serial else name


def taken_at(name: str) -> tuple[datetime.datetime, int] | None:
    """When the backup named `name` was taken (and its serial within that second), or None."""
    match = _NAME.fullmatch(name)
    if not match:
        return None
    try:
        stamp = datetime.datetime.strptime(match["stamp"], NAME_FORMAT).replace(tzinfo=datetime.UTC)
    except ValueError:  # 20261399T… has the shape of a name but is no date
        return None
    return stamp, int(match["serial"] or 0)


def backups_in(folder: Path) -> list[Path]:
    """The backup folders in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    found = [(taken_at(p.name), p) for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return [path for key, path in sorted((k, p) for k, p in found if k is not None)]


def _bucket_keys() -> list[tuple[str, Callable[[datetime.datetime], Hashable]]]:
    return [
        ("daily", lambda t: t.date()),
        ("weekly", lambda t: t.isocalendar()[:2]),
        ("monthly", lambda t: (t.year, t.month)),
    ]


def to_keep(names: Iterable[str], policy: Policy) -> set[str]:
    """The names the policy keeps among `names` (backup names; others are ignored)."""
    dated = sorted(
        ((key, name) for name in names if (key := taken_at(name)) is not None),
        reverse=True,
    )
    keep: set[str] = set()
    for rule, bucket in _bucket_keys():
        limit = getattr(policy, rule)
        seen: set[Hashable] = set()
        for (taken, _serial), name in dated:  # newest first: the first one met in a bucket is its newest
            key = bucket(taken)
            if key in seen:
                continue
            if len(seen) >= limit:
                break
            seen.add(key)
            keep.add(name)
    return keep


def to_delete(folder: Path, policy: Policy, *, protect: Path | None = None) -> list[Path]:
    """The backup folders in `folder` the policy drops; `protect` (the backup just made) never is."""
    existing = backups_in(folder)
    keep = to_keep([p.name for p in existing], policy)
    return [p for p in existing if p.name not in keep and (protect is None or p.name != protect.name)]

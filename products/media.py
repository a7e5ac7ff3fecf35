"""Keeping the file stores in step with the rows: orphan sweeping and moving old public scans.

A worker killed while it writes a photo's renditions (or a failed disk) can leave files that no row
names: the rows are rolled back, the files are not. `sweep_orphan_files` removes them, but only in the
folders the portal's file fields upload to, and only when older than a grace period, so an upload
still in progress is never swept. Names kept in history rows count as referenced: restoring a row
from its history must find its file.
"""

import datetime
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import models, transaction
from django.utils import timezone

from core.storage import private_storage

from .models import LegalityDocument

GRACE_PERIOD = datetime.timedelta(hours=1)


def _file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if isinstance(model_field, models.FileField):
                yield model, model_field


def _upload_folder(model_field: models.FileField) -> str | None:
    """The top folder a field uploads into ("produk", "legalitas"), or None if it cannot be told."""
    try:
        name = model_field.generate_filename(None, "probe.jpg")
    except Exception:  # an upload_to that needs an instance: its files are not swept
        return None
    folder = name.replace("\\", "/").split("/", 1)[0]
    return folder if folder and folder != name else None


def referenced_names() -> set[str]:
    """Every file name a row or a history row holds, in any storage."""
    names: set[str] = set()
    for model, model_field in _file_fields():
        models_holding = [model]
        history_attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if history_attribute:
            models_holding.append(getattr(model, history_attribute).model)
        for holder in models_holding:
            values = holder._default_manager.exclude(**{model_field.attname: ""}).values_list(
                model_field.attname, flat=True
            )
            names.update(value for value in values.iterator() if value)
    return names


def swept_locations() -> dict[str, tuple[Storage, set[str]]]:
    """Each storage's root, with the folders under it that file fields upload to."""
    locations: dict[str, tuple[Storage, set[str]]] = {}
    for _model, model_field in _file_fields():
        folder = _upload_folder(model_field)
        if folder is None:
            continue
        storage = model_field.storage
        root = os.path.abspath(storage.location)
        locations.setdefault(root, (storage, set()))[1].add(folder)
    # Scans were public once: a scan left in the media folder is swept like any other orphan.
    media_root = os.path.abspath(default_storage.location)
    if media_root in locations and LegalityDocument._meta.get_field("scan").storage is not default_storage:
        scan_folder = _upload_folder(LegalityDocument._meta.get_field("scan"))
        if scan_folder:
            locations[media_root][1].add(scan_folder)
    return locations


@dataclass
class SweepReport:
    examined: int = 0
    removed: list[str] = field(default_factory=list)
    kept_recent: int = 0


def sweep_orphan_files(
    *,
    dry_run: bool = False,
    grace: datetime.timedelta = GRACE_PERIOD,
    progress: Callable[[str], None] | None = None,
) -> SweepReport:
    """Remove files under the upload folders that no row references and that are older than `grace`."""
    report = SweepReport()
    # Listed before the names are read: a file written after this point is too new to be swept.
    cutoff = (timezone.now() - grace).timestamp()
    candidates: list[tuple[Storage, Path, str]] = []
    for root, (storage, folders) in swept_locations().items():
        for folder in sorted(folders):
            base = Path(root) / folder
            if not base.is_dir():
                continue
            for directory, _dirs, files in os.walk(base):
                for file_name in files:
                    path = Path(directory) / file_name
                    relative = path.relative_to(root).as_posix()
                    candidates.append((storage, path, relative))
    referenced = referenced_names()
    for _storage, path, relative in candidates:
        report.examined += 1
        if relative in referenced:
            continue
        try:
            modified = path.stat().st_mtime
        except FileNotFoundError:
            continue
        if modified > cutoff:
            report.kept_recent += 1
            continue
        report.removed.append(str(path))
        if progress:
            progress(str(path))
        if not dry_run:
            path.unlink(missing_ok=True)
    return report


@dataclass
class MoveReport:
    moved: int = 0
    already_private: int = 0
    missing: list[str] = field(default_factory=list)


def move_public_scans(*, dry_run: bool = False, progress: Callable[[str], None] | None = None) -> MoveReport:
    """Move scans still in the public media folder to private storage under random names.

    Idempotent: a scan already in private storage is left alone. The row is updated before the public
    file is removed, so an interruption leaves at worst a public copy that a second run cleans up.
    """
    report = MoveReport()
    private = private_storage()
    documents = LegalityDocument.objects.exclude(scan="").only("pk", "scan").order_by("pk")
    for document in documents.iterator():
        name = document.scan.name
        if private.exists(name):
            report.already_private += 1
            if default_storage.exists(name) and not dry_run:
                default_storage.delete(name)  # the copy a previous, interrupted run left behind
            continue
        if not default_storage.exists(name):
            report.missing.append(name)
            continue
        if progress:
            progress(name)
        report.moved += 1
        if dry_run:
            continue
        new_name = _private_name(name)
        with default_storage.open(name, "rb") as public_file:
            stored = private.save(new_name, public_file)
        try:
            with transaction.atomic():
                # An update, not a save: the document's own history and modification time are unchanged.
                updated = LegalityDocument.objects.filter(pk=document.pk, scan=name).update(scan=stored)
                # History rows follow, so that restoring a version finds its file (and the old
                # name, often the holder's, is not kept).
                LegalityDocument.history.filter(scan=name).update(scan=stored)
        except BaseException:
            private.delete(stored)
            raise
        if updated:
            default_storage.delete(name)
        else:  # the document changed meanwhile: leave it to the next run
            private.delete(stored)
            report.moved -= 1
    return report


def _private_name(old_name: str) -> str:
    extension = old_name.rsplit(".", 1)[-1].lower() if "." in old_name else ""
    extension = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png"}.get(extension, "bin")
    folder = old_name.replace("\\", "/").rsplit("/", 1)[0] if "/" in old_name else "legalitas"
    return f"{folder}/{uuid.uuid4().hex}.{extension}"

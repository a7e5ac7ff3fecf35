"""Backup and restore: the round trip gives back every row of every table and every media file."""

import hashlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from ovop_portal.backup import _backed_up_models
from products.models import Category, Product


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
    with pytest.raises(CommandError, match="empty"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert Product.objects.count() == rows


def test_a_damaged_backup_is_refused_and_changes_nothing(regions, tmp_path):
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(b"not a backup at all")
    groups = apps.get_model("auth", "Group").objects.count()
    with pytest.raises(CommandError, match="Not a portal backup"):
        call_command("restore", str(damaged), stdout=io.StringIO())
    assert apps.get_model("auth", "Group").objects.count() == groups

"""A backup taken while officials keep writing is one snapshot: it restores, and every key resolves."""

import datetime
import io
import json
import tarfile
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import ForeignKey

from assistance.models import Delivery, Programme
from backups import services as backup
from backups.services import _backed_up_models, row_counts
from products.models import Product
from tests.factories import BUMIJAYA, ProductFactory, make_dinas
from villages.models import Village


def record_pair(programme: Programme, officer, name: str) -> tuple[Product, Delivery]:
    """What an official does many times a day: a product, and a delivery to it."""
    with transaction.atomic():
        product = ProductFactory(name=name)
        delivery = Delivery.objects.create(
            programme=programme,
            village=Village.objects.get(code=BUMIJAYA),
            product=product,
            delivered_on=datetime.date(2026, 4, 1),
            value=1_000_000,
            description="Kemasan",
            officer=officer,
        )
    return product, delivery


def dangling_foreign_keys() -> dict[str, int]:
    """Rows whose enforced foreign key names a row that is not there (history tables enforce none)."""
    dangling = {}
    for model in _backed_up_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, ForeignKey) or not field.db_constraint:
                continue
            targets = field.related_model._base_manager.values(field.target_field.attname)
            count = (
                model._base_manager.filter(**{f"{field.attname}__isnull": False})
                .exclude(**{f"{field.attname}__in": targets})
                .count()
            )
            if count:
                dangling[f"{model._meta.label_lower}.{field.name}"] = count
    return dangling


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_backup_taken_while_officials_write_restores_with_every_foreign_key_resolved(
    regions, settings, tmp_path, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's IMMEDIATE transaction holds the database's write lock for the whole backup: a "
            "writer waits until it ends, so nothing can be written during the dump"
        )
    officer = make_dinas()
    programme = Programme.objects.create(
        name="Kemasan 2026",
        kind="kemasan",
        fiscal_year=2026,
        budget=900_000_000,
        funding_source="apbd_kab",
        agency="Disperindag",
        status="running",
    )
    before = [record_pair(programme, officer, f"Produk lama {i}") for i in range(4)]
    products_before = Product.objects.count()

    dump_paused, writer_committed, stop = threading.Event(), threading.Event(), threading.Event()
    tables_read: list[str] = []
    written: list[int] = []
    deleted: list[int] = []
    errors: list[BaseException] = []

    def pause(label: str) -> None:
        tables_read.append(label)
        if label == "assistance.delivery":
            # Products are already read and deliveries not yet: the moment the old backup tore.
            dump_paused.set()
            assert writer_committed.wait(timeout=60)

    def writer() -> None:
        try:
            assert dump_paused.wait(timeout=120)
            old = list(before)
            for n in range(30):
                if stop.is_set():
                    break
                product, _delivery = record_pair(programme, officer, f"Produk baru {n}")
                written.append(product.pk)
                if old:
                    gone_product, gone_delivery = old.pop()
                    deleted.append(gone_product.pk)
                    with transaction.atomic():
                        gone_delivery.delete()
                        gone_product.delete()
                writer_committed.set()
        except BaseException as error:  # noqa: BLE001 -- reported by the assertion below
            errors.append(error)
            writer_committed.set()
        finally:
            connection.close()

    monkeypatch.setattr(backup, "_pause_point", pause)
    thread = threading.Thread(target=writer)
    thread.start()
    archive = tmp_path / "backup.tar.gz"
    try:
        call_command("backup", str(archive), stdout=io.StringIO(), stderr=io.StringIO())
    finally:
        stop.set()
        dump_paused.set()  # a backup that failed before the pause must not leave the writer waiting
        thread.join(timeout=60)

    assert errors == []
    assert tables_read.index("products.product") < tables_read.index("assistance.delivery")
    assert written and deleted, "the writer committed during the dump"
    with tarfile.open(archive, "r:gz") as written_archive:
        manifest = json.loads(written_archive.extractfile("manifest.json").read())

    call_command("flush", "--no-input", verbosity=0)  # an empty database, migrated
    call_command("restore", str(archive), stdout=io.StringIO(), stderr=io.StringIO())

    assert row_counts() == manifest["rows"]
    assert dangling_foreign_keys() == {}
    # The snapshot is the database as it was when the dump began: none of the writer's changes.
    assert Product.objects.count() == products_before
    assert not Product.objects.filter(pk__in=written).exists()
    assert Product.objects.filter(pk__in=deleted).count() == len(deleted)
    assert Delivery.objects.count() == len(before)


@pytest.mark.django_db(transaction=True)
def test_a_backup_reads_every_table_inside_one_read_only_snapshot(regions, tmp_path, monkeypatch):
    seen: list[tuple[bool, str, str]] = []

    def pause(label: str) -> None:
        isolation, read_only = "", ""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW transaction_isolation")
                isolation = cursor.fetchone()[0]
                cursor.execute("SHOW transaction_read_only")
                read_only = cursor.fetchone()[0]
        seen.append((connection.in_atomic_block, isolation, read_only))

    monkeypatch.setattr(backup, "_pause_point", pause)
    call_command("backup", str(tmp_path / "backup.tar.gz"), stdout=io.StringIO())

    assert len(seen) == len(_backed_up_models())
    expected = ("repeatable read", "on") if connection.vendor == "postgresql" else ("", "")
    assert set(seen) == {(True, *expected)}

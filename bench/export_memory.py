"""Memory and time of large spreadsheet exports (producers and products, CSV and XLSX).

    .venv/bin/python bench/export_memory.py                 # a throwaway SQLite file
    .venv/bin/python bench/export_memory.py --rows 50000
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ovop_sheets_bench \
        .venv/bin/python bench/export_memory.py

The database is created for the run and removed afterwards (PostgreSQL: the named database is dropped
and created again, so never point this at a database you keep). It loads the served regency, makes
`--rows` producers and as many products (two producers each) with bulk_create, then downloads each
export through the Django test client, consuming the response chunk by chunk as a browser would,
and prints rows, seconds and memory: tracemalloc's peak of Python allocations during the download and
the process's maximum resident set size. For comparison it also measures import-export's own
`Resource.export()` (a whole tablib Dataset in memory) turned into XLSX.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare_environment(database_url: str | None) -> tuple[str, Path | None]:
    scratch = None
    if database_url is None:
        scratch = Path(tempfile.mkdtemp(prefix="ovop-bench-"))
        database_url = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "true"  # development settings: no HTTPS redirect for the test client
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "ovop_portal.settings"
    if database_url.startswith("postgres"):
        recreate_postgres(database_url)
    return database_url, scratch


def recreate_postgres(url: str, drop_only: bool = False) -> None:
    import psycopg2
    from psycopg2 import sql

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{base}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        if not drop_only:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports kilobytes


def fill(rows: int) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from products.models import Category, Producer, Product
    from villages.models import Village

    call_command("migrate", verbosity=0)
    call_command("load_regions", settings.OVOP_REGENCY_CODE, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    villages = list(Village.objects.in_service_area().order_by("code"))
    categories = list(Category.objects.all())
    kinds = [k for k, _label in Producer.Kind.choices]
    Producer.objects.bulk_create(
        (
            Producer(
                business_name=f"Usaha {i:06d} {villages[i % len(villages)].name}",
                owner_name=f"Pemilik {i}",
                kind=kinds[i % len(kinds)],
                village=villages[i % len(villages)],
                address=f"RT {i % 9 + 1:02d}/RW {i % 5 + 1:02d}",
                whatsapp=f"+62812{i:08d}",
                nib=f"{i:013d}" if i % 2 else "",
                workers=i % 40 + 1,
                year_started=1990 + i % 35,
                contact_consent=bool(i % 3),
            )
            for i in range(rows)
        ),
        batch_size=2000,
    )
    Product.objects.bulk_create(
        (
            Product(
                name=f"Produk {i:06d}",
                slug=f"produk-{i:06d}",
                village=villages[i % len(villages)],
                category=categories[i % len(categories)],
                story="Cerita produk " * 20,
                price_min=10000 + i,
                price_max=20000 + i,
                status=Product.Status.PUBLISHED,
            )
            for i in range(rows)
        ),
        batch_size=2000,
    )
    producer_ids = list(Producer.objects.order_by("pk").values_list("pk", flat=True))
    product_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    through = Product.producers.through
    through.objects.bulk_create(
        (
            through(product_id=product_id, producer_id=producer_ids[(i + k) % len(producer_ids)])
            for i, product_id in enumerate(product_ids)
            for k in (0, 1)
        ),
        batch_size=5000,
    )


def download(client, url: str, target: Path) -> tuple[int, int]:
    """Fetch and write the file chunk by chunk; returns (bytes, chunks)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = chunks = 0
    with target.open("wb") as file:
        for chunk in response.streaming_content:
            file.write(chunk)
            size += len(chunk)
            chunks += 1
    response.close()
    return size, chunks


def count_rows(path: Path) -> int:
    if path.suffix == ".csv":
        with path.open("rb") as file:
            return sum(1 for _line in file) - 1
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    rows = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True)) - 1
    workbook.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20000, help="producers and products to make")
    parser.add_argument("--no-compare", action="store_true", help="skip the whole-Dataset comparison")
    options = parser.parse_args()

    database_url, scratch = prepare_environment(os.environ.get("BENCH_DATABASE_URL"))
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.test import Client

    from products.models import Producer
    from products.resources import ProducerResource
    from villages.roles import NO_SCOPE, PETUGAS_DINAS

    # Development settings record every query when DEBUG is on; a server does not.
    settings.DEBUG = False
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    started = time.perf_counter()
    fill(options.rows)
    print(
        f"{engine}: {options.rows} producers and {options.rows} products made in "
        f"{time.perf_counter() - started:.1f} s; maxrss so far {megabytes(maxrss())}"
    )

    user = get_user_model_dinas(Group, PETUGAS_DINAS)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    out = Path(tempfile.mkdtemp(prefix="ovop-bench-out-"))
    print(f"{'export':<16} {'rows':>7} {'size':>9} {'chunks':>7} {'seconds':>8} {'py peak':>9} {'maxrss':>9}")
    for what in ("produsen", "produk"):
        for fmt in ("csv", "xlsx"):
            url = f"/petugas/ekspor/{what}.{fmt}"
            target = out / f"{what}.{fmt}"
            started = time.perf_counter()
            size, chunks = download(client, url, target)
            seconds = time.perf_counter() - started
            tracemalloc.start()
            download(client, url, target)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rows = count_rows(target)
            print(
                f"{what + '.' + fmt:<16} {rows:>7} {megabytes(size):>9} {chunks:>7} {seconds:>8.2f} "
                f"{megabytes(peak):>9} {megabytes(maxrss()):>9}"
            )

    if not options.no_compare:
        from import_export.formats.base_formats import XLSX

        queryset = Producer.objects.select_related("village__district").order_by("business_name", "pk")
        tracemalloc.start()
        started = time.perf_counter()
        dataset = ProducerResource(scope=NO_SCOPE).export(queryset)
        data = XLSX().export_data(dataset)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{'comparison: Resource.export() + tablib XLSX of the producers (all in memory)':<16}")
        print(
            f"{'produsen.xlsx':<16} {len(dataset):>7} {megabytes(len(data)):>9} {1:>7} {seconds:>8.2f} "
            f"{megabytes(peak):>9} {megabytes(maxrss()):>9}"
        )

    from django.db import connections

    connections.close_all()
    for path in out.iterdir():
        path.unlink()
    out.rmdir()
    if scratch is not None:
        for path in scratch.iterdir():
            path.unlink()
        scratch.rmdir()
    else:
        recreate_postgres(database_url, drop_only=True)


def get_user_model_dinas(group_model, group_name: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("bench-dinas", password=None)
    user.groups.add(group_model.objects.get(name=group_name))
    return user


if __name__ == "__main__":
    main()

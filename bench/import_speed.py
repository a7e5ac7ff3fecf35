"""Time and queries of the largest import the portal accepts (5,000 rows), producers then products.

    .venv/bin/python bench/import_speed.py                        # a throwaway SQLite file
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ovop_import_bench \
        .venv/bin/python bench/import_speed.py --rows 5000 --profile

The database is created for the run (PostgreSQL: the named database is dropped and created again, so
never point this at a database you keep). It loads the served regency, writes an XLSX of `--rows`
producers (spread over the regency's villages, half with a NIB), then one of as many products, each
naming two of those producers by NIB or by name, and runs each file through `import_run`, the
function the import pages call: the preview (a dry run) and then the import itself. For each phase it
prints seconds (wall clock, and the CPU time of this process: on a shared machine the wall clock also
counts waiting for a core) and the number of SQL queries; `--profile` adds cProfile's top functions.
A second producer import of the same file (every row an update or unchanged) shows the update path.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def prepare_environment(database_url: str | None) -> str:
    from export_memory import recreate_postgres

    if database_url is None:
        database_url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='ovop-bench-')) / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_DEBUG"] = "true"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "ovop_portal.settings"
    os.environ.pop("REDIS_URL", None)  # the import's time, not the shared cache's
    if database_url.startswith("postgres"):
        recreate_postgres(database_url)
    return database_url


def xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def producer_file(count: int, villages: list[str]) -> bytes:
    from products.resources import ProducerResource

    headers = ProducerResource().get_export_headers()
    rows = []
    for n in range(count):
        row = {
            "Kode desa": villages[n % len(villages)],
            "Nama usaha": f"Usaha Bangku {n}",
            "Pemilik/ketua": f"Ibu Warga {n}",
            "Bentuk usaha": "Kelompok usaha" if n % 3 else "Perorangan",
            "Alamat": f"Kp. Jaya RT {n % 9:02d}",
            "WhatsApp": f"0812{n:08d}",
            "Setuju kontak dipublikasikan": "ya" if n % 2 else "tidak",
            "NIB": f"{9100000000000 + n}" if n % 2 else "",
            "Jumlah pekerja": 1 + n % 40,
            "Tahun mulai usaha": 1990 + n % 30,
            "Lintang": "-6.1" if n % 5 == 0 else "",
            "Bujur": "106.2" if n % 5 == 0 else "",
        }
        rows.append([row.get(header, "") for header in headers])
    return xlsx([headers, *rows])


def product_file(count: int, villages: list[str], category: str) -> bytes:
    from products.resources import ProductResource

    headers = ProductResource().get_export_headers()
    rows = []
    for n in range(count):
        village = n % len(villages)
        # producers n and n + len(villages) live in this village (see producer_file)
        first = f"{9100000000000 + n}" if n % 2 else f"Usaha Bangku {n}"
        row = {
            "Kode desa": villages[village],
            "Nama produk": f"Produk Bangku {n}",
            "Kategori": category,
            "Status": "Terbit" if n % 2 else "Draf",
            "Cerita produk": "Dibuat dari bahan desa. " * 4,
            "Harga terendah (Rp)": 10000 + n,
            "Harga tertinggi (Rp)": 20000 + n,
            "Satuan harga": "per buah",
            "Kapasitas per bulan": 100 + n,
            "Satuan kapasitas": "buah",
            "Jangkauan pasar": "Provinsi",
            "Pasar yang dicapai": "Serang, Cilegon",
            "Produsen": first,
        }
        rows.append([row.get(header, "") for header in headers])
    return xlsx([headers, *rows])


def measure(label: str, function, profile: bool):
    from django.db import connection

    profiler = cProfile.Profile() if profile else None
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = function()
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{label:<26} {seconds:7.2f} s (this process's CPU: {cpu:6.2f} s) {len(queries):6d} queries")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()
    database_url = prepare_environment(os.environ.get("BENCH_DATABASE_URL"))

    import django

    django.setup()
    from django.core.management import call_command

    from officials.spreadsheets import import_run
    from products.models import Category, Producer, Product
    from villages.models import Village
    from villages.roles import Scope

    call_command("migrate", verbosity=0)
    call_command("load_regions", "36.04", verbosity=0)
    print(f"database: {database_url.split('@')[-1]}; rows: {args.rows}")
    dinas = Scope(is_official=True, is_dinas=True, is_admin=False, district_codes=frozenset())
    villages = list(Village.objects.for_scope(dinas).order_by("code").values_list("code", flat=True))
    category = Category.objects.order_by("position", "name").first().name

    def run(kind: str, data: bytes, dry_run: bool):
        report = import_run(kind=kind, name=f"{kind}.xlsx", data=data, scope=dinas, dry_run=dry_run)
        if not report.ok:
            raise SystemExit(f"{kind}: refused {report.errors[:5]} {report.file_errors}")
        return report.counts

    producers = producer_file(args.rows, villages)
    products = product_file(args.rows, villages, category)
    for kind, data in (("produsen", producers), ("produk", products)):
        print(measure(f"{kind}: preview", lambda k=kind, d=data: run(k, d, True), args.profile))
        print(measure(f"{kind}: import", lambda k=kind, d=data: run(k, d, False), args.profile))
    print(measure("produsen again: preview", lambda: run("produsen", producers, True), args.profile))
    print(measure("produsen again: import", lambda: run("produsen", producers, False), args.profile))
    print(
        f"in the database: {Producer.objects.count()} producers ({Producer.history.count()} history "
        f"records), {Product.objects.count()} products ({Product.history.count()} history records)"
    )
    if database_url.startswith("postgres"):
        from django.db import connections
        from export_memory import recreate_postgres

        connections.close_all()
        recreate_postgres(database_url, drop_only=True)


if __name__ == "__main__":
    main()

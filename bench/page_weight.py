"""Weight and server time of every officials' page for a national Dinas official (issue 17).

    .venv/bin/python bench/page_weight.py
    .venv/bin/python bench/page_weight.py --reseed          # seed the database again
    .venv/bin/python bench/page_weight.py --scale 0.1 --repeat 5
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ovop_weight_bench \
        .venv/bin/python bench/page_weight.py

It uses the PostgreSQL database BENCH_DATABASE_URL (default ovop_weight_bench on 127.0.0.1; created if
missing, never dropped) and migrates it. When it holds no villages it loads every region of the
country (`manage.py load_regions --all`: 83,763 villages, ~7,277 kecamatan); when it holds no products
(or with --reseed) it runs `manage.py seed_scale --reset --scale S` (default S = 0.25: every region
and the full coverage of products and producers, a quarter of the deliveries, visits and outcome
records, so the seed fits in a few minutes on two cores). The database is kept between runs.

The portal then serves the whole country (OVOP_AREA_CODE=ID) with development settings
(DJANGO_DEBUG=true, so no HTTPS redirect for the test client; DEBUG itself is turned off after setup,
as a server runs), and a Dinas official (the group PETUGAS_DINAS, as tests/factories.make_dinas makes
one) is signed in with the Django test client. Each page is requested once to warm up, then --repeat
times; the table gives the status, the size of the body, the median server time (the test client
calls the whole middleware stack and the view in this process: no network, no static files) and the
number of SQL queries of the last request. The caches stay on unless --no-cache (then
OVOP_PUBLIC_CACHE_SECONDS and OVOP_FIGURES_CACHE_SECONDS are 0, so every request renders afresh).

The pages: every GET page without a URL argument of the namespaces officials, products, assistance,
jobs, reminders and the account security page, found through the URL resolver (less the pickers'
JSON endpoints, the exports and templates; views that answer 405 to GET are listed as POST only);
the main forms that need an object (product and producer update, a programme's delivery and edit
forms, a village's exploration form, the proposal form of an open round: the seed has none, so
unless --no-open-round the script opens one, for the year after the latest, in the bench database);
and the four pickers with two queries. The product and producer chosen are the ones with the most
producers and products. A page at or over --limit KB (default 200, issue 17's ceiling for a form) is
marked. The table is printed and written to bench/results/page_weight.md (ignored by git).

The server times are those of this machine at the moment of the run: on a shared machine they vary
with its load (the script prints the load average with the table).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from run import ensure_database  # noqa: E402 (bench/ is the script's own folder)

PYTHON = str(ROOT / ".venv" / "bin" / "python")
RESULTS = ROOT / "bench" / "results"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ovop_weight_bench")
NAMESPACES = ("officials", "products", "assistance", "jobs", "reminders")
ACCOUNT_PAGES = ("accounts:security",)
# Not pages: JSON endpoints, file downloads, spreadsheet templates.
SKIPPED = {
    "products:district_picker",
    "products:village_picker",
    "products:product_picker",
    "products:producer_picker",
    "officials:export",
    "officials:import_template",
}
# A kecamatan name (few matches) and one letter (thousands of matches, cut to the first 20).
PICKER_QUERIES = ("ciruas", "a")


@dataclass
class Row:
    label: str
    url: str
    status: int
    size: int
    ms: float
    queries: int
    note: str = ""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def environment(no_cache: bool) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "ovop_portal.settings",
        "OVOP_AREA_CODE": "ID",
    }
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-not-a-secret")
    if no_cache:
        env["OVOP_PUBLIC_CACHE_SECONDS"] = "0"
        env["OVOP_FIGURES_CACHE_SECONDS"] = "0"
    return env


def manage(env: dict, *args: str) -> float:
    started = time.monotonic()
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


def prepare(env: dict, *, reseed: bool, scale: float) -> list[str]:
    """Migrate and, if needed, seed; returns lines on what was done for the report."""
    ensure_database(DATABASE_URL)
    notes = []
    log("· migrate")
    manage(env, "migrate", "--noinput", "--verbosity", "0")
    os.environ.update({k: v for k, v in env.items() if k.startswith(("DJANGO", "OVOP", "DATABASE"))})
    import django

    django.setup()
    from django.db import connections

    from products.models import Product
    from villages.models import Village

    if not Village.objects.exists():
        log("· load_regions --all")
        seconds = manage(env, "load_regions", "--all")
        notes.append(f"load_regions --all: {seconds:.0f} s")
    if reseed or not Product.objects.exists():
        log(f"· seed_scale --reset --scale {scale:g} (several minutes)")
        connections.close_all()
        seconds = manage(env, "seed_scale", "--reset", "--scale", f"{scale:g}")
        notes.append(f"seed_scale --scale {scale:g}: {seconds:.0f} s")
    return notes


def dinas_client():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from villages.roles import PETUGAS_DINAS

    user, _ = get_user_model().objects.get_or_create(
        username="bench-weight-dinas", defaults={"first_name": "Bench", "last_name": "Dinas"}
    )
    user.groups.add(Group.objects.get(name=PETUGAS_DINAS))
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client, user


def plain_pages() -> list[tuple[str, str]]:
    """(URL name, path) of every pattern without arguments in the officials' namespaces."""
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    found: list[tuple[str, str]] = []

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name and namespace:
                name = f"{namespace}:{entry.name}"
                wanted = namespace in NAMESPACES or name in ACCOUNT_PAGES
                if wanted and name not in SKIPPED and entry.pattern.regex.groups == 0:
                    found.append((name, reverse(name)))

    walk(get_resolver().url_patterns, None)
    seen = set()
    return [(name, url) for name, url in found if not (url in seen or seen.add(url))]


def object_pages(opener) -> tuple[list[tuple[str, str]], list[str]]:
    """The main forms that need an object, with objects taken from the seeded database."""
    from django.db.models import Count
    from django.urls import reverse

    from assistance.models import Programme
    from products.models import DesignationRound, Producer, Product
    from villages.models import Village

    pages, missing = [], []
    # The busiest records: the most producers on a product, the most products of a producer.
    product = Product.objects.annotate(n=Count("producers")).order_by("-n", "pk").first()
    producer = Producer.objects.annotate(n=Count("products")).order_by("-n", "pk").first()
    programme = Programme.objects.order_by("-pk").first()
    village = Village.objects.order_by("code").first()
    round = DesignationRound.objects.open().order_by("-year").first()
    if round is None and opener is not None:
        # The seed opens no round; one is opened in this database (as the round form does) to measure
        # the proposal form.
        from django.utils import timezone

        from core.errors import Refused
        from products.services.rounds import round_open

        year = timezone.localdate().year
        if DesignationRound.objects.filter(year=year).exists():
            year += 1
        try:
            round = round_open(year=year, opened_by=opener, name=f"OVOP {year} (bench)")
        except Refused as refusal:
            missing.append(f"products:round_propose: no round could be opened ({refusal.message})")
    for name, obj, kwargs in (
        ("products:product_update", product, lambda o: {"pk": o.pk}),
        ("products:producer_update", producer, lambda o: {"pk": o.pk}),
        ("assistance:delivery_create", programme, lambda o: {"pk": o.pk}),
        ("assistance:programme_update", programme, lambda o: {"pk": o.pk}),
        ("assistance:exploration_create", village, lambda o: {"code": o.code}),
        ("products:round_propose", round, lambda o: {"pk": o.pk}),
    ):
        if obj is None:
            missing.append(f"{name}: no object in the database (no open round?)")
        else:
            pages.append((name, reverse(name, kwargs=kwargs(obj))))
    for query in PICKER_QUERIES:
        for picker in ("district_picker", "village_picker", "product_picker", "producer_picker"):
            pages.append((f"products:{picker}", f"{reverse(f'products:{picker}')}?q={query}"))
    return pages, missing


def measure(client, label: str, url: str, repeat: int) -> Row:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def body(response) -> bytes:
        if getattr(response, "streaming", False):
            return b"".join(response.streaming_content)
        return response.content

    warm = client.get(url)
    size = len(body(warm))
    if warm.status_code != 200:
        where = warm.get("Location", "")
        note = f"→ {where}" if where else ""
        return Row(label, url, warm.status_code, size, 0.0, 0, note)
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            size = len(body(response))
            times.append((time.perf_counter() - started) * 1000)
        queries = len(captured)
    return Row(label, url, response.status_code, size, statistics.median(times), queries)


def table(rows: list[Row], limit_kb: int) -> str:
    lines = [
        "| page | URL | status | KB | ms (median) | queries | |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        kb = row.size / 1024
        mark = f"**≥ {limit_kb} KB**" if kb >= limit_kb else ""
        note = " ".join(part for part in (mark, row.note) if part)
        ms = f"{row.ms:.0f}" if row.status == 200 else "–"
        queries = str(row.queries) if row.status == 200 else "–"
        lines.append(f"| {row.label} | `{row.url}` | {row.status} | {kb:.1f} | {ms} | {queries} | {note} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reseed", action="store_true", help="run seed_scale --reset even if seeded")
    parser.add_argument("--scale", type=float, default=0.25, help="seed_scale's --scale (default 0.25)")
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per page after a warm-up")
    parser.add_argument("--limit", type=int, default=200, help="mark pages of at least this many KB")
    parser.add_argument(
        "--no-open-round",
        dest="open_round",
        action="store_false",
        help="do not open a designation round when none is open (the proposal form is then not measured)",
    )
    parser.add_argument("--no-cache", action="store_true", help="public and figures caches off")
    options = parser.parse_args()

    env = environment(options.no_cache)
    notes = prepare(env, reseed=options.reseed, scale=options.scale)
    from django.conf import settings

    from products.models import Producer, Product
    from villages.models import District, Village

    settings.DEBUG = False  # as a server runs; CaptureQueriesContext still records the queries
    client, user = dinas_client()
    forms, missing = object_pages(user if options.open_round else None)
    rows, skipped = [], []
    for label, url in plain_pages() + forms:
        log(f"· {url}")
        row = measure(client, label, url, options.repeat)
        if row.status == 405:
            skipped.append(label)
        else:
            rows.append(row)

    heading = (
        f"Officials' pages for a Dinas official, OVOP_AREA_CODE=ID: {Village.objects.count():,} villages, "
        f"{District.objects.count():,} kecamatan, {Product.objects.count():,} products, "
        f"{Producer.objects.count():,} producers (PostgreSQL; test client, in process; median of "
        f"{options.repeat} after a warm-up; caches {'off' if options.no_cache else 'on'})."
    )
    footer = [f"Skipped (POST only): {', '.join(skipped) or 'none'}."]
    footer += [f"Not measured: {line}" for line in missing]
    footer += [f"Seeded this run: {line}" for line in notes]
    over = [row for row in rows if row.size / 1024 >= options.limit]
    failing = [row for row in rows if row.status != 200]
    footer.append(
        f"Load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}."
    )
    footer.append(
        f"{len(rows)} pages; {len(over)} at or over {options.limit} KB; {len(failing)} not answering 200."
    )
    text = "\n\n".join([heading, table(rows, options.limit), "\n".join(footer)]) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "page_weight.md").write_text(text)


if __name__ == "__main__":
    main()

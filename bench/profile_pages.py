"""Where each page's server time goes, rendered afresh: SQL, templates and the rest (issue 19).

    .venv/bin/python bench/profile_pages.py                              # both deployments, 30 renders a page
    .venv/bin/python bench/profile_pages.py --deployment regency --runs 10 --pages 'home,search-*'
    .venv/bin/python bench/profile_pages.py --deployment national --cprofile map --runs 3
    make profile PROFILE_ARGS='--runs 10'

Each page is rendered in process with Django's test client (the whole middleware stack, the view and
the templates; no network, no static files) against the PostgreSQL database BENCH_DATABASE_URL
(default ovop_weight_bench on 127.0.0.1, the national data set: `load_regions --all` and
`seed_scale --scale 0.25`, as bench/page_weight.py makes it; that script seeds an empty database). The
database is migrated first (--no-migrate to skip) and gets two officials of its own
(bench-profile-dinas, and bench-profile-kecamatan for the area's kecamatan with the most products).

Two deployments, each in its own process (the area is read at start-up): a regency served from the
national data (OVOP_AREA_CODE=36.04, "regency") and the whole country (OVOP_AREA_CODE=ID, "national").
Settings as in production: DEBUG off, the cached template loader (Django's default without DEBUG),
HTTPS requests (so no redirect); the caches are OFF (OVOP_PUBLIC_CACHE_SECONDS=0,
OVOP_FIGURES_CACHE_SECONDS=0, and the in-process cache instead of Redis), so every render is a first
view after a write. Three departures, for the test client: two-factor sign-in is not required
(OVOP_TWO_FACTOR_REQUIRED=false: the middleware still runs its check), static files are not
collected (DJANGO_MANIFEST_STATIC=false: `{% static %}` joins a path instead of looking up the
manifest), and the host is `testserver`.

The pages (--pages takes comma-separated names or shell patterns): public: home, catalogue,
search-gerabah, search-bulakan, search-misspelt ("grabah"), product, village, kecamatan (of a public
product, a flagship when there is one), map, kecamatan-list, desa-list; officials': dashboard-dinas,
dashboard-kecamatan, products, villages, producers, todo, situations, recap, overdue (the Dinas official
unless the name says kecamatan).

Per page: a warm-up request, then --runs renders (default 30; fewer, but at least 3, once a page has
taken --budget seconds, default 60: the national map takes seconds a render). The table gives the
status, the size of the body, the SQL queries of a render, the median and p95 of the total time, and
the median render's split: SQL (inside the database driver's execute), templates (inside
Template.render, less the SQL it triggers) and other (middleware, view code, query compilation, model
instances); bench/profiling/core.py says exactly how each is timed. It is printed and written to
bench/results/profile-<deployment>.md (ignored by git).

--queries PAGE lists each query of that page's render instead, with its median time over --runs
renders, slowest first (the one to EXPLAIN).

--cprofile PAGE profiles that page instead (--runs renders within --budget) and prints the 30
functions with the most cumulative and the most own time per render, with their share of the wall
time; it writes bench/results/cprofile-<deployment>-<page>.md and .prof (for pstats or snakeviz).

Times are those of this machine at the moment of the run: on a shared machine they move with its load
(the table gives the load average).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# The project's root on the path, for Django's settings and the apps. (This file was bench/profile.py:
# first on the path when run, it hid the standard library's `profile`, which cProfile imports, from
# every script in bench/.)
sys.path.insert(0, str(ROOT))

PYTHON = str(ROOT / ".venv" / "bin" / "python")
RESULTS = ROOT / "bench" / "results"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ovop_weight_bench")
DEPLOYMENTS = {"regency": os.environ.get("BENCH_REGENCY", "36.04"), "national": "ID"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def environment(area: str) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "ovop_portal.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-profile-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
        "DJANGO_MANIFEST_STATIC": "false",
        "DJANGO_LOG_LEVEL": "ERROR",
        "OVOP_AREA_CODE": area,
        "OVOP_TWO_FACTOR_REQUIRED": "false",
        "OVOP_PUBLIC_CACHE_SECONDS": "0",
        "OVOP_FIGURES_CACHE_SECONDS": "0",
    }
    env.pop("REDIS_URL", None)
    return env


# -- the worker: one deployment, in its own process ----------------------------------------------------


def table(profiles) -> str:
    lines = [
        "| page | status | KB | queries | runs | median ms | p95 ms | SQL ms | templates ms | other ms "
        "| SQL | templates | other |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for profile in profiles:
        if profile.error or not profile.renders:
            lines.append(f"| {profile.name} | error | | | | | | | | | | | {profile.error} |")
            continue
        split = profile.split()
        total = split["total"] or 1.0
        lines.append(
            f"| {profile.name} | {profile.status} | {profile.size / 1024:,.1f} | {profile.query_range} "
            f"| {len(profile.renders)} | {split['total']:,.1f} | {profile.p95:,.1f} | {split['sql']:,.1f} "
            f"| {split['templates']:,.1f} | {split['other']:,.1f} | {split['sql'] / total:.0%} "
            f"| {split['templates'] / total:.0%} | {split['other'] / total:.0%} |"
        )
    return "\n".join(lines)


def heading(deployment: str, options) -> str:
    from django.conf import settings
    from django.db import connection

    from products.models import Product
    from villages.models import Village

    villages = Village.objects.in_service_area().count()
    products = Product.objects.public().count()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"Profile, {deployment} deployment (OVOP_AREA_CODE={settings.OVOP_AREA_CODE}): {villages:,} villages "
        f"and {products:,} public products in the area; {connection.vendor} database "
        f"{connection.settings_dict['NAME']}. Test client in process, DEBUG off, cached template loader, "
        f"caches off; a warm-up, then up to {options.runs} renders a page (at least 3, within "
        f"{options.budget:g} s). Times in ms; SQL / templates / other split the median render. "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, load average (1, 5, 15 min) at the "
        f"end: {load}."
    )


def worker(deployment: str, options) -> None:
    import warnings

    import django

    # WhiteNoise warns that STATIC_ROOT is missing: static files are not served here.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from bench.profiling import pages as page_list
    from bench.profiling.core import cprofile_page, profile_page, query_page
    from products.models import Product
    from villages.models import Village

    if not Village.objects.exists() or not Product.objects.exists():
        raise SystemExit(
            f"{DATABASE_URL} holds no villages or products: run bench/page_weight.py once to seed"
        )
    clients = page_list.clients()
    wanted = options.cprofile or options.queries or options.pages
    pages = page_list.chosen(page_list.all_pages(), wanted)
    if not pages:
        raise SystemExit(f"no page matches {wanted!r}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    if options.queries:
        for page in pages:
            log(f"· {deployment}: queries of {page.name} {page.url}")
            text = query_page(clients[page.who], page.url, runs=options.runs, secure=True)
            print(f"{deployment} deployment, page {page.name}. {text}", flush=True)
        return
    if options.cprofile:
        for page in pages:
            log(f"· {deployment}: cProfile {page.name} {page.url}")
            text, profiler = cprofile_page(
                clients[page.who], page.url, runs=options.runs, budget=options.budget, secure=True
            )
            text = f"{deployment} deployment, page {page.name}. {text}"
            print(text)
            stem = RESULTS / f"cprofile-{deployment}-{page.name}"
            stem.with_suffix(".md").write_text(text)
            profiler.dump_stats(stem.with_suffix(".prof"))
        return
    profiles = []
    for page in pages:
        log(f"· {deployment}: {page.name} {page.url}")
        profile = profile_page(
            clients[page.who], page.name, page.url, runs=options.runs, budget=options.budget, secure=True
        )
        if profile.error:
            log(f"  {profile.error}")
        profiles.append(profile)
    addresses = "; ".join(f"{page.name} `{page.url}`" for page in pages)
    text = "\n\n".join([heading(deployment, options), table(profiles), f"Addresses: {addresses}."]) + "\n"
    print(text, flush=True)
    (RESULTS / f"profile-{deployment}.md").write_text(text)


# -- the command ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--deployment", choices=["regency", "national", "both"], default="both")
    parser.add_argument("--runs", type=int, default=30, help="renders per page after a warm-up (default 30)")
    parser.add_argument(
        "--budget", type=float, default=60, help="seconds per page after which it stops at 3 renders or more"
    )
    parser.add_argument("--pages", help="comma-separated page names or patterns (default: every page)")
    parser.add_argument("--cprofile", metavar="PAGE", help="cProfile this page (a name or pattern) instead")
    parser.add_argument(
        "--queries", metavar="PAGE", help="each query of this page (a name or pattern), slowest first"
    )
    parser.add_argument("--no-migrate", dest="migrate", action="store_false", help="do not migrate first")
    parser.add_argument("--worker", choices=sorted(DEPLOYMENTS), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.runs < 1:
        parser.error("--runs must be 1 or more")

    if options.worker:
        worker(options.worker, options)
        return
    deployments = list(DEPLOYMENTS) if options.deployment == "both" else [options.deployment]
    if options.migrate:
        from bench.run import ensure_database

        ensure_database(DATABASE_URL)
        log("· migrate")
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=environment(DEPLOYMENTS[deployments[0]]),
            check=True,
        )
    forwarded = [argument for argument in sys.argv[1:] if argument != "--no-migrate"]
    failed = []
    for deployment in deployments:
        completed = subprocess.run(
            [PYTHON, str(Path(__file__).resolve()), *forwarded, "--worker", deployment],
            cwd=ROOT,
            env=environment(DEPLOYMENTS[deployment]),
        )
        if completed.returncode:
            failed.append(deployment)
    if failed:
        raise SystemExit(f"the {', '.join(failed)} run failed")


if __name__ == "__main__":
    main()

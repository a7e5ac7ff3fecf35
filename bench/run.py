"""Load benchmark of the portal at national scale. One command on a fresh machine: `make bench`.

What it does, in order:
  1. prepares a PostgreSQL database (BENCH_DATABASE_URL, default ovop_bench on 127.0.0.1): migrates it
     and, when it holds no products yet (or with --reseed), fills it with `manage.py seed_scale`
     (every region of the country and national-scale programme data, deterministic);
  2. collects the static files and starts gunicorn with production settings (DEBUG off, 2 sync
     workers, Redis for the cache and the sessions) behind no proxy: the requests carry the
     `X-Forwarded-Proto: https` a reverse proxy adds;
  3. drives each page with wrk (Debian's package) for --seconds, --connections connections, and reads
     requests per second and the p50/p95/p99 latency from bench/wrk_report.lua; every page is first
     fetched once and must answer 200;
  4. measures the same pages again with the caches off (OVOP_PUBLIC_CACHE_SECONDS=0 and
     OVOP_FIGURES_CACHE_SECONDS=0), so the table shows what rendering afresh costs (the first visit
     after a write), not only what the cache serves;
  5. serves the whole country (OVOP_AREA_CODE=ID) for the national dashboard and the national export;
  6. downloads the registry export (every village of the area, CSV and XLSX) once through a fresh
     one-worker gunicorn and reports its time and the worker's peak resident memory (VmHWM).

It prints a Markdown table (and writes it to bench/results/latest.md) with each page's throughput as a
ratio of the trivial view's (`/healthz/`: a Django view that returns "ok", the ceiling of this stack
on this machine), measured in the same run. The database is kept between runs; nothing else is.
"""

import argparse
import contextlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LUA = str(ROOT / "bench" / "wrk_report.lua")
RESULTS = ROOT / "bench" / "results"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ovop_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
REGENCY = os.environ.get("BENCH_REGENCY", "36.04")
HOST = "127.0.0.1"
SECRET = "bench-only-" + "k" * 48

# The targets of issue 9, checked against the numbers of this run.
PUBLIC_RATIO_TARGET = 0.5
PUBLIC_P95_MS = 50
SEARCH_P95_MS = 100
DASHBOARD_P95_MS = {"regency": 300, "country": 1000}
EXPORT_PEAK_MB = 200


@dataclass
class Page:
    label: str
    paths: list[str]
    kind: str  # trivial, public, search, dashboard
    session: str | None = None  # a session cookie value: the page is for a signed-in official
    area: str = "regency"


@dataclass
class Measured:
    page: Page
    cache: str
    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    errors: int
    ratio: float | None = None


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def environment(*, area: str, cache_seconds: int, static: str, media: str) -> dict:
    return {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_BEHIND_PROXY": "true",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_STATIC_ROOT": static,
        "DJANGO_MEDIA_ROOT": media,
        "OVOP_REGENCY_CODE": REGENCY,
        "OVOP_AREA_CODE": area,
        "OVOP_PUBLIC_CACHE_SECONDS": str(cache_seconds),
        "OVOP_FIGURES_CACHE_SECONDS": str(cache_seconds),
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def manage(env: dict, *args: str, quiet: bool = True) -> None:
    subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )


def ensure_database(url: str = DATABASE_URL) -> None:
    """Create the PostgreSQL database of `url` unless it exists (bench/page_weight.py uses it too)."""
    import psycopg2
    from psycopg2 import sql

    base, name = url.rsplit("/", 1)
    connection = psycopg2.connect(f"{base}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def django_setup(env: dict) -> None:
    os.environ.update(
        {key: value for key, value in env.items() if key.startswith(("DJANGO", "OVOP", "DATABASE", "REDIS"))}
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "ovop_portal.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(env: dict, reseed: bool) -> None:
    ensure_database()
    log("· migrate")
    manage(env, "migrate", "--noinput")
    django_setup(env)
    from products.models import Product

    if reseed or not Product.objects.exists():
        log("· seed_scale (the whole country; several minutes)")
        started = time.monotonic()
        manage(env, "seed_scale", "--reset", quiet=False)
        log(f"  seeded in {time.monotonic() - started:.0f} s")
    log("· collectstatic")
    manage(env, "collectstatic", "--noinput")


def sessions() -> dict[str, str]:
    """Session cookies of a Dinas official and a kecamatan officer, made the way a sign-in makes them."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.cached_db import SessionStore

    from villages.models import District, OfficerArea
    from villages.roles import PETUGAS_DINAS, PETUGAS_KECAMATAN

    user_model = get_user_model()
    district = District.objects.filter(regency_id=REGENCY).order_by("code").first()
    cookies = {}
    for username, group in (("bench-dinas", PETUGAS_DINAS), ("bench-kecamatan", PETUGAS_KECAMATAN)):
        user, _ = user_model.objects.get_or_create(username=username, defaults={"first_name": username})
        user.set_password(SECRET)
        user.save()
        user.groups.add(Group.objects.get(name=group))
        if group == PETUGAS_KECAMATAN:
            OfficerArea.objects.get_or_create(user=user, district=district)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.set_expiry(60 * 60 * 4)
        store.save()
        cookies[username] = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
    return cookies


def pages(cookies: dict[str, str]) -> list[Page]:
    """The pages of the issue, with real addresses taken from the database."""
    from products.models import Category, Product
    from villages.models import District

    public = Product.objects.public().filter(designations__isnull=False).order_by("pk")
    product = public.select_related("village__district").first()
    if product is None:
        raise SystemExit(f"no public product in {REGENCY}: is the database seeded?")
    village, district = product.village, product.village.district
    category = Category.objects.filter(pk=product.category_id).first()
    words = sorted(
        {word.lower() for name in public.values_list("name", flat=True)[:400] for word in name.split()}
    )
    searches = [f"/produk/?q={word}" for word in words if len(word) > 3][:50] or ["/produk/?q=keripik"]
    districts = list(
        District.objects.filter(regency_id=REGENCY).order_by("code").values_list("code", flat=True)
    )
    filtered = [
        f"/produk/?kecamatan={code}" + (f"&kategori={category.slug}" if category else "")
        for code in districts
    ]
    return [
        Page("trivial view (/healthz/)", ["/healthz/"], "trivial"),
        Page("home", ["/"], "public"),
        Page("catalogue", ["/produk/"], "public"),
        Page("catalogue, filtered (kecamatan + category)", filtered, "public"),
        Page("catalogue, searched", searches, "search"),
        Page("product page", [product.get_public_url()], "public"),
        Page("village page", [village.get_absolute_url()], "public"),
        Page("kecamatan page", [district.get_absolute_url()], "public"),
        Page("dashboard, kecamatan officer", ["/petugas/dasbor/"], "dashboard", cookies["bench-kecamatan"]),
        Page("dashboard, regency (Dinas)", ["/petugas/dasbor/"], "dashboard", cookies["bench-dinas"]),
        Page(
            "dashboard, whole country", ["/petugas/dasbor/"], "dashboard", cookies["bench-dinas"], "country"
        ),
    ]


def flush_redis() -> None:
    """Empty the benchmark's Redis database (its own number, BENCH_REDIS_URL): cached pages and figures,
    and the cached copies of sessions, which stay in PostgreSQL (cached_db)."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict, workers: int = 2):
    port = free_port()
    process = subprocess.Popen(
        [
            GUNICORN,
            "ovop_portal.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.2):
                break
            if process.poll() is not None:
                raise SystemExit("gunicorn stopped while starting")
            time.sleep(0.1)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def headers_for(page: Page) -> dict[str, str]:
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"}
    if page.session:
        headers["Cookie"] = page.session
    return headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=headers)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def drive(port: int, page: Page, seconds: int, connections: int, cache: str) -> Measured:
    headers = headers_for(page)
    for path in page.paths:  # every address once: each must answer 200, and the caches are warm
        status, _ = fetch(port, path, headers)
        if status != 200:
            raise SystemExit(f"{page.label}: {path} answered {status}, not 200")
    with tempfile.TemporaryDirectory() as scratch:
        paths_file, headers_file = Path(scratch) / "paths", Path(scratch) / "headers"
        paths_file.write_text("\n".join(page.paths) + "\n")
        headers_file.write_text("".join(f"{name}: {value}\n" for name, value in headers.items()))
        threads = min(2, connections)
        completed = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                LUA,
                f"http://{HOST}:{port}{page.paths[0]}",
            ],
            env={**os.environ, "BENCH_PATHS": str(paths_file), "BENCH_HEADERS": str(headers_file)},
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH "))
    data = json.loads(line.removeprefix("BENCH "))
    return Measured(
        page=page,
        cache=cache,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50=data["p50_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
        requests=data["requests"],
        errors=data["socket_errors"] + data["non_2xx_3xx"],
    )


def vmhwm_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def measure_export(env: dict, cookie: str, fmt: str, label: str) -> dict:
    """One download of the registry export through a fresh one-worker gunicorn: seconds, bytes, rows and
    the worker's peak resident memory, before and during the download."""
    with gunicorn(env, workers=1) as (port, process):
        status, _ = fetch(port, "/healthz/", {"Host": HOST, "X-Forwarded-Proto": "https"})
        worker = worker_pids(process.pid)[0]
        before = vmhwm_kb(worker)
        request = urllib.request.Request(
            f"http://{HOST}:{port}/petugas/ekspor/registri.{fmt}",
            headers={"Host": HOST, "X-Forwarded-Proto": "https", "Cookie": cookie},
        )
        started = time.monotonic()
        size = rows = 0
        with urllib.request.build_opener(NoRedirect).open(request, timeout=900) as response:
            while chunk := response.read(1 << 16):
                size += len(chunk)
                rows += chunk.count(b"\n")
        seconds = time.monotonic() - started
        peak = vmhwm_kb(worker)
    return {
        "label": label,
        "format": fmt,
        "seconds": seconds,
        "bytes": size,
        "rows": rows - 1 if fmt == "csv" else None,
        "peak_mb": peak / 1024,
        "idle_mb": before / 1024,
    }


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, {platform.platform()}, "
        f"Python {platform.python_version()}, {postgres}"
    )


def area_code(area: str) -> str:
    return "ID" if area == "country" else REGENCY


def wanted(page: Page, area: str, cache: str) -> bool:
    """Which pages a run measures: the trivial view in every run (the ratios' base), the public pages in
    the regency runs, the dashboards in the runs of their area."""
    if page.kind == "trivial":
        return True
    if page.kind == "dashboard":
        return page.area == area
    return area == "regency"


def check(result: Measured) -> str:
    kind, page = result.page.kind, result.page
    if kind == "trivial":
        return ""
    if kind == "dashboard":
        limit = DASHBOARD_P95_MS["country" if page.area == "country" else "regency"]
        return "met" if result.p95 < limit else f"missed (p95 ≥ {limit} ms)"
    limit = SEARCH_P95_MS if kind == "search" else PUBLIC_P95_MS
    misses = []
    if result.p95 >= limit:
        misses.append(f"p95 ≥ {limit} ms")
    if result.ratio is not None and result.ratio < PUBLIC_RATIO_TARGET:
        misses.append(f"ratio < {PUBLIC_RATIO_TARGET:.0%}")
    return "met" if not misses else "missed (" + ", ".join(misses) + ")"


def table(results: list[Measured], exports: list[dict], settings_line: str) -> str:
    lines = [
        f"Machine: {machine()}",
        "",
        settings_line,
        "",
        "| page | cache | req/s | × trivial | p50 ms | p95 ms | p99 ms | target |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        ratio = "" if result.ratio is None else f"{result.ratio:.2f}"
        errors = f" ({result.errors} errors)" if result.errors else ""
        target = check(result)
        lines.append(
            f"| {result.page.label} | {result.cache} | {result.rps:.0f}{errors} | {ratio} | {result.p50:.1f} "
            f"| {result.p95:.1f} | {result.p99:.1f} | {target} |"
        )
    lines += [
        "",
        "| export | rows | size | seconds | worker peak RSS | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for export in exports:
        target = "met" if export["peak_mb"] < EXPORT_PEAK_MB else f"missed (≥ {EXPORT_PEAK_MB} MB)"
        rows = "" if export["rows"] is None else f"{export['rows']:,}"
        lines.append(
            f"| {export['label']} ({export['format']}) | {rows} | {export['bytes'] / 1024**2:.1f} MB "
            f"| {export['seconds']:.1f} | {export['peak_mb']:.0f} MB (idle {export['idle_mb']:.0f} MB) "
            f"| {target} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10, help="how long wrk drives each page (default 10)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--reseed", action="store_true", help="run seed_scale --reset even if data is there")
    parser.add_argument("--only", help="measure only the pages whose label contains this text")
    parser.add_argument("--no-export", action="store_true", help="skip the export measurement")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does it)")

    with tempfile.TemporaryDirectory(prefix="ovop-bench-") as scratch:
        static, media = str(Path(scratch) / "static"), str(Path(scratch) / "media")
        base = environment(area=REGENCY, cache_seconds=600, static=static, media=media)
        prepare(base, options.reseed)
        cookies = sessions()
        dinas_cookie = cookies["bench-dinas"]
        all_pages = pages(cookies)
        if options.only:
            all_pages = [page for page in all_pages if options.only in page.label or page.kind == "trivial"]
        results: list[Measured] = []
        # (area, cache seconds, label): each page as served (cached until a write) and as rendered afresh
        # (the caches off: what the first visit after a write costs).
        runs = [
            (area, secs, label)
            for area in ("regency", "country")
            for secs, label in ((600, "on"), (0, "off"))
        ]
        for area, cache_seconds, cache in runs:
            chosen = [page for page in all_pages if wanted(page, area, cache)]
            if len(chosen) == 1:
                continue
            env = environment(area=area_code(area), cache_seconds=cache_seconds, static=static, media=media)
            flush_redis()  # an empty cache: the uncached run must not read what the cached one stored
            log(f"· gunicorn, {options.workers} workers, area {area_code(area)}, public cache {cache}")
            with gunicorn(env, workers=options.workers) as (port, _):
                trivial = None
                for page in chosen:
                    log(f"  {page.label}")
                    shown_cache = "n/a" if page.kind == "trivial" else cache
                    result = drive(port, page, options.seconds, options.connections, shown_cache)
                    if page.kind == "trivial":
                        trivial = result
                    else:
                        result.ratio = result.rps / trivial.rps
                    results.append(result)
        exports = []
        if not options.no_export:
            for area, label in (
                ("regency", f"registry of {REGENCY}"),
                ("country", "registry of the whole country"),
            ):
                env = environment(area=area_code(area), cache_seconds=0, static=static, media=media)
                for fmt in ("csv", "xlsx"):
                    log(f"· export {label} ({fmt})")
                    exports.append(measure_export(env, dinas_cookie, fmt, label))
        settings_line = (
            f"gunicorn {options.workers} sync workers, wrk {options.connections} connections × "
            f"{options.seconds} s per page, PostgreSQL + Redis, production settings; "
            f"served area {REGENCY} (whole country: OVOP_AREA_CODE=ID)"
        )
        report = table(results, exports, settings_line)
    print(report)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.md").write_text(report + "\n")


if __name__ == "__main__":
    main()
